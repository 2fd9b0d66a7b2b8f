import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, func, select

from listener.base import Batch, RawMention, RowError
from listener.service import ingest, run_collection
from models import AuditEvent, Mention, Source
from settings import Settings

WHEN = datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc)


def raw(external_id: str, network: str = "x", text: str = "late again") -> RawMention:
    return RawMention(network=network, external_id=external_id, text=text, created_at=WHEN, author="ann")


def count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Mention)).one()


def test_ingest_inserts_new_rows_once_and_advances_the_cursor(db_session: Session,
                                                              make_source: Callable[..., Source]) -> None:
    source = make_source()
    first = ingest(db_session, source, Batch([raw("1"), raw("2"), raw("1")], cursor={"line": 3}))
    again = ingest(db_session, source, Batch([raw("2"), raw("3")], cursor={"line": 5}))
    assert len(first.inserted_ids) == 2 and first.duplicates == 1
    assert len(again.inserted_ids) == 1 and again.duplicates == 1
    assert count(db_session) == 3
    assert source.cursor == {"line": 5}
    assert source.items_collected == 3


def test_the_same_id_on_two_networks_is_two_mentions(db_session: Session, make_source: Callable[..., Source]) -> None:
    result = ingest(db_session, make_source(), Batch([raw("7", "x"), raw("7", "reddit")], cursor=None))
    assert len(result.inserted_ids) == 2


def test_every_field_is_stored_as_collected(db_session: Session, make_source: Callable[..., Source]) -> None:
    source = make_source()
    tokyo = timezone(timedelta(hours=9))
    full = RawMention(network="appstore", external_id="r:1", text='1★ "broken" \\ again\n2行目 — 😡\u2028end',
                      created_at=datetime(2026, 11, 5, 23, 0, tzinfo=tokyo), author="Zoë", author_id="u-9",
                      title="Ärger", rating=1, url="https://apps.apple.com/r/1", language="de", in_reply_to_brand=True,
                      extra={"version": "2.1", "nested": {"emoji": "👍", "n": [1, 2.5, None, True]}})
    bare = RawMention(network="x", external_id="2", text="late again", created_at=WHEN)
    ingest(db_session, source, Batch([full, bare], cursor=None))
    db_session.expire_all()
    stored = {m.external_id: m for m in db_session.exec(select(Mention))}
    row = stored["r:1"]
    assert (row.text, row.title, row.author, row.author_id, row.rating, row.url, row.language_hint,
            row.in_reply_to_brand, row.extra, row.source_id, row.status) == (
        full.text, "Ärger", "Zoë", "u-9", 1, full.url, "de", True, full.extra, source.id, "new")
    assert row.created_at == datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc)
    assert (stored["2"].title, stored["2"].rating, stored["2"].extra, stored["2"].in_reply_to_brand) == (
        None, None, None, None)


def test_a_time_without_a_zone_is_refused(db_session: Session, make_source: Callable[..., Source]) -> None:
    naive = RawMention(network="x", external_id="1", text="late again", created_at=datetime(2026, 11, 5, 14, 0))
    with pytest.raises((ValueError, StatementError), match="naive datetime"):
        ingest(db_session, make_source(), Batch([naive], cursor=None))


def test_bad_rows_are_summarised_on_the_source(db_session: Session, make_source: Callable[..., Source]) -> None:
    source = make_source()
    ingest(db_session, source, Batch([raw("1")], cursor=None, errors=[RowError(4, "text is empty")]))
    assert source.last_error == "1 bad row(s) skipped: line 4: text is empty"


def test_run_collection_commits_each_page_with_its_cursor(session_factory: sessionmaker[Session],
                                                          tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "export.jsonl"
    rows = [{"network": "reddit", "external_id": f"t3_{i}", "text": f"post {i}",
             "created_at": "2026-11-01T00:00:00Z"} for i in range(3)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{oops\n", encoding="utf-8")
    with session_factory() as session:
        source = Source(name="export", collector="import", network="reddit", config={"path": str(path)})
        session.add(source)
        session.commit()
        source_id = source.id
    assert source_id is not None
    summary = run_collection(session_factory, source_id, settings=settings)
    assert (summary.fetched, summary.inserted, [e.line for e in summary.errors]) == (3, 3, [4])
    assert run_collection(session_factory, source_id, settings=settings).inserted == 0
    with session_factory() as session:
        assert count(session) == 3
        assert session.get_one(Source, source_id).cursor == {"line": 4}


def test_a_permanent_failure_disables_the_source_and_is_audited(session_factory: sessionmaker[Session],
                                                                tmp_path: Path, settings: Settings) -> None:
    with session_factory() as session:
        source = Source(name="gone", collector="import", network="x", config={"path": str(tmp_path / "gone.csv")})
        session.add(source)
        session.commit()
        source_id = source.id
    assert source_id is not None
    summary = run_collection(session_factory, source_id, settings=settings)
    assert summary.failure is not None and not summary.failure.transient
    with session_factory() as session:
        stored = session.get_one(Source, source_id)
        assert not stored.enabled
        assert stored.last_error is not None and "not found" in stored.last_error
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "source.failed")).one()
        assert event.details["source_id"] == source_id
