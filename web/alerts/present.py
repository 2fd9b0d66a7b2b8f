"""What the Alerts page shows of an alert: its numbers, who acted on it, and its stored evidence (chart, phrases,
examples, the queue link), read once for a whole list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlmodel import Session, col, select

from alerts.chart import spike_chart
from alerts.evidence import Evidence
from models import User
from models.alert_rule import Alert, AlertRule, AlertStatus
from models.base import utcnow

MUTE_CHOICES: tuple[tuple[int, str], ...] = ((60, "1 hour"), (240, "4 hours"), (1440, "1 day"), (10080, "1 week"))


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    rule_name: str
    evidence: Evidence | None
    chart: Markup
    acknowledged_by: str | None
    resolved_by: str | None
    muted_by: str | None
    muted: bool

    @property
    def is_open(self) -> bool:
        return self.alert.status == AlertStatus.open.value

    @property
    def needs_attention(self) -> bool:
        return self.is_open and self.alert.acknowledged_at is None


def present(session: Session, alerts: Sequence[Alert], *, now: datetime | None = None) -> list[AlertView]:
    now = now or utcnow()
    user_ids = {pk for alert in alerts for pk in (alert.acknowledged_by_id, alert.resolved_by_id, alert.muted_by_id)
                if pk is not None}
    emails = dict(session.exec(select(User.id, User.email).where(col(User.id).in_(user_ids))).all()) if user_ids \
        else {}
    rule_ids = {alert.rule_id for alert in alerts}
    rules = dict(session.exec(select(AlertRule.id, AlertRule.name).where(col(AlertRule.id).in_(rule_ids))).all()) \
        if rule_ids else {}
    views = []
    for alert in alerts:
        evidence = _evidence(alert)
        chart = spike_chart(evidence.chart, alert.window_start, alert.window_end, title=f"{alert.series_label} around "
                            "the spike", chart_id=f"alert-{alert.id}-chart") if evidence else Markup("")
        views.append(AlertView(
            alert=alert, rule_name=rules.get(alert.rule_id, f"rule {alert.rule_id}"), evidence=evidence, chart=chart,
            acknowledged_by=emails.get(alert.acknowledged_by_id or 0),
            resolved_by=emails.get(alert.resolved_by_id or 0), muted_by=emails.get(alert.muted_by_id or 0),
            muted=alert.muted_until is not None and alert.muted_until > now))
    return views


def _evidence(alert: Alert) -> Evidence | None:
    """Evidence stored by an older release may lack fields: shown without it rather than failing the page."""
    if not alert.evidence:
        return None
    try:
        return Evidence.from_json(alert.evidence)
    except (KeyError, TypeError, ValueError):
        return None
