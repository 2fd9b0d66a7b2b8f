"""Creating, editing and disabling report digests, each change audited; listing them with their deliveries."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlmodel import Session, col, select

from models import User, record_event
from models.base import utcnow
from models.errors import Invalid
from models.report_digest import DigestFrequency, ReportDigest, ReportDigestDelivery

MAX_RECIPIENTS = 50
MAX_NAME = 120
PAPERS = ("a4", "letter")
RECENT_DELIVERIES = 5


class DigestInvalid(Invalid):
    """A digest form that cannot be saved."""


@dataclass(frozen=True)
class DigestForm:
    name: str
    frequency: DigestFrequency
    recipients: list[str]
    filters: dict[str, str]
    paper: str
    enabled: bool


def validate(values: Mapping[str, str], check_filters: Callable[[dict[str, str]], dict[str, str]]) -> DigestForm:
    """The form's values, checked; `check_filters` returns the filters as stored or raises ValueError."""
    errors: dict[str, str] = {}
    name = values.get("name", "").strip()
    if not name or len(name) > MAX_NAME:
        errors["name"] = f"give a name of 1 to {MAX_NAME} characters"
    frequency = values.get("frequency", "")
    if frequency not in DigestFrequency.__members__:
        errors["frequency"] = "choose weekly or monthly"
    paper = values.get("paper", "a4")
    if paper not in PAPERS:
        errors["paper"] = "choose A4 or Letter"
    try:
        recipients = parse_recipients(values.get("recipients", ""))
    except ValueError as error:
        errors["recipients"], recipients = str(error), []
    try:
        filters = check_filters(_filter_args(values.get("filters", "")))
    except ValueError as error:
        errors["filters"], filters = str(error), {}
    if errors:
        raise DigestInvalid(errors)
    return DigestForm(name, DigestFrequency(frequency), recipients, filters, paper, values.get("enabled") == "1")


def parse_recipients(raw: str) -> list[str]:
    recipients: list[str] = []
    for part in raw.replace(";", ",").replace("\n", ",").split(","):
        _, address = parseaddr(part.strip())
        if not part.strip():
            continue
        if not address or "@" not in address or any(c in address for c in "\r\n "):
            raise ValueError(f"not an email address: {part.strip()!r}")
        if address not in recipients:
            recipients.append(address)
    if not recipients or len(recipients) > MAX_RECIPIENTS:
        raise ValueError(f"give between 1 and {MAX_RECIPIENTS} email addresses, separated by commas")
    return recipients


def _filter_args(raw: str) -> dict[str, str]:
    """The filters as a query string (network=x&topic=delivery), as the Reports page's URL shows them."""
    try:
        pairs = parse_qsl(raw.strip().lstrip("?"), keep_blank_values=False, strict_parsing=bool(raw.strip()))
    except ValueError:
        raise ValueError("write the filters as on the Reports page's address, e.g. network=x&topic=delivery") from None
    return dict(pairs)


def filters_text(digest: ReportDigest) -> str:
    return urlencode(digest.filters)


def create(session: Session, form: DigestForm, *, actor: User) -> ReportDigest:
    digest = ReportDigest(name=form.name, frequency=form.frequency.value, recipients=form.recipients,
                          filters=form.filters, paper=form.paper, enabled=form.enabled, created_by_id=actor.id)
    session.add(digest)
    session.flush()
    record_event(session, "report_digest.created", actor=actor, digest_id=digest.id, **_described(digest))
    return digest


def update(session: Session, digest: ReportDigest, form: DigestForm, *, actor: User) -> bool:
    """False when nothing changed (and nothing is audited)."""
    before = _described(digest)
    digest.name, digest.frequency, digest.recipients = form.name, form.frequency.value, form.recipients
    digest.filters, digest.paper, digest.enabled = form.filters, form.paper, form.enabled
    after = _described(digest)
    if after == before:
        return False
    digest.updated_at = utcnow()
    session.add(digest)
    changed = {key: {"from": before[key], "to": after[key]} for key in after if after[key] != before[key]}
    record_event(session, "report_digest.updated", actor=actor, digest_id=digest.id, changed=changed)
    return True


def set_enabled(session: Session, digest: ReportDigest, enabled: bool, *, actor: User) -> bool:
    if digest.enabled == enabled:
        return False
    digest.enabled, digest.updated_at = enabled, utcnow()
    session.add(digest)
    record_event(session, "report_digest.enabled" if enabled else "report_digest.disabled", actor=actor,
                 digest_id=digest.id, name=digest.name)
    return True


def _described(digest: ReportDigest) -> dict[str, Any]:
    return {"name": digest.name, "frequency": digest.frequency, "recipients": list(digest.recipients),
            "filters": dict(digest.filters), "paper": digest.paper, "enabled": digest.enabled}


@dataclass(frozen=True)
class DigestView:
    digest: ReportDigest
    deliveries: list[ReportDigestDelivery]  # newest first

    @property
    def failing(self) -> list[ReportDigestDelivery]:
        return [d for d in self.deliveries if d.status != "sent" and d.attempts > 0]


def list_digests(session: Session) -> list[DigestView]:
    digests = list(session.exec(select(ReportDigest).order_by(col(ReportDigest.name), col(ReportDigest.id))))
    views = []
    for digest in digests:  # a handful of digests, each with its last few deliveries
        deliveries = session.exec(select(ReportDigestDelivery).where(ReportDigestDelivery.digest_id == digest.id)
                                  .order_by(col(ReportDigestDelivery.period).desc()).limit(RECENT_DELIVERIES))
        views.append(DigestView(digest, list(deliveries)))
    return views
