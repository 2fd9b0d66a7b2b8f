"""The demo (`make run`): the recording's earlier days, collected at load time, teach the detectors the usual
rates; the complaint burst it replays a minute after start raises an alert within minutes, through the real
collector, scorer and evaluation pass."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from alerts.evaluate import evaluate_alerts
from listener.collectors.replay import ReplayCollector
from listener.demo import load_demo_source
from listener.service import ingest
from models import Source
from models.alert_rule import Alert, AlertRule
from models.db import session_scope
from settings import Settings

ANCHOR = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # `make demo` ran at this moment
BEAT = timedelta(seconds=30)
Scorer = Callable[[Sequence[str]], list]  # type: ignore[type-arg]


@pytest.fixture()
def demo_scorer(settings: Settings) -> Scorer:
    """The shipped model, as the scorer's worker runs it (built once into the settings' model cache)."""
    from sentiment import score_texts
    from sentiment.config import ModelConfig

    config = ModelConfig.from_settings(settings)
    return lambda texts: score_texts(list(texts), config=config)


@pytest.mark.slow
def test_the_demo_burst_raises_an_alert_within_minutes(session_factory: sessionmaker[Session], settings: Settings,
                                                       demo_scorer: Scorer) -> None:
    from sentiment.tasks import score_round

    with session_scope(session_factory) as session:
        source_id = load_demo_source(session, now=ANCHOR, speed=60.0).id
    collector = ReplayCollector(settings)
    opened_at: dict[str, datetime] = {}
    now = ANCHOR
    while now <= ANCHOR + timedelta(minutes=10) and not opened_at:
        collector.clock = lambda at=now: at  # type: ignore[misc]
        with session_scope(session_factory) as session:  # the collector's beat (every minute; here every 30 s)
            source = session.get_one(Source, source_id)
            while True:
                batch = collector.fetch(source.config, source.cursor)
                ingest(session, source, batch)
                if not batch.more:
                    break
        while score_round(session_factory, demo_scorer, limit=64):
            pass
        evaluate_alerts(session_factory, settings, now=now)
        with session_scope(session_factory) as session:
            for alert in session.exec(select(Alert).join(AlertRule).where(col(AlertRule.metric) != "sla")):
                opened_at.setdefault(alert.series_key, alert.opened_at)
        now += BEAT

    burst_start = ANCHOR + timedelta(minutes=1)  # file time 14:00, an hour after the split, at 60x
    assert opened_at, "the burst raised no alert within ten minutes"
    delays = {key: str(at - burst_start) for key, at in opened_at.items()}
    assert min(opened_at.values()) - burst_start <= timedelta(minutes=3), delays
    assert {"negative", "complaints|topic=delivery"} & set(opened_at)
