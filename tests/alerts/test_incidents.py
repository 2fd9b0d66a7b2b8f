"""One alert per incident, from the series through the detector to the outbox: it opens on the first alarming
bucket, sends an update only when the spike has grown materially, closes when the series is normal again, and each
message is enqueued exactly once however often the pass runs. Staff acknowledge, mute and resolve; all audited."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from alerts.evaluate import SETTLE, PassResult, evaluate_alerts
from alerts.incidents import IncidentError, acknowledge, count_open_unacknowledged, list_alerts, mute, resolve
from alerts.rules import create_rule
from alerts.series import upsert_counts
from models import AuditEvent, Mention, User
from models.alert_delivery import AlertChannel, AlertDelivery
from models.alert_rule import Alert, AlertRule, AlertStatus
from settings import Settings

START = datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc)  # the burst's first bucket
STEP = timedelta(minutes=5)


@pytest.fixture()
def channel(db_session: Session) -> AlertChannel:
    channel = AlertChannel(name="hook", kind="webhook", config={"url": "http://127.0.0.1:9/hook", "secret": "s" * 32})
    db_session.add(channel)
    db_session.flush()
    return channel


@pytest.fixture()
def rule(db_session: Session, channel: AlertChannel) -> AlertRule:
    """The only enabled rule: negative mentions, in 5-minute buckets, after two quiet days."""
    db_session.execute(sa.update(AlertRule).values(enabled=False))
    rule = create_rule(db_session, {"name": "Negative", "metric": "negative", "channel_ids": [channel.id]})
    quiet: Counter[tuple[str, int, datetime]] = Counter()
    at = START - timedelta(days=2)
    while at < START:
        quiet[("negative", 300, at)] = (at.minute // 5) % 3 == 0  # one negative mention every 15 minutes
        at += STEP
    upsert_counts(db_session, quiet)
    db_session.commit()
    return rule


def burst(make_mention: Callable[..., Mention], at: datetime, count: int) -> None:
    for n in range(count):
        make_mention(created_at=at + timedelta(seconds=n % 290), sentiment="negative", complaint=0.9,
                     topics=["delivery"], language="en", scored_at=at + timedelta(minutes=1),
                     text=f"Parcel {n} never arrived, the courier tracking page is down")


def run(session_factory: sessionmaker[Session], settings: Settings, bucket: datetime) -> PassResult:
    """The pass beat runs once that bucket has closed and settled."""
    return evaluate_alerts(session_factory, settings, now=bucket + STEP + SETTLE)


def deliveries(db_session: Session) -> list[str]:
    return list(db_session.exec(select(AlertDelivery.dedupe_key).order_by(col(AlertDelivery.id))).all())


def test_a_spike_opens_one_alert_updates_it_once_and_closes_it(
        session_factory: sessionmaker[Session], db_session: Session, settings: Settings, rule: AlertRule,
        make_mention: Callable[..., Mention]) -> None:
    first = run(session_factory, settings, START - STEP)  # two days of history: learnt, nothing alarming
    assert first.opened == 0 and first.buckets > 500

    burst(make_mention, START, 20)
    db_session.commit()
    opened = run(session_factory, settings, START)
    assert opened.opened == 1
    alert = db_session.exec(select(Alert).where(col(Alert.rule_id) == rule.id)).one()
    assert alert.status == AlertStatus.open.value
    assert alert.window_end == START + STEP and alert.observed >= 20 and alert.expected < 5
    assert alert.p_value is not None and alert.p_value < 1e-6
    assert alert.score is not None and alert.score > 6
    opened_score = alert.score
    assert alert.message is not None and alert.message["state"] == "opened"
    assert alert.evidence is not None and alert.evidence["window_mentions"] == 20
    assert deliveries(db_session) == [f"alert:{alert.id}:opened"]

    # The same pass again (beat fired twice, or a worker died after committing): nothing new.
    assert run(session_factory, settings, START).opened == 0
    assert deliveries(db_session) == [f"alert:{alert.id}:opened"]

    burst(make_mention, START + STEP, 4)  # still high, not a material change: no message
    db_session.commit()
    run(session_factory, settings, START + STEP)
    burst(make_mention, START + 2 * STEP, 40)  # it grew: one update
    db_session.commit()
    assert run(session_factory, settings, START + 2 * STEP).updated == 1
    db_session.refresh(alert)
    assert alert.observed >= 64 and alert.updates_sent == 1
    assert alert.score is not None and alert.score > opened_score  # the most extreme reading is kept
    assert deliveries(db_session) == [f"alert:{alert.id}:opened", f"alert:{alert.id}:updated:1"]

    # Quiet buckets: back to normal once no window (up to 24 buckets) holds the spike.
    closed = run(session_factory, settings, START + 30 * STEP)
    assert closed.closed == 1
    db_session.refresh(alert)
    assert alert.status == AlertStatus.closed.value and alert.closed_at == START + 31 * STEP + SETTLE
    assert deliveries(db_session) == [f"alert:{alert.id}:opened", f"alert:{alert.id}:updated:1",
                                      f"alert:{alert.id}:closed"]
    assert db_session.exec(select(sa.func.count()).select_from(Alert)
                           .where(col(Alert.rule_id) == rule.id)).one() == 1
    actions = [event.action for event in db_session.exec(select(AuditEvent).where(
        col(AuditEvent.action).in_(["alert.opened", "alert.updated", "alert.closed"])).order_by(col(AuditEvent.id)))]
    assert actions == ["alert.opened", "alert.updated", "alert.closed"]


def test_history_learnt_by_a_new_rule_opens_no_alert(
        session_factory: sessionmaker[Session], db_session: Session, settings: Settings, rule: AlertRule,
        make_mention: Callable[..., Mention]) -> None:
    burst(make_mention, START - timedelta(hours=5), 30)  # a spike hours ago, before anyone watched
    # ...and a mention of that time still being scored, which holds the detector just before it.
    make_mention(created_at=START - timedelta(hours=5), collected_at=START - STEP)
    db_session.commit()
    assert run(session_factory, settings, START - STEP).opened == 0
    assert deliveries(db_session) == []


def test_staff_acknowledge_mute_and_resolve_and_each_is_audited(
        session_factory: sessionmaker[Session], db_session: Session, settings: Settings, rule: AlertRule,
        make_mention: Callable[..., Mention], make_user: Callable[..., User]) -> None:
    staff = make_user()
    run(session_factory, settings, START - STEP)
    burst(make_mention, START, 20)
    db_session.commit()
    run(session_factory, settings, START)
    alert = db_session.exec(select(Alert).where(col(Alert.rule_id) == rule.id)).one()
    assert count_open_unacknowledged(db_session) == 1
    assert list_alerts(db_session)[0].id == alert.id

    acknowledge(db_session, alert.id or 0, actor=staff, now=START + STEP)
    acknowledge(db_session, alert.id or 0, actor=staff)  # twice: recorded once
    assert alert.acknowledged_by_id == staff.id and count_open_unacknowledged(db_session) == 0

    mute(db_session, alert.id or 0, minutes=120, actor=staff, now=START + 2 * STEP)
    db_session.commit()
    burst(make_mention, START + STEP, 60)  # grows while muted: shown in the app, not sent
    db_session.commit()
    run(session_factory, settings, START + STEP)
    db_session.refresh(alert)
    assert alert.updates_sent == 1 and alert.message is not None and alert.message["state"] == "updated"
    assert deliveries(db_session) == [f"alert:{alert.id}:opened"]

    with pytest.raises(IncidentError, match="0 to"):
        mute(db_session, alert.id or 0, minutes=-1, actor=staff)
    resolve(db_session, alert.id or 0, actor=staff, now=START + 3 * STEP)
    assert alert.status == AlertStatus.resolved.value and alert.resolved_by_id == staff.id
    with pytest.raises(IncidentError, match="already resolved"):
        resolve(db_session, alert.id or 0, actor=staff)
    with pytest.raises(IncidentError, match="no alert"):
        acknowledge(db_session, 987654, actor=staff)
    db_session.commit()
    run(session_factory, settings, START + 30 * STEP)  # the spike ends after staff resolved it: stays resolved
    db_session.refresh(alert)
    assert alert.status == AlertStatus.resolved.value
    actions = [event.action for event in db_session.exec(select(AuditEvent).where(
        col(AuditEvent.actor) == staff.email).order_by(col(AuditEvent.id)))]
    assert actions == ["alert.acknowledged", "alert.muted", "alert.resolved"]


def test_a_mute_also_silences_the_next_alert_of_the_same_series(
        session_factory: sessionmaker[Session], db_session: Session, settings: Settings, rule: AlertRule,
        make_mention: Callable[..., Mention], make_user: Callable[..., User]) -> None:
    run(session_factory, settings, START - STEP)
    burst(make_mention, START, 20)
    db_session.commit()
    run(session_factory, settings, START)
    first = db_session.exec(select(Alert).where(col(Alert.rule_id) == rule.id)).one()
    mute(db_session, first.id or 0, minutes=24 * 60, actor=make_user(), now=START + STEP)
    db_session.commit()
    run(session_factory, settings, START + 30 * STEP)  # closed, muted: no message
    later = START + 50 * STEP  # within the cooldown, a second spike that stays up: an escalation
    for bucket in range(3):  # (a one-bucket blip in the cooldown would not open one)
        burst(make_mention, later + bucket * STEP, 40)
    db_session.commit()
    run(session_factory, settings, later - STEP)
    run(session_factory, settings, later + 2 * STEP)
    alerts = db_session.exec(select(Alert).where(col(Alert.rule_id) == rule.id).order_by(col(Alert.id))
                             .execution_options(populate_existing=True)).all()
    assert [alert.status for alert in alerts] == [AlertStatus.closed.value, AlertStatus.open.value]
    assert alerts[1].muted_until == first.muted_until
    assert deliveries(db_session) == [f"alert:{first.id}:opened"]


def test_a_rule_per_topic_alerts_on_the_topic_that_spikes(
        session_factory: sessionmaker[Session], db_session: Session, settings: Settings, rule: AlertRule,
        make_mention: Callable[..., Mention]) -> None:
    per_topic = create_rule(db_session, {"metric": "complaints", "per": "topic", "channel_ids": []})
    rule.enabled = False
    db_session.add(rule)
    quiet: Counter[tuple[str, int, datetime]] = Counter()
    at = START - timedelta(days=2)
    while at < START:
        quiet[("complaints|topic=delivery", 300, at)] = (at.minute // 5) % 4 == 0
        quiet[("complaints|topic=billing", 300, at)] = (at.minute // 5) % 6 == 0
        at += STEP
    upsert_counts(db_session, quiet)
    db_session.commit()
    run(session_factory, settings, START - STEP)
    burst(make_mention, START, 20)  # delivery complaints
    db_session.commit()
    run(session_factory, settings, START)
    alert = db_session.exec(select(Alert).where(col(Alert.rule_id) == per_topic.id)).one()
    assert alert.series_key == "complaints|topic=delivery"
    assert "topic delivery" in alert.series_label
    assert alert.evidence is not None and alert.evidence["window_mentions"] == 20
    assert deliveries(db_session) == []  # in the app only


def test_a_burst_opens_the_alert_before_its_bucket_closes_and_is_counted_once(
        session_factory: sessionmaker[Session], db_session: Session, settings: Settings, rule: AlertRule,
        make_mention: Callable[..., Mention]) -> None:
    run(session_factory, settings, START - STEP)
    burst(make_mention, START, 12)  # in the first minute of the bucket
    db_session.commit()
    early = evaluate_alerts(session_factory, settings, now=START + timedelta(minutes=2))
    assert early.opened == 1
    alert = db_session.exec(select(Alert).where(col(Alert.rule_id) == rule.id)).one()
    assert alert.opened_at == START + timedelta(minutes=2) and alert.observed == 12

    for n in range(8):  # the rest of the bucket
        make_mention(created_at=START + timedelta(minutes=3, seconds=n), sentiment="negative",
                     scored_at=START + timedelta(minutes=4), text="still nothing")
    db_session.commit()
    run(session_factory, settings, START)  # the bucket closed: the same alert, its full count once
    db_session.refresh(alert)
    assert alert.observed == 20 and alert.status == AlertStatus.open.value
    assert db_session.exec(select(sa.func.count()).select_from(Alert).where(col(Alert.rule_id) == rule.id)).one() == 1
    assert deliveries(db_session) == [f"alert:{alert.id}:opened"]


def test_detectors_wait_for_the_scorer_before_judging_a_bucket(
        session_factory: sessionmaker[Session], db_session: Session, settings: Settings, rule: AlertRule,
        make_mention: Callable[..., Mention]) -> None:
    from models.alert_rule import AlertDetectorState

    run(session_factory, settings, START - STEP)
    waiting = make_mention(created_at=START + timedelta(minutes=2), collected_at=START + 3 * STEP)  # a late find
    db_session.commit()
    run(session_factory, settings, START + 3 * STEP)
    state = db_session.exec(select(AlertDetectorState).where(col(AlertDetectorState.rule_id) == rule.id)
                            .execution_options(populate_existing=True)).one()
    assert state.last_bucket == START - STEP  # the bucket with an unscored mention is not judged yet

    waiting.sentiment, waiting.scored_at = "negative", START + timedelta(minutes=16)
    db_session.add(waiting)
    db_session.commit()
    run(session_factory, settings, START + 3 * STEP)
    db_session.refresh(state)
    assert state.last_bucket == START + 3 * STEP


def test_the_evidence_reads_the_same_mentions_as_the_rules_series(db_session: Session) -> None:
    from alerts.notify import evidence_scope

    per_topic = create_rule(db_session, {"metric": "complaints", "per": "topic", "network": "x",
                                         "query": "courier OR tracking"})
    scope = evidence_scope(per_topic, f"{per_topic.id}|topic=delivery")
    assert (scope.complaint, scope.sentiment, scope.topic, scope.network, scope.query) == (
        True, None, "delivery", "x", "courier OR tracking")
    negative = create_rule(db_session, {"metric": "negative", "source_id": "", "language": "ja"})
    assert (evidence_scope(negative, "negative|language=ja").sentiment,
            evidence_scope(negative, "negative|language=ja").language) == ("negative", "ja")
