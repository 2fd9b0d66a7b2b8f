"""The alerting pass beat runs every minute (`earful.evaluate_alerts`): count what was scored since last time into
the series, then feed each rule's detectors the buckets that have closed since they last looked, and open,
update or close alerts from what they say. Each step commits on its own, so a worker killed mid-pass loses
nothing: the next pass resumes from the watermark and from each detector's last bucket.

Buckets are by the mention's own time (created_at). A bucket is judged once it has been closed for SETTLE and no
mention of its time collected lately still waits for the scorer (the demo's history, a backlog); a mention that
arrives later still counts in the series (charts, reports) but the detector has moved on. The bucket still
filling is looked at too, so a burst opens its alert before its bucket closes. History a detector learns from
(a new rule, the demo's recorded days) never opens an alert: only buckets within LIVE of now can.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from alerts.chart import SeriesPoint
from alerts.detector import Decision, DetectorState, SpikeDetector
from alerts.incidents import Reading, close_alert, extend_alert, open_alert, open_alert_for
from alerts.rules import WARMUP, describe, detector_config, enabled_rules, scope_of
from alerts.series import (
    bucket_start,
    first_bucket,
    ingest_scored,
    prune_buckets,
    series_keys_with_prefix,
    series_points,
)
from alerts.sla import check_sla
from models import Mention
from models.alert_rule import Alert, AlertDetectorState, AlertRule, AlertStatus
from models.base import utcnow
from models.db import session_scope
from models.mention import awaiting_score
from settings import Settings

log = logging.getLogger(__name__)
SETTLE = timedelta(seconds=60)
LIVE = timedelta(hours=2)
TRAIL = 288  # buckets kept for the chart (a day of 5-minute buckets)
CHART = 48
STALLED = timedelta(minutes=15)


@dataclass
class PassResult:
    ingested: int = 0
    buckets: int = 0
    opened: int = 0
    updated: int = 0
    closed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"ingested": self.ingested, "buckets": self.buckets, "opened": self.opened, "updated": self.updated,
                "closed": self.closed, "errors": len(self.errors)}


def evaluate_alerts(session_factory: sessionmaker[Session], settings: Settings, *,
                    now: datetime | None = None) -> PassResult:
    now = now or utcnow()
    result = PassResult()
    more = True
    while more:
        with session_scope(session_factory) as session:
            custom = [scope_of(rule) for rule in enabled_rules(session)
                      if rule.metric != "sla" and scope_of(rule).custom]
            ingest = ingest_scored(session, custom)
        result.ingested += ingest.changed
        more = ingest.more
    with session_scope(session_factory) as session:
        prune_buckets(session, now=now)
    with session_scope(session_factory) as session:
        rule_ids = [rule.id for rule in enabled_rules(session) if rule.id is not None]
    for rule_id in rule_ids:
        try:
            with session_scope(session_factory) as session:
                evaluate_rule(session, rule_id, settings, now=now, result=result)
        except Exception as error:  # one broken rule must not silence the others; the next pass retries it
            log.exception("alert rule %s failed", rule_id)
            result.errors.append(f"rule {rule_id}: {error}")
    return result


def evaluate_rule(session: Session, rule_id: int, settings: Settings, *, now: datetime,
                  result: PassResult | None = None) -> PassResult:
    result = result or PassResult()
    rule = session.get(AlertRule, rule_id)
    if rule is None or not rule.enabled:
        return result
    if rule.metric == "sla":
        change = check_sla(session, rule, settings, now=now)
        if change is not None:
            setattr(result, change, getattr(result, change) + 1)
        return result
    keys = rule_series_keys(session, rule)
    scoring_from = oldest_awaiting_score(session, now=now)
    for key in keys:
        run_detector(session, rule, key, settings, now=now, result=result, scoring_from=scoring_from)
    _close_orphans(session, rule, keys, settings, now=now, result=result)
    return result


def oldest_awaiting_score(session: Session, *, now: datetime) -> datetime | None:
    """The time of the oldest mention collected lately and not scored yet: its bucket is not complete. One the
    scorer has failed on for longer than STALLED stops holding the detectors back."""
    return session.exec(select(sa.func.min(Mention.created_at)).where(
        awaiting_score(), col(Mention.collected_at) >= now - STALLED)).one()


def rule_series_keys(session: Session, rule: AlertRule) -> list[str]:
    scope = scope_of(rule)
    prefix = scope.key_prefix()
    return [scope.base] if prefix is None else series_keys_with_prefix(session, prefix, rule.bucket_seconds)


def run_detector(session: Session, rule: AlertRule, key: str, settings: Settings, *, now: datetime,
                 result: PassResult, scoring_from: datetime | None = None) -> None:
    size = rule.bucket_seconds
    step = timedelta(seconds=size)
    row = session.exec(select(AlertDetectorState).where(col(AlertDetectorState.rule_id) == rule.id,
                                                        col(AlertDetectorState.series_key) == key)
                       .with_for_update()).first()
    last_closed = bucket_start(now - SETTLE, size) - step
    if scoring_from is not None:  # a bucket is not complete while mentions of its time still wait for the scorer
        last_closed = min(last_closed, bucket_start(scoring_from, size) - step)
    oldest = bucket_start(now - WARMUP, size)
    if row is not None and row.last_bucket is not None:
        start = max(row.last_bucket + step, oldest)
    else:
        first = first_bucket(session, key, size)
        if first is None:
            return
        start = max(first, oldest)
        row = AlertDetectorState(rule_id=rule.id or 0, series_key=key, state={})
    detector = SpikeDetector(detector_config(rule), DetectorState.from_json(row.state["detector"])
                             if "detector" in row.state else None)
    trail: list[list[Any]] = list(row.state.get("trail", []))
    label = _label(rule, key)
    alert = open_alert_for(session, rule.id or 0, key)
    if start <= last_closed:
        for at, count in series_points(session, key, size, start, last_closed + step):
            decision = detector.observe(at, count)
            trail.append([at.isoformat(), count, decision.expected])
            del trail[:-TRAIL]
            result.buckets += 1
            alert = _act(session, rule, alert, key, label, decision, trail, live=at + step >= now - LIVE, now=now,
                         base_url=settings.public_url, result=result)
        row.state = {"detector": detector.state.to_json(), "trail": trail}
        row.last_bucket, row.updated_at = last_closed, utcnow()
        session.add(row)
        session.flush()
    peek = last_closed + step
    if alert is None and "detector" in row.state and peek + step >= now - LIVE:
        _peek(session, rule, key, label, detector, trail, peek, now=now, base_url=settings.public_url,
              result=result)


def _peek(session: Session, rule: AlertRule, key: str, label: str, detector: SpikeDetector, trail: list[list[Any]],
          bucket: datetime, *, now: datetime, base_url: str, result: PassResult) -> None:
    """Look at the bucket still filling: a count can only grow, so if what is already there is alarming the whole
    bucket will be too, and the alert can open now rather than when the bucket closes. The detector learns nothing
    from it (a copy looks); when the bucket closes, the real decision continues or closes this alert."""
    count = series_points(session, key, rule.bucket_seconds, bucket, bucket + timedelta(seconds=rule.bucket_seconds))
    if not count or count[0][1] < rule.min_count:
        return
    probe = SpikeDetector(detector.config, DetectorState.from_json(detector.state.to_json()))
    decision = probe.observe(bucket, count[0][1])
    if decision.alert:
        window = [*trail, [bucket.isoformat(), count[0][1], decision.expected]]
        _act(session, rule, None, key, label, decision, window, live=True, now=now, base_url=base_url, result=result)


def _act(session: Session, rule: AlertRule, alert: Alert | None, key: str, label: str, decision: Decision,
         trail: list[list[Any]], *, live: bool, now: datetime, base_url: str, result: PassResult) -> Alert | None:
    """What one bucket's decision does to the series' open alert; returns the alert still open after it."""
    step = timedelta(seconds=rule.bucket_seconds)
    end = decision.bucket_start + step
    if alert is None:
        if decision.alert and live:
            window = trail[-decision.scale:]
            reading = Reading(window_start=end - decision.scale * step, window_end=end,
                              observed=float(sum(point[1] for point in window)),
                              expected=float(sum(point[2] for point in window)), p_value=decision.p_value,
                              score=round(decision.score, 2))
            result.opened += 1
            return open_alert(session, rule, key, label, reading, now=now, points=_chart(trail), base_url=base_url)
        return None
    if decision.in_incident or decision.alert:
        observed, expected = _window_totals(trail, alert.window_start, end)
        if observed is None or expected is None:  # longer than the trail: add this bucket to the running totals
            observed, expected = alert.observed + decision.observed, alert.expected + decision.expected
        reading = Reading(window_start=alert.window_start, window_end=end, observed=observed, expected=expected,
                          p_value=decision.p_value, score=round(decision.score, 2))
        if extend_alert(session, alert, rule, reading, now=now, points=_chart(trail), base_url=base_url,
                        min_growth=rule.min_count):
            result.updated += 1
        return alert
    close_alert(session, alert, rule, now=now, points=_chart(trail), base_url=base_url)
    result.closed += 1
    return None


def _window_totals(trail: list[list[Any]], start: datetime, end: datetime) -> tuple[float | None, float | None]:
    """Counted and expected over [start, end) from the trail, or None when the trail does not reach back to start.
    Recounting (rather than adding each bucket) keeps a bucket first seen while still filling from counting twice."""
    if not trail or datetime.fromisoformat(trail[0][0]) > start:
        return None, None
    inside = [point for point in trail if start <= datetime.fromisoformat(point[0]) < end]
    return float(sum(point[1] for point in inside)), float(sum(point[2] for point in inside))


def _close_orphans(session: Session, rule: AlertRule, keys: list[str], settings: Settings, *, now: datetime,
                   result: PassResult) -> None:
    """Alerts left open on a series the rule no longer watches (its filters were changed)."""
    for alert in session.exec(select(Alert).where(col(Alert.rule_id) == rule.id,
                                                  col(Alert.status) == AlertStatus.open.value,
                                                  col(Alert.series_key).not_in(keys) if keys else True)):
        close_alert(session, alert, rule, now=now, base_url=settings.public_url)
        result.closed += 1


def _chart(trail: list[list[Any]]) -> list[SeriesPoint]:
    return [SeriesPoint(datetime.fromisoformat(at), float(count), float(expected))
            for at, count, expected in trail[-CHART:]]


def _label(rule: AlertRule, key: str) -> str:
    if rule.per and "|" in key:
        return f"{describe(rule)}: {key.rsplit('|', 1)[1].replace('=', ' ')}"
    return describe(rule)
