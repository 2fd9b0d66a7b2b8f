"""Alert rules: every field validated with a message for the form, changes audited, the defaults shipped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from sqlmodel import Session, col, select

from alerts.rules import (
    RuleInvalid,
    create_rule,
    detector_config,
    ensure_default_rules,
    list_rules,
    scope_of,
    set_rule_enabled,
    update_rule,
)
from models import AuditEvent, User
from models.alert_rule import Alert, AlertDetectorState, AlertRule, AlertStatus


def test_a_new_workspace_has_the_default_rules(db_session: Session) -> None:
    builtin = {rule.builtin: rule for rule in list_rules(db_session) if rule.builtin}
    assert set(builtin) == {"negative_spike", "complaint_topic_spike", "complaint_sla"}
    assert builtin["complaint_topic_spike"].per == "topic"
    assert builtin["complaint_sla"].metric == "sla" and builtin["complaint_sla"].sla_hours is None
    assert ensure_default_rules(db_session) == []  # already there: nothing added


def test_defaults_are_recreated_when_missing(db_session: Session) -> None:
    rule = db_session.exec(select(AlertRule).where(col(AlertRule.builtin) == "negative_spike")).one()
    db_session.delete(rule)
    db_session.flush()
    created = ensure_default_rules(db_session)
    assert [rule.builtin for rule in created] == ["negative_spike"]


def test_a_rule_is_created_from_form_strings_and_audited(db_session: Session, make_user: Callable[..., User]) -> None:
    admin = make_user()
    rule = create_rule(db_session, {"name": " Delivery on X ", "metric": "complaints", "topic": "delivery",
                                    "network": "x", "bucket_seconds": "1h", "false_alarms_per_month": "0.5",
                                    "min_count": "3", "cooldown_minutes": "30", "channel_ids": ""}, actor=admin)
    assert (rule.name, rule.bucket_seconds, rule.false_alarms_per_month, rule.min_count) == (
        "Delivery on X", 3600, 0.5, 3)
    assert rule.channel_ids == []  # in the app only
    config = detector_config(rule)
    assert (config.bucket_seconds, config.false_alarms_per_month, config.cooldown_minutes) == (3600, 0.5, 30)
    assert scope_of(rule).custom  # two filters: a series of its own
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "alert.rule.created")).one()
    assert event.actor == admin.email and event.details["rule_id"] == rule.id


@pytest.mark.parametrize(("fields", "field", "says"), [
    ({"metric": "likes"}, "metric", "choose one of"),
    ({"metric": "negative", "per": "colour"}, "per", "choose one of"),
    ({"metric": "negative", "per": "topic", "topic": "delivery"}, "per", "cannot both filter"),
    ({"metric": "sla", "per": "topic"}, "per", "SLA rule"),
    ({"metric": "negative", "topic": "weather"}, "topic", "no topic named"),
    ({"metric": "negative", "network": "myspace"}, "network", "choose one of"),
    ({"metric": "negative", "language": "English"}, "language", "language code"),
    ({"metric": "negative", "query": "(late"}, "query", ")"),
    ({"metric": "negative", "source_id": "999999"}, "source_id", "no source"),
    ({"metric": "negative", "source_id": "x"}, "source_id", "whole number"),
    ({"metric": "negative", "bucket_seconds": "10m"}, "bucket_seconds", "5-minute"),
    ({"metric": "negative", "false_alarms_per_month": "0"}, "false_alarms_per_month", "between"),
    ({"metric": "negative", "false_alarms_per_month": "nan"}, "false_alarms_per_month", "between"),
    ({"metric": "negative", "min_count": "0"}, "min_count", "between"),
    ({"metric": "negative", "cooldown_minutes": "-5"}, "cooldown_minutes", "between"),
    ({"metric": "negative", "sla_hours": "4"}, "sla_hours", "only an SLA rule"),
    ({"metric": "sla", "sla_hours": "0"}, "sla_hours", "between"),
    ({"metric": "negative", "channel_ids": "1,abc"}, "channel_ids", "whole numbers"),
    ({"metric": "negative", "channel_ids": [424242]}, "channel_ids", "no channel 424242"),
    ({"metric": "negative", "name": "x" * 121}, "name", "1 to 120"),
])
def test_bad_fields_are_refused_with_a_message_for_each(db_session: Session, fields: dict[str, object], field: str,
                                                         says: str) -> None:
    before = len(list_rules(db_session))
    with pytest.raises(RuleInvalid) as refused:
        create_rule(db_session, fields)
    assert says in refused.value.errors[field]
    assert len(list_rules(db_session)) == before  # nothing saved


def test_every_wrong_field_is_reported_at_once(db_session: Session) -> None:
    with pytest.raises(RuleInvalid) as refused:
        create_rule(db_session, {"metric": "negative", "min_count": "many", "network": "fax"})
    assert set(refused.value.errors) == {"min_count", "network"}


def test_update_keeps_unchanged_fields_and_audits_the_difference(db_session: Session,
                                                                 make_user: Callable[..., User]) -> None:
    admin = make_user()
    rule = create_rule(db_session, {"metric": "negative", "name": "Negative"})
    db_session.add(AlertDetectorState(rule_id=rule.id or 0, series_key="negative", state={"detector": {}}))
    db_session.flush()

    update_rule(db_session, rule.id or 0, {"min_count": 9}, actor=admin)
    assert rule.min_count == 9 and rule.metric == "negative"
    # Same series: its detector keeps what it learnt.
    assert db_session.get(AlertDetectorState, (rule.id, "negative")) is not None

    update_rule(db_session, rule.id or 0, {"language": "ja"}, actor=admin)
    # Another series: the old detector is dropped.
    assert db_session.get(AlertDetectorState, (rule.id, "negative")) is None
    events = db_session.exec(select(AuditEvent).where(AuditEvent.action == "alert.rule.updated")
                             .order_by(col(AuditEvent.id))).all()
    assert [event.details["changed"] for event in events] == [{"min_count": [5, 9]}, {"language": [None, "ja"]}]

    with pytest.raises(RuleInvalid):
        update_rule(db_session, rule.id or 0, {"min_count": "0"})
    assert rule.min_count == 9


def test_enable_and_disable_are_audited_once(db_session: Session, make_user: Callable[..., User]) -> None:
    admin = make_user()
    rule = create_rule(db_session, {"metric": "mentions"})
    now = datetime(2026, 11, 5, tzinfo=timezone.utc)
    alert = Alert(rule_id=rule.id or 0, series_key="mentions", title="t", series_label="mentions", window_start=now,
                  window_end=now)
    db_session.add(alert)
    set_rule_enabled(db_session, rule.id or 0, False, actor=admin)
    assert alert.status == AlertStatus.closed.value  # nobody watches its series any more
    set_rule_enabled(db_session, rule.id or 0, False, actor=admin)
    set_rule_enabled(db_session, rule.id or 0, True, actor=admin)
    actions = db_session.exec(select(AuditEvent.action).where(col(AuditEvent.action).in_(
        ["alert.rule.enabled", "alert.rule.disabled"])).order_by(col(AuditEvent.id))).all()
    assert actions == ["alert.rule.disabled", "alert.rule.enabled"]
    closed = db_session.exec(select(AuditEvent).where(AuditEvent.action == "alert.closed")).one()
    assert closed.details == {"alert_id": alert.id, "reason": "rule disabled"}
    with pytest.raises(RuleInvalid, match="no alert rule"):
        set_rule_enabled(db_session, 987654, True)


def test_the_migrations_frozen_defaults_match_the_codes(db_session: Session) -> None:
    from alerts.rules import DEFAULT_RULES, check_fields

    stored = {rule.builtin: rule for rule in list_rules(db_session) if rule.builtin}
    for default in DEFAULT_RULES:
        rule = stored[default["builtin"]]
        assert vars(check_fields(db_session, default)) == {key: getattr(rule, key) for key in vars(
            check_fields(db_session, default))}
