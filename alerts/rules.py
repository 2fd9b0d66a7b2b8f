"""Alert rules as admins manage them: validated create/update/enable/disable (audited), the shipped defaults,
and what a rule means to the detector (its series and its DetectorConfig)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, delete, select

from alerts.detector import DetectorConfig
from alerts.scope import DIMENSIONS, SeriesScope
from alerts.series import add_custom_series
from listener.platforms import NETWORK_NAMES
from listener.query.language import QuerySyntaxError, parse
from models import Source, Topic, User, record_event
from models.alert_delivery import AlertChannel
from models.alert_rule import Alert, AlertDetectorState, AlertRule, AlertStatus
from models.base import utcnow
from models.errors import Invalid

METRICS = {"mentions": "mentions", "negative": "negative mentions", "complaints": "complaints",
           "sla": "complaints unanswered past the SLA"}
BUCKETS = {"5m": 300, "300": 300, "1h": 3600, "3600": 3600}
WARMUP = timedelta(days=7)  # how much history a new detector learns from
DEFAULT_COOLDOWN = DetectorConfig.cooldown_minutes  # the setting NAB and the stream benchmark measured
FIELDS = ("name", "metric", "per", "topic", "network", "source_id", "language", "query", "bucket_seconds",
          "false_alarms_per_month", "min_count", "cooldown_minutes", "sla_hours", "channel_ids")
_LANGUAGE = re.compile(r"[a-z]{2,3}")

# The defaults a new workspace gets (migration 0018 holds a frozen copy): see ensure_default_rules.
DEFAULT_RULES: tuple[dict[str, Any], ...] = (
    {"builtin": "negative_spike", "name": "Negative mentions spike", "metric": "negative"},
    {"builtin": "complaint_topic_spike", "name": "Complaint spike by topic", "metric": "complaints", "per": "topic"},
    {"builtin": "complaint_sla", "name": "Complaint unanswered past the SLA", "metric": "sla", "min_count": 1},
)


class RuleInvalid(Invalid):
    """A rule form that cannot be saved; `errors` maps each field to what is wrong."""


@dataclass(frozen=True)
class RuleFields:
    name: str
    metric: str
    per: str | None
    topic: str | None
    network: str | None
    source_id: int | None
    language: str | None
    query: str | None
    bucket_seconds: int
    false_alarms_per_month: float
    min_count: int
    cooldown_minutes: int
    sla_hours: float | None
    channel_ids: list[int] | None


def scope_of(rule: AlertRule) -> SeriesScope:
    metric = "complaints" if rule.metric == "sla" else rule.metric
    return SeriesScope(metric=metric, per=rule.per, topic=rule.topic, network=rule.network, source_id=rule.source_id,
                       language=rule.language, query=rule.query, rule_id=rule.id)


def detector_config(rule: AlertRule) -> DetectorConfig:
    return DetectorConfig(bucket_seconds=rule.bucket_seconds, false_alarms_per_month=rule.false_alarms_per_month,
                          min_count=rule.min_count, cooldown_minutes=rule.cooldown_minutes)


def describe(rule: AlertRule) -> str:
    """What the rule counts, in words: "complaints, per topic, network x"."""
    parts = [METRICS.get(rule.metric, rule.metric)]
    if rule.per:
        parts.append(f"per {rule.per}")
    parts.extend(f"{name} {value}" for name, value in (("topic", rule.topic), ("network", rule.network),
                                                        ("source", rule.source_id), ("language", rule.language),
                                                        ("matching", rule.query)) if value is not None)
    return ", ".join(parts)


def list_rules(session: Session) -> list[AlertRule]:
    return list(session.exec(select(AlertRule).order_by(col(AlertRule.id))))


def enabled_rules(session: Session) -> list[AlertRule]:
    return list(session.exec(select(AlertRule).where(col(AlertRule.enabled)).order_by(col(AlertRule.id))))


def create_rule(session: Session, fields: Mapping[str, Any], *, actor: User | None = None) -> AlertRule:
    checked = check_fields(session, fields)
    rule = AlertRule(**vars(checked))
    session.add(rule)
    session.flush()
    _count_own_series(session, rule)
    record_event(session, "alert.rule.created", actor=actor, rule_id=rule.id, **_details(rule))
    return rule


def update_rule(session: Session, rule_id: int, fields: Mapping[str, Any], *, actor: User | None = None) -> AlertRule:
    rule = _get(session, rule_id)
    before = _details(rule)
    old_series = (scope_of(rule).base, rule.per, rule.bucket_seconds, rule.metric)
    merged = {**before, **{key: value for key, value in fields.items() if key in FIELDS}}
    for key, value in vars(check_fields(session, merged)).items():
        setattr(rule, key, value)
    rule.updated_at = utcnow()
    session.add(rule)
    session.flush()
    if (scope_of(rule).base, rule.per, rule.bucket_seconds, rule.metric) != old_series:
        # A different series: the old detectors learnt something else. Its open alerts close on the next run.
        session.execute(delete(AlertDetectorState).where(col(AlertDetectorState.rule_id) == rule.id))
        _count_own_series(session, rule)
    changed = {key: [before[key], value] for key, value in _details(rule).items() if before[key] != value}
    record_event(session, "alert.rule.updated", actor=actor, rule_id=rule.id, changed=changed)
    return rule


def set_rule_enabled(session: Session, rule_id: int, enabled: bool, *, actor: User | None = None) -> AlertRule:
    rule = _get(session, rule_id)
    if rule.enabled != enabled:
        rule.enabled, rule.updated_at = enabled, utcnow()
        session.add(rule)
        session.flush()
        if enabled:  # its own series were not counted while it was off
            _count_own_series(session, rule)
        else:
            _stop_watching(session, rule, actor)
        record_event(session, "alert.rule.enabled" if enabled else "alert.rule.disabled", actor=actor,
                     rule_id=rule.id)
    return rule


def ensure_default_rules(session: Session) -> list[AlertRule]:
    """The shipped defaults, created if missing (a workspace whose migration ran before they existed)."""
    existing = {rule.builtin for rule in session.exec(select(AlertRule).where(col(AlertRule.builtin).is_not(None)))}
    created = []
    for default in DEFAULT_RULES:
        if default["builtin"] not in existing:
            fields = vars(check_fields(session, default))
            rule = AlertRule(**fields, builtin=default["builtin"])
            session.add(rule)
            created.append(rule)
    session.flush()
    return created


def check_fields(session: Session, fields: Mapping[str, Any]) -> RuleFields:
    """Parse and validate a rule form (strings as a form posts them, or typed values); RuleInvalid lists every
    field that is wrong."""
    errors: dict[str, str] = {}
    text = {key: _text(fields.get(key)) for key in ("name", "metric", "per", "topic", "network", "language", "query")}
    metric = text["metric"] or ""
    if metric not in METRICS:
        errors["metric"] = f"choose one of: {', '.join(METRICS)}"
    name = text["name"] or METRICS.get(metric, "")
    if not name or len(name) > 120:
        errors["name"] = "write a name of 1 to 120 characters"
    per = text["per"]
    if per is not None and (per not in DIMENSIONS or metric == "sla"):
        errors["per"] = ("an SLA rule watches all complaints at once" if metric == "sla"
                         else f"choose one of: {', '.join(DIMENSIONS)}, or nothing")
    if per is not None and _given(fields, "source_id" if per == "source" else per):
        errors["per"] = f"a rule cannot both filter on one {per} and run per {per}"
    topic, network, language, query = text["topic"], text["network"], text["language"], text["query"]
    if topic is not None and session.exec(select(Topic.id).where(col(Topic.name) == topic)).first() is None:
        errors["topic"] = f"no topic named {topic!r}"
    if network is not None and network not in NETWORK_NAMES:
        errors["network"] = f"choose one of: {', '.join(NETWORK_NAMES)}"
    if language is not None and not _LANGUAGE.fullmatch(language):
        errors["language"] = "a language code of 2 or 3 lowercase letters, such as en, ja or ko"
    if query is not None:
        try:
            parse(query)
        except QuerySyntaxError as error:
            errors["query"] = str(error)
    source_id = _int(fields.get("source_id"), "source_id", errors, low=1, high=2**31)
    if source_id is not None and "source_id" not in errors and session.get(Source, source_id) is None:
        errors["source_id"] = f"no source {source_id}"
    bucket_seconds = BUCKETS.get(str(fields.get("bucket_seconds") or "300").strip())
    if bucket_seconds is None:
        errors["bucket_seconds"] = "choose 5-minute (300) or hourly (3600) buckets"
    rate = _float(fields.get("false_alarms_per_month", 1.0), "false_alarms_per_month", errors, low=0.01, high=100)
    min_count = _int(fields.get("min_count", 5), "min_count", errors, low=1, high=1_000_000)
    cooldown = _int(fields.get("cooldown_minutes", DEFAULT_COOLDOWN), "cooldown_minutes", errors,
                    low=0, high=7 * 24 * 60)
    sla_hours = _float(fields.get("sla_hours"), "sla_hours", errors, low=0.25, high=24 * 30)
    if sla_hours is not None and metric != "sla":
        errors["sla_hours"] = "only an SLA rule has business hours to wait"
    channel_ids = _channel_ids(session, fields.get("channel_ids"), errors)
    if errors:
        raise RuleInvalid(errors)
    return RuleFields(name=name, metric=metric, per=per, topic=topic, network=network, source_id=source_id,
                      language=language, query=query, bucket_seconds=bucket_seconds or 300,
                      false_alarms_per_month=rate if rate is not None else 1.0,
                      min_count=min_count if min_count is not None else 5,
                      cooldown_minutes=cooldown if cooldown is not None else DEFAULT_COOLDOWN, sla_hours=sla_hours,
                      channel_ids=channel_ids)


def _count_own_series(session: Session, rule: AlertRule) -> None:
    scope = scope_of(rule)
    if scope.custom and rule.metric != "sla":
        add_custom_series(session, scope, since=utcnow() - WARMUP)


def _stop_watching(session: Session, rule: AlertRule, actor: User | None) -> None:
    """A disabled rule's open alerts close without a message: nobody watches their series any more."""
    now = utcnow()
    for alert in session.exec(select(Alert).where(col(Alert.rule_id) == rule.id,
                                                  col(Alert.status) == AlertStatus.open.value)):
        alert.status, alert.closed_at, alert.updated_at = AlertStatus.closed.value, now, now
        session.add(alert)
        record_event(session, "alert.closed", actor=actor, alert_id=alert.id, reason="rule disabled")
    session.flush()


def _get(session: Session, rule_id: int) -> AlertRule:
    rule = session.get(AlertRule, rule_id)
    if rule is None:
        raise RuleInvalid({"rule": f"no alert rule {rule_id}"})
    return rule


def _details(rule: AlertRule) -> dict[str, Any]:
    return {key: getattr(rule, key) for key in FIELDS}


def _text(value: object) -> str | None:
    if value is None:
        return None
    stripped = str(value).strip()
    return stripped or None


def _given(fields: Mapping[str, Any], key: str) -> bool:
    return _text(fields.get(key)) is not None


def _int(value: object, field: str, errors: dict[str, str], *, low: int, high: int) -> int | None:
    if _text(value) is None:
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[field] = "a whole number"
        return None
    if not low <= number <= high:
        errors[field] = f"between {low} and {high}"
    return number


def _float(value: object, field: str, errors: dict[str, str], *, low: float, high: float) -> float | None:
    if _text(value) is None:
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        errors[field] = "a number"
        return None
    if not low <= number <= high:  # also refuses NaN
        errors[field] = f"between {low:g} and {high:g}"
    return number


def _channel_ids(session: Session, value: object, errors: dict[str, str]) -> list[int] | None:
    """None (every enabled channel), or a list of channel ids ([] for the app only)."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else None
    if items is None:
        errors["channel_ids"] = "a list of channel ids"
        return None
    try:
        ids = sorted({int(str(item).strip()) for item in items if str(item).strip()})
    except ValueError:
        errors["channel_ids"] = "channel ids are whole numbers"
        return None
    known = set(session.exec(select(AlertChannel.id).where(col(AlertChannel.id).in_(ids))).all()) if ids else set()
    if missing := [pk for pk in ids if pk not in known]:
        errors["channel_ids"] = f"no channel {', '.join(map(str, missing))}"
    return ids
