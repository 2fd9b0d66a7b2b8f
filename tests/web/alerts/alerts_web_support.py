"""Alerts for the page's tests, raised through the real incident service over real mentions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, col, select

from alerts.chart import SeriesPoint
from alerts.incidents import Reading, open_alert
from models import Mention
from models.alert_rule import Alert, AlertRule

START = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
HOSTILE = "<script>alert('x')</script> Where is my <b>parcel</b>? late delivery"


def negative_rule(session: Session) -> AlertRule:
    rule = session.exec(select(AlertRule).where(col(AlertRule.builtin) == "negative_spike")).one()
    rule.channel_ids = []  # the app only: these tests send nothing
    session.add(rule)
    return rule


def raise_alert(session: Session, make_mention: Callable[..., Mention], *, start: datetime = START,
                label: str = "negative mentions", p_value: float = 2e-9, score: float = 8.7) -> Alert:
    for n in range(4):
        make_mention(text=HOSTILE if n == 0 else f"late delivery again, day {n}", sentiment="negative",
                     confidence=0.99 if n == 0 else 0.9, complaint=0.9, topics=["delivery"], author=f"buyer{n}",
                     created_at=start + timedelta(minutes=5 + n))
    points = [SeriesPoint(start + timedelta(minutes=5 * (i - 12)), 6.0 if i >= 12 else 1.0, 1.0) for i in range(16)]
    reading = Reading(window_start=start, window_end=start + timedelta(minutes=20), observed=24, expected=4.0,
                      p_value=p_value, score=score)
    alert = open_alert(session, negative_rule(session), "negative", label, reading, now=start + timedelta(minutes=20),
                       points=points)
    session.flush()
    return alert
