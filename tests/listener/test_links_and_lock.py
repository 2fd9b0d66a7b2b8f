"""One mention linked to every source that heard it; one collection run per source at a time."""

import json
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, func, select

from listener import service
from listener.base import Batch, RawMention
from listener.service import RUN_LEASE, IngestResult, claim_run, ingest, release_run, renew_run, run_collection
from models import Mention, MentionSource, Source
from models.base import utcnow
from models.db import make_engine, make_session_factory
from settings import Settings

WHEN = datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc)


def raw(external_id: str, text: str = "late again", network: str = "reddit") -> RawMention:
    return RawMention(network=network, external_id=external_id, text=text, created_at=WHEN, author="ann")


def links(session: Session) -> dict[str, set[int]]:
    rows = session.exec(select(Mention.external_id, MentionSource.source_id)
                        .join(MentionSource, col(MentionSource.mention_id) == Mention.id))
    found: dict[str, set[int]] = {}
    for external_id, source_id in rows:
        found.setdefault(external_id, set()).add(source_id)
    return found


def test_the_same_post_from_two_sources_is_one_mention_linked_to_both(
        db_session: Session, make_source: Callable[..., Source]) -> None:
    search, inbox = make_source(name="search"), make_source(name="inbox")
    ingest(db_session, search, Batch([raw("t3_a"), raw("t3_b")], cursor=None))
    second = ingest(db_session, inbox, Batch([raw("t3_b"), raw("t3_c")], cursor=None))
    assert second.inserted_ids and len(second.inserted_ids) == 1
    assert db_session.exec(select(func.count()).select_from(Mention)).one() == 3
    assert links(db_session) == {"t3_a": {search.id}, "t3_b": {search.id, inbox.id}, "t3_c": {inbox.id}}
    stored_b = db_session.exec(select(Mention).where(Mention.external_id == "t3_b")).one()
    assert stored_b.source_id == search.id  # the first source to hear it stays its origin


def test_hearing_a_post_again_adds_no_second_link(db_session: Session, make_source: Callable[..., Source]) -> None:
    source = make_source()
    ingest(db_session, source, Batch([raw("1"), raw("1")], cursor=None))
    ingest(db_session, source, Batch([raw("1")], cursor=None))
    assert db_session.exec(select(func.count()).select_from(MentionSource)).one() == 1


def test_posts_the_query_filters_out_are_not_linked(db_session: Session, make_source: Callable[..., Source]) -> None:
    other = make_source(name="everything")
    picky = make_source(name="refunds", config={"query": "refund"})
    ingest(db_session, other, Batch([raw("1", "late again"), raw("2", "refund please")], cursor=None))
    ingest(db_session, picky, Batch([raw("1", "late again"), raw("2", "refund please")], cursor=None))
    assert links(db_session) == {"1": {other.id}, "2": {other.id, picky.id}}


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="SQLite runs one writer at a time: no race")
def test_a_post_another_run_commits_while_this_page_is_stored_is_still_linked(fresh_database_url: str) -> None:
    """PostgreSQL stores and links a page in one statement, which cannot see a row committed while it ran."""
    engine = make_engine(fresh_database_url)
    factory = make_session_factory(engine)
    search, inbox = stored_source(factory, name="search"), stored_source(factory, name="inbox")
    with factory() as other_run, factory() as this_run:
        ingest(other_run, other_run.get_one(Source, search), Batch([raw("t3_a")], cursor=None))  # not committed
        backend = this_run.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        storing = threading.Thread(target=ingest_and_commit, args=(this_run, inbox, [raw("t3_a"), raw("t3_b")]))
        storing.start()
        wait_until_blocked(engine, backend)  # on the other run's uncommitted t3_a
        other_run.commit()
        storing.join(timeout=30)
        assert not storing.is_alive()
    with factory() as session:
        assert session.exec(select(func.count()).select_from(Mention)).one() == 2
        assert links(session) == {"t3_a": {search, inbox}, "t3_b": {inbox}}
    engine.dispose()


def ingest_and_commit(session: Session, source_id: int, mentions: list[RawMention]) -> None:
    ingest(session, session.get_one(Source, source_id), Batch(mentions, cursor=None))
    session.commit()


def wait_until_blocked(engine: Engine, backend: int) -> None:
    with engine.connect() as watcher:
        for _ in range(300):
            state = watcher.execute(sa.text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                                    {"pid": backend})
            if state.scalar_one_or_none() == "Lock":
                return
            time.sleep(0.05)
    raise AssertionError("the second run never waited for the first one's row")


# --- one run per source --------------------------------------------------------------------------------------

def stored_source(session_factory: sessionmaker[Session], **fields: object) -> int:
    with session_factory() as session:
        source = Source(**{"name": "export", "collector": "import", "network": "reddit", "config": {}, **fields})
        session.add(source)
        session.commit()
        assert source.id is not None
        return source.id


def run_started_at(session_factory: sessionmaker[Session], source_id: int) -> datetime | None:
    with session_factory() as session:
        return session.get_one(Source, source_id).run_started_at


def test_a_second_overlapping_run_is_refused(session_factory: sessionmaker[Session]) -> None:
    source_id = stored_source(session_factory)
    first = claim_run(session_factory, source_id)
    assert first is not None
    assert claim_run(session_factory, source_id) is None
    release_run(session_factory, source_id, first)
    assert run_started_at(session_factory, source_id) is None
    assert claim_run(session_factory, source_id) is not None


def test_a_crashed_runs_lease_expires_and_is_taken_over(session_factory: sessionmaker[Session]) -> None:
    crashed_at = utcnow() - RUN_LEASE - timedelta(seconds=1)
    source_id = stored_source(session_factory, run_started_at=crashed_at)
    takeover = claim_run(session_factory, source_id)
    assert takeover is not None and takeover > crashed_at
    # the crashed run, should it wake up, can neither renew nor release the new holder's claim
    assert renew_run(session_factory, source_id, crashed_at) is None
    release_run(session_factory, source_id, crashed_at)
    assert run_started_at(session_factory, source_id) == takeover


def test_a_live_lease_is_not_taken_over(session_factory: sessionmaker[Session]) -> None:
    source_id = stored_source(session_factory, run_started_at=utcnow() - RUN_LEASE + timedelta(minutes=1))
    assert claim_run(session_factory, source_id) is None


def export(tmp_path: Path, rows: int = 3) -> Path:
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps({"network": "reddit", "external_id": f"t3_{i}", "text": f"post {i}",
                                        "created_at": "2026-11-01T00:00:00Z"}) + "\n" for i in range(rows)),
                    encoding="utf-8")
    return path


def test_run_collection_while_another_run_holds_the_source_returns_at_once(
        session_factory: sessionmaker[Session], tmp_path: Path, settings: Settings) -> None:
    source_id = stored_source(session_factory, config={"path": str(export(tmp_path))})
    held = claim_run(session_factory, source_id)
    summary = run_collection(session_factory, source_id, settings=settings)
    assert summary.already_running and (summary.pages, summary.fetched) == (0, 0)
    assert run_started_at(session_factory, source_id) == held  # the holder keeps its claim


def test_run_collection_of_a_missing_source_fails(session_factory: sessionmaker[Session],
                                                  settings: Settings) -> None:
    with pytest.raises(NoResultFound):
        run_collection(session_factory, 987_654, settings=settings)


def test_run_collection_releases_the_source_when_done_and_when_failing(
        session_factory: sessionmaker[Session], tmp_path: Path, settings: Settings) -> None:
    good = stored_source(session_factory, config={"path": str(export(tmp_path))})
    gone = stored_source(session_factory, config={"path": str(tmp_path / "gone.jsonl")})
    summary = run_collection(session_factory, good, settings=settings)
    assert (summary.already_running, summary.inserted) == (False, 3)
    assert run_collection(session_factory, gone, settings=settings).failure is not None
    assert run_started_at(session_factory, good) is None and run_started_at(session_factory, gone) is None


def test_a_run_whose_lease_was_taken_over_stops_and_leaves_the_new_claim(
        session_factory: sessionmaker[Session], settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    source_id = stored_source(session_factory)
    thief = utcnow() + timedelta(seconds=1)

    def page_then_lose_the_lease(*_args: object, **_kwargs: object) -> IngestResult:
        with session_factory() as session:
            session.get_one(Source, source_id).run_started_at = thief
            session.commit()
        return IngestResult(source_id=source_id, fetched=1, more=True)

    monkeypatch.setattr(service, "collect_page", page_then_lose_the_lease)
    assert run_collection(session_factory, source_id, settings=settings).pages == 1
    assert run_started_at(session_factory, source_id) == thief
