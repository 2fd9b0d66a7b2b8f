"""Series kept incrementally as mentions are scored: always equal to a count from scratch, each scoring counted
once (a rescoring moves its counts), and a run that dies leaves nothing half-counted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from alerts.scope import SeriesScope
from alerts.series import (
    OVERLAP,
    add_custom_series,
    bucket_start,
    ingest_scored,
    negative_share_points,
    recompute_counts,
    series_points,
    stored_counts,
)
from models import Mention, User
from models.alert_series import AlertSeriesWatermark
from models.db import session_scope

T0 = datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc)


def scored(make_mention: Callable[..., Mention], *, minute: int = 0, sentiment: str = "negative",
           complaint: float = 0.9, topics: tuple[str, ...] = ("delivery",), network: str = "x",
           language: str = "en", scored_at: datetime | None = None, **fields: Any) -> Mention:
    return make_mention(created_at=T0 + timedelta(minutes=minute), sentiment=sentiment, complaint=complaint,
                        topics=list(topics), network=network, language=language,
                        scored_at=scored_at or T0 + timedelta(minutes=minute, seconds=30), **fields)


def count(session: Session, key: str, size: int = 300, at: datetime = T0) -> int:
    points = series_points(session, key, size, at, at + timedelta(seconds=size))
    return points[0][1]


def test_scored_mentions_are_counted_in_every_series_they_belong_to(
        db_session: Session, make_mention: Callable[..., Mention]) -> None:
    scored(make_mention, minute=1, topics=("delivery", "refund"), language="ja")
    scored(make_mention, minute=2, sentiment="positive", complaint=0.0, topics=(), network="reddit")
    make_mention(created_at=T0)  # not scored yet: not counted

    result = ingest_scored(db_session)

    assert result.read == 2 and result.changed == 2
    assert count(db_session, "mentions") == 2
    assert count(db_session, "negative") == 1
    assert count(db_session, "complaints") == 1
    assert count(db_session, "complaints|topic=refund") == 1
    assert count(db_session, "complaints|language=ja") == 1
    assert count(db_session, "mentions|network=reddit") == 1
    assert count(db_session, "mentions", 3600) == 2
    assert stored_counts(db_session) == recompute_counts(db_session)


def test_a_second_run_counts_nothing_again(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    scored(make_mention, minute=1)
    ingest_scored(db_session)
    again = ingest_scored(db_session)
    assert again.changed == 0
    assert count(db_session, "negative") == 1


def test_a_rescored_mention_moves_its_counts_instead_of_adding_them(
        db_session: Session, make_mention: Callable[..., Mention]) -> None:
    mention = scored(make_mention, minute=1)
    ingest_scored(db_session)
    # The review was edited and scored again: now neutral, no complaint, another topic.
    mention.sentiment, mention.complaint, mention.topics = "neutral", 0.1, ["quality"]
    mention.scored_at = T0 + timedelta(hours=1)
    db_session.add(mention)
    db_session.flush()

    result = ingest_scored(db_session)

    assert result.changed == 1
    assert count(db_session, "mentions") == 1
    assert count(db_session, "negative") == 0
    assert count(db_session, "complaints|topic=delivery") == 0
    assert count(db_session, "mentions|topic=quality") == 1
    assert stored_counts(db_session) == recompute_counts(db_session)


def test_a_staff_relabel_moves_the_counts_too(db_session: Session, make_mention: Callable[..., Mention],
                                             make_user: Callable[..., User]) -> None:
    from inbox.corrections import Relabel, correct_mention

    mention = scored(make_mention, minute=1)
    ingest_scored(db_session)
    correct_mention(db_session, mention, Relabel("positive", False, ("quality",)), actor=make_user(),
                    brand="Lumo Home")

    assert ingest_scored(db_session).changed == 1
    assert count(db_session, "negative") == 0 and count(db_session, "mentions|topic=quality") == 1
    assert stored_counts(db_session) == recompute_counts(db_session)
    assert ingest_scored(db_session).changed == 0  # the relabel re-read in the overlap: nothing moves again


def test_a_scoring_committed_late_behind_the_watermark_is_still_counted(
        db_session: Session, make_mention: Callable[..., Mention]) -> None:
    scored(make_mention, minute=10)
    ingest_scored(db_session)
    # A scorer whose transaction began earlier commits now, with a scored_at before the watermark.
    scored(make_mention, minute=2, scored_at=T0 + timedelta(minutes=10) - OVERLAP / 2)

    ingest_scored(db_session)

    assert stored_counts(db_session) == recompute_counts(db_session)


def test_batches_resume_from_the_watermark(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    for minute in range(7):
        scored(make_mention, minute=minute)
    first = ingest_scored(db_session, limit=3)
    assert first.more and first.read == 3
    while ingest_scored(db_session, limit=3).more:
        pass
    mark = db_session.exec(select(AlertSeriesWatermark)).one()
    assert mark.scored_at == T0 + timedelta(minutes=6, seconds=30)
    assert count(db_session, "negative", 3600) == 7


def test_a_run_killed_before_commit_leaves_nothing_and_the_next_counts_once(
        session_factory: sessionmaker[Session], make_mention: Callable[..., Mention], db_session: Session) -> None:
    scored(make_mention, minute=1)
    db_session.commit()

    class Killed(BaseException):
        pass

    with pytest.raises(Killed), session_scope(session_factory) as session:
        ingest_scored(session)
        raise Killed  # the worker dies after the upsert, before the commit
    with session_scope(session_factory) as session:
        assert stored_counts(session) == {}
        assert session.exec(select(AlertSeriesWatermark)).first() is None
    with session_scope(session_factory) as session:
        ingest_scored(session)
    with session_scope(session_factory) as session:
        assert count(session, "negative") == 1
        assert stored_counts(session) == recompute_counts(session)


def test_a_rules_own_series_counts_what_matches_its_query_and_filters(
        db_session: Session, make_mention: Callable[..., Mention]) -> None:
    scope = SeriesScope(metric="negative", network="x", query="courier OR tracking", rule_id=99)
    scored(make_mention, minute=1, text="The courier lost my parcel")
    scored(make_mention, minute=2, text="The courier lost it", network="reddit")
    scored(make_mention, minute=3, text="Tracking page is down", sentiment="neutral")
    scored(make_mention, minute=4, text="Nothing about it")
    ingest_scored(db_session)
    # A rule created after the mentions were counted learns its own series from them...
    assert add_custom_series(db_session, scope, since=T0 - timedelta(days=7)) == 1
    assert count(db_session, scope.base) == 1
    # ...and counts new ones as they are scored.
    scored(make_mention, minute=5, text="Still no tracking update")
    ingest_scored(db_session, [scope])
    assert count(db_session, scope.base, 3600) == 2
    assert stored_counts(db_session) == recompute_counts(db_session, [scope])


def test_series_points_fill_the_gaps_with_zeros(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    scored(make_mention, minute=12)
    ingest_scored(db_session)
    points = series_points(db_session, "negative", 300, T0, T0 + timedelta(minutes=20))
    assert points == [(T0, 0), (T0 + timedelta(minutes=5), 0), (T0 + timedelta(minutes=10), 1),
                      (T0 + timedelta(minutes=15), 0)]
    assert bucket_start(T0 + timedelta(minutes=14, seconds=59), 300) == T0 + timedelta(minutes=10)


def test_the_negative_share_is_derived_from_the_counts(db_session: Session,
                                                       make_mention: Callable[..., Mention]) -> None:
    scored(make_mention, minute=1)
    scored(make_mention, minute=2, sentiment="positive", complaint=0.0)
    scored(make_mention, minute=3, sentiment="neutral", complaint=0.0, topics=())
    ingest_scored(db_session)
    end = T0 + timedelta(minutes=10)
    assert negative_share_points(db_session, 300, T0, end) == [(T0, 1 / 3), (T0 + timedelta(minutes=5), None)]
    assert negative_share_points(db_session, 300, T0, end, dimension="topic", value="delivery")[0] == (T0, 1 / 2)


mention_spec = st.fixed_dictionaries({
    "minute": st.integers(0, 180),
    "sentiment": st.sampled_from(["negative", "neutral", "positive"]),
    "complaint": st.sampled_from([0.0, 0.4, 0.8]),
    "topics": st.lists(st.sampled_from(["delivery", "refund", "billing"]), max_size=2, unique=True).map(tuple),
    "network": st.sampled_from(["x", "reddit", "appstore"]),
    "language": st.sampled_from(["en", "ja", "ko"]),
    "rating": st.sampled_from([None, 1, 5]),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.lists(mention_spec, max_size=12), rescored=st.lists(st.tuples(st.integers(0, 11), mention_spec),
                                                                   max_size=6),
       later=st.lists(mention_spec, max_size=6), batch=st.integers(1, 8))
def test_incremental_counts_always_equal_a_count_from_scratch(
        session_factory: sessionmaker[Session], first: list[dict[str, Any]],
        rescored: list[tuple[int, dict[str, Any]]], later: list[dict[str, Any]], batch: int) -> None:
    session = session_factory()
    nested = session.begin_nested()
    try:
        clock = iter(range(1, 10_000))
        scope = SeriesScope(metric="complaints", per="topic", language="ja", rule_id=1)

        def add(spec: dict[str, Any]) -> Mention:
            n = next(clock)
            mention = Mention(network=spec["network"], external_id=f"h{n}", text="parcel late", author="a",
                              created_at=T0 + timedelta(minutes=spec["minute"]), sentiment=spec["sentiment"],
                              complaint=spec["complaint"], topics=list(spec["topics"]), language=spec["language"],
                              rating=spec["rating"], scored_at=T0 + timedelta(hours=4, seconds=n))
            session.add(mention)
            session.flush()
            return mention

        def run() -> None:
            while ingest_scored(session, [scope], limit=batch).more:
                pass

        mentions = [add(spec) for spec in first]
        run()
        for index, spec in rescored:
            if index < len(mentions):
                mention = mentions[index]
                mention.sentiment, mention.complaint = spec["sentiment"], spec["complaint"]
                mention.topics, mention.language = list(spec["topics"]), spec["language"]
                mention.scored_at = T0 + timedelta(hours=4, seconds=next(clock))
                session.add(mention)
        session.flush()
        for spec in later:
            add(spec)
        run()
        assert stored_counts(session) == recompute_counts(session, [scope])
    finally:
        nested.rollback()
        session.close()


def test_two_runs_at_once_count_each_mention_once(fresh_database_url: str) -> None:
    """Beat fired twice, or two workers took the task: the watermark row's lock makes the second run wait and then
    find nothing left to count."""
    import threading

    from models.db import make_engine, make_session_factory

    engine = make_engine(fresh_database_url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        for n in range(40):
            session.add(Mention(network="x", external_id=f"c{n}", text="late", author="a", sentiment="negative",
                                complaint=0.9, topics=["delivery"], language="en",
                                created_at=T0 + timedelta(minutes=n), scored_at=T0 + timedelta(hours=1, seconds=n)))
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            with session_scope(factory) as session:
                ingest_scored(session)
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with session_scope(factory) as session:
        assert failures == []
        assert stored_counts(session) == recompute_counts(session)
        assert sum(count for (key, size, _), count in stored_counts(session).items()
                   if key == "negative" and size == 3600) == 40
    engine.dispose()
