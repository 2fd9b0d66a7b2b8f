"""The SLA rule: complaints still unanswered past N business hours (the workspace's calendar,
models.business_hours). One alert is open while any are overdue; it is updated when their number has grown
materially, and closes when none is left."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from alerts.incidents import Reading, close_alert, extend_alert, open_alert, open_alert_for
from alerts.rules import describe, scope_of
from models import Mention, MentionStatus
from models.alert_rule import AlertRule
from models.business_hours import BusinessCalendar
from models.complaint import COMPLAINT_THRESHOLD, is_complaint
from settings import Settings

SERIES_KEY = "sla"
LOOKBACK = timedelta(days=30)  # older complaints are a backlog for the reports, not news for an alert
UNANSWERED = (MentionStatus.new.value, MentionStatus.needs_reply.value)


def overdue_complaints(session: Session, rule: AlertRule, settings: Settings, *, now: datetime) -> list[Mention]:
    """Complaints (models.complaint) the rule watches, unanswered and unresolved, older than the SLA in business
    time; oldest first."""
    hours = rule.sla_hours if rule.sla_hours is not None else settings.sla_business_hours
    cutoff = BusinessCalendar.from_settings(settings).overdue_before(now, timedelta(hours=hours))
    maybe_complaint = sa.or_(col(Mention.complaint) >= COMPLAINT_THRESHOLD, col(Mention.sentiment) == "negative")
    statement = (select(Mention).where(col(Mention.created_at) < cutoff, col(Mention.created_at) >= now - LOOKBACK,
                                       col(Mention.status).in_(UNANSWERED), col(Mention.resolved_at).is_(None),
                                       col(Mention.scored_at).is_not(None), maybe_complaint)
                 .order_by(col(Mention.created_at), col(Mention.id)))
    scope = scope_of(rule)
    return [mention for mention in session.exec(statement) if is_complaint(mention) and scope.matches(mention)]


def check_sla(session: Session, rule: AlertRule, settings: Settings, *, now: datetime) -> str | None:
    """Opens, updates or closes the rule's alert; returns which ("opened", "updated", "closed") or None."""
    overdue = overdue_complaints(session, rule, settings, now=now)
    alert = open_alert_for(session, rule.id or 0, SERIES_KEY)
    if overdue:
        reading = Reading(window_start=overdue[0].created_at, window_end=now, observed=float(len(overdue)),
                          expected=0.0, p_value=None, score=None)
    if alert is None:
        if len(overdue) < rule.min_count:
            return None
        label = f"{len(overdue)} {describe(rule)}"
        open_alert(session, rule, SERIES_KEY, label, reading, now=now, base_url=settings.public_url,
                   mention_id=overdue[0].id)
        return "opened"
    if not overdue:
        close_alert(session, alert, rule, now=now, base_url=settings.public_url)
        return "closed"
    alert.mention_id = overdue[0].id
    alert.series_label = f"{len(overdue)} {describe(rule)}"
    grown = extend_alert(session, alert, rule, reading, now=now, base_url=settings.public_url)
    return "updated" if grown else None
