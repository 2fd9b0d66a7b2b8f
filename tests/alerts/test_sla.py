"""The SLA rule: complaints unanswered past N business hours (the workspace's calendar): nights, weekends and
holidays do not count; one alert while any is overdue, closed when all are answered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, col, select

from alerts.evaluate import evaluate_rule
from alerts.rules import create_rule
from alerts.sla import overdue_complaints
from models import Mention, MentionStatus
from models.alert_delivery import AlertDelivery
from models.alert_rule import Alert, AlertRule, AlertStatus
from settings import Settings

THURSDAY = datetime(2026, 11, 5, tzinfo=timezone.utc)  # Mon-Fri 09:00-17:00 UTC, 4 business hours (defaults)


@pytest.fixture()
def sla_rule(db_session: Session) -> AlertRule:
    return db_session.exec(select(AlertRule).where(col(AlertRule.builtin) == "complaint_sla")).one()


def complaint(make_mention: Callable[..., Mention], at: datetime, **fields: object) -> Mention:
    defaults: dict[str, object] = {"sentiment": "negative", "complaint": 0.9, "topics": ["delivery"],
                                   "language": "en", "scored_at": at + timedelta(minutes=1)}
    return make_mention(created_at=at, **{**defaults, **fields})


def overdue_ids(db_session: Session, rule: AlertRule, settings: Settings, now: datetime) -> list[int | None]:
    return [mention.id for mention in overdue_complaints(db_session, rule, settings, now=now)]


def test_only_business_hours_count_toward_the_sla(db_session: Session, settings: Settings, sla_rule: AlertRule,
                                                  make_mention: Callable[..., Mention]) -> None:
    morning = complaint(make_mention, THURSDAY.replace(hour=10))
    friday = complaint(make_mention, THURSDAY + timedelta(days=1, hours=16))
    complaint(make_mention, THURSDAY.replace(hour=10), sentiment="positive", complaint=0.1)  # not a complaint
    complaint(make_mention, THURSDAY.replace(hour=10), status=MentionStatus.replied.value)  # answered

    assert overdue_ids(db_session, sla_rule, settings, THURSDAY.replace(hour=13, minute=59)) == []
    assert overdue_ids(db_session, sla_rule, settings, THURSDAY.replace(hour=14, minute=1)) == [morning.id]
    sunday_night = THURSDAY + timedelta(days=3, hours=23)  # 31 hours later, one of them business
    assert friday.id not in overdue_ids(db_session, sla_rule, settings, sunday_night)
    monday = THURSDAY + timedelta(days=4)
    assert friday.id not in overdue_ids(db_session, sla_rule, settings, monday.replace(hour=11, minute=59))
    assert friday.id in overdue_ids(db_session, sla_rule, settings, monday.replace(hour=12, minute=1))


def test_holidays_and_the_rules_own_hours_are_honoured(db_session: Session, settings: Settings,
                                                       make_mention: Callable[..., Mention]) -> None:
    rule = create_rule(db_session, {"metric": "sla", "sla_hours": "2", "language": "ja"})
    japanese = complaint(make_mention, THURSDAY.replace(hour=16), language="ja")
    complaint(make_mention, THURSDAY.replace(hour=9), language="en")  # another language: not this rule's
    friday_noon = THURSDAY + timedelta(days=1, hours=12)
    assert overdue_ids(db_session, rule, settings, friday_noon) == [japanese.id]
    holiday = settings.model_copy(update={"holidays": "2026-11-06"})
    assert overdue_ids(db_session, rule, holiday, friday_noon) == []


def test_one_alert_while_complaints_are_overdue_closed_once_they_are_answered(
        db_session: Session, settings: Settings, sla_rule: AlertRule, make_mention: Callable[..., Mention]) -> None:
    first = complaint(make_mention, THURSDAY.replace(hour=9))
    now = THURSDAY.replace(hour=14)
    evaluate_rule(db_session, sla_rule.id or 0, settings, now=now)
    alert = db_session.exec(select(Alert).where(col(Alert.rule_id) == sla_rule.id)).one()
    assert alert.status == AlertStatus.open.value and alert.observed == 1 and alert.mention_id == first.id
    evaluate_rule(db_session, sla_rule.id or 0, settings, now=now + timedelta(minutes=1))  # nothing new
    complaint(make_mention, THURSDAY.replace(hour=9, minute=30))
    complaint(make_mention, THURSDAY.replace(hour=9, minute=40))
    evaluate_rule(db_session, sla_rule.id or 0, settings, now=now)  # three overdue: grown, one update
    assert alert.observed == 3 and alert.updates_sent == 1

    for mention in db_session.exec(select(Mention).where(col(Mention.id) >= first.id)):
        mention.status = MentionStatus.replied.value
        db_session.add(mention)
    db_session.flush()
    evaluate_rule(db_session, sla_rule.id or 0, settings, now=now + timedelta(minutes=5))
    assert alert.status == AlertStatus.closed.value
    assert db_session.exec(select(Alert).where(col(Alert.rule_id) == sla_rule.id)).all() == [alert]
    # No channel is configured: the alert lives in the app only, and the outbox holds nothing.
    assert db_session.exec(select(AlertDelivery)).all() == []


def test_the_countrys_public_holidays_do_not_count(db_session: Session, settings: Settings,
                                                   make_mention: Callable[..., Mention]) -> None:
    rule = create_rule(db_session, {"metric": "sla", "sla_hours": "2", "language": "ja"})
    late_wednesday = datetime(2026, 11, 25, 16, 0, tzinfo=timezone.utc)  # 2026-11-26 is Thanksgiving in the US
    japanese = complaint(make_mention, late_wednesday, language="ja")
    friday_morning = datetime(2026, 11, 27, 9, 30, tzinfo=timezone.utc)
    assert overdue_ids(db_session, rule, settings, friday_morning) == [japanese.id]
    american = settings.model_copy(update={"holiday_country": "US"})
    assert overdue_ids(db_session, rule, american, friday_morning) == []
    assert overdue_ids(db_session, rule, american, friday_morning.replace(hour=10, minute=1)) == [japanese.id]
