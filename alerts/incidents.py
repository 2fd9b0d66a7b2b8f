"""One alert per incident: it opens on the first alarming bucket, is updated while the spike lasts (a message
only when it has grown materially, not every bucket), and closes when the series is normal again. Staff
acknowledge, mute (no messages until a time, for this alert and the next ones of the same series) and resolve it;
every change is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from alerts.chart import SeriesPoint
from alerts.notify import notify
from models import User, record_event
from models.alert_rule import Alert, AlertRule, AlertStatus
from models.base import utcnow

GROWTH = 2.0  # an update is sent when the incident's count has doubled since the last message...
MAX_MUTE = timedelta(days=30)


class IncidentError(ValueError):
    """An action on an alert that cannot be done (unknown alert, already resolved, bad duration)."""


@dataclass(frozen=True)
class Reading:
    """What the detector (or the SLA check) saw: a window of the series and how unusual it is."""

    window_start: datetime
    window_end: datetime
    observed: float
    expected: float
    p_value: float | None
    score: float | None


def open_alert(session: Session, rule: AlertRule, series_key: str, label: str, reading: Reading, *,
               now: datetime, points: Sequence[SeriesPoint] = (), base_url: str = "",
               mention_id: int | None = None) -> Alert:
    alert = Alert(rule_id=rule.id or 0, series_key=series_key, title=_title(rule, label), series_label=label,
                  opened_at=now, updated_at=now, window_start=reading.window_start, window_end=reading.window_end,
                  observed=reading.observed, expected=reading.expected, p_value=reading.p_value, score=reading.score,
                  notified_observed=reading.observed, mention_id=mention_id, muted_until=_muted_series(session, rule,
                                                                                                     series_key, now))
    session.add(alert)
    session.flush()
    record_event(session, "alert.opened", alert_id=alert.id, rule_id=rule.id, series=series_key,
                 observed=reading.observed, expected=round(reading.expected, 3), p_value=reading.p_value)
    notify(session, alert, rule, "opened", points=points, base_url=base_url, send=not _muted(alert, now))
    return alert


def extend_alert(session: Session, alert: Alert, rule: AlertRule, reading: Reading, *, now: datetime,
                 points: Sequence[SeriesPoint] = (), base_url: str = "", min_growth: float = 0.0) -> bool:
    """The spike goes on: widen the window and the counts; True when a message went out (material growth)."""
    alert.window_end = max(alert.window_end, reading.window_end)
    alert.window_start = min(alert.window_start, reading.window_start)
    alert.observed, alert.expected = reading.observed, reading.expected
    if reading.score is not None and (alert.score is None or reading.score > alert.score):
        alert.p_value, alert.score = reading.p_value, reading.score
    alert.updated_at = now
    session.add(alert)
    grown = (alert.observed >= GROWTH * max(alert.notified_observed, 1.0)
             and alert.observed - alert.notified_observed >= max(min_growth, 1.0))
    if not grown or alert.status != AlertStatus.open.value:
        session.flush()
        return False
    alert.updates_sent += 1
    alert.notified_observed = alert.observed
    record_event(session, "alert.updated", alert_id=alert.id, observed=alert.observed,
                 expected=round(alert.expected, 3), update=alert.updates_sent)
    notify(session, alert, rule, "updated", points=points, base_url=base_url, send=not _muted(alert, now))
    return True


def close_alert(session: Session, alert: Alert, rule: AlertRule, *, now: datetime,
                points: Sequence[SeriesPoint] = (), base_url: str = "") -> None:
    """The series is back to normal. A resolved alert stays resolved; it only stops being watched."""
    if alert.status != AlertStatus.open.value:
        return
    alert.status, alert.closed_at, alert.updated_at = AlertStatus.closed.value, now, now
    session.add(alert)
    record_event(session, "alert.closed", alert_id=alert.id, observed=alert.observed)
    notify(session, alert, rule, "resolved", points=points, base_url=base_url, send=not _muted(alert, now))


def open_alert_for(session: Session, rule_id: int, series_key: str) -> Alert | None:
    """The incident still being watched on this series: open, or resolved by staff while the spike lasts."""
    return session.exec(select(Alert).where(col(Alert.rule_id) == rule_id, col(Alert.series_key) == series_key,
                                            col(Alert.status) == AlertStatus.open.value)
                        .order_by(col(Alert.id).desc())).first()


# --- what staff do (the Alerts page) --------------------------------------------------------------------------

def acknowledge(session: Session, alert_id: int, *, actor: User, now: datetime | None = None) -> Alert:
    alert = _get(session, alert_id)
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by_id = now or utcnow(), actor.id
        session.add(alert)
        record_event(session, "alert.acknowledged", actor=actor, alert_id=alert.id)
        session.flush()
    return alert


def mute(session: Session, alert_id: int, *, minutes: int, actor: User, now: datetime | None = None) -> Alert:
    """No messages about this alert, nor about new alerts of the same rule and series, for `minutes`; 0 unmutes.
    The alerts still appear in the app."""
    if not 0 <= minutes <= MAX_MUTE.total_seconds() / 60:
        raise IncidentError(f"mute for 0 to {int(MAX_MUTE.total_seconds() // 60)} minutes")
    alert = _get(session, alert_id)
    now = now or utcnow()
    alert.muted_until = now + timedelta(minutes=minutes) if minutes else None
    alert.muted_by_id = actor.id if minutes else None
    session.add(alert)
    record_event(session, "alert.muted" if minutes else "alert.unmuted", actor=actor, alert_id=alert.id,
                 until=alert.muted_until.isoformat() if alert.muted_until else None)
    session.flush()
    return alert


def resolve(session: Session, alert_id: int, *, actor: User, now: datetime | None = None) -> Alert:
    alert = _get(session, alert_id)
    if alert.status == AlertStatus.resolved.value:
        raise IncidentError("this alert is already resolved")
    now = now or utcnow()
    alert.status, alert.resolved_at, alert.resolved_by_id = AlertStatus.resolved.value, now, actor.id
    alert.closed_at = alert.closed_at or now
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by_id = now, actor.id
    alert.updated_at = now
    session.add(alert)
    record_event(session, "alert.resolved", actor=actor, alert_id=alert.id)
    session.flush()
    return alert


def list_alerts(session: Session, *, limit: int = 50) -> list[Alert]:
    """Open alerts first, then the newest."""
    open_first = sa.case((col(Alert.status) == AlertStatus.open.value, 0), else_=1)
    return list(session.exec(select(Alert).order_by(open_first, col(Alert.opened_at).desc(), col(Alert.id).desc())
                             .limit(limit)))


def count_open_unacknowledged(session: Session) -> int:
    return session.exec(select(sa.func.count()).select_from(Alert).where(
        col(Alert.status) == AlertStatus.open.value, col(Alert.acknowledged_at).is_(None))).one()


def _get(session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise IncidentError(f"no alert {alert_id}")
    return alert


def _muted(alert: Alert, now: datetime) -> bool:
    return alert.muted_until is not None and alert.muted_until > now


def _muted_series(session: Session, rule: AlertRule, series_key: str, now: datetime) -> datetime | None:
    until = session.exec(select(sa.func.max(Alert.muted_until)).where(
        col(Alert.rule_id) == rule.id, col(Alert.series_key) == series_key)).one()
    return until if until is not None and until > now else None


def _title(rule: AlertRule, label: str) -> str:
    if rule.metric == "sla":
        return f"{rule.name}"[:200]
    return f"{rule.name}: {label}"[:200]
