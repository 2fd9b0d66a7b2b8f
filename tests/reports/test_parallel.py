"""The report's sections side by side on PostgreSQL (reports.parallel): the same figures as one after another, read
from one snapshot, and never when the caller's transaction has rows the lanes could not see."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from inbox.auth.service import create_user
from models import Mention, User
from models.db import make_engine
from reports import parallel
from reports.report import build_report
from reports.request import for_dates
from tests.reports.test_report import NOW, Calendar, generate

REQUEST = for_dates(date(2026, 11, 1), date(2026, 11, 14), "Europe/Paris")
SETTINGS = Calendar(workspace_timezone="Europe/Paris")
_emails = itertools.count()


@pytest.fixture()
def committed_engine(fresh_database_url: str) -> Iterator[Any]:
    engine = make_engine(fresh_database_url)
    with Session(engine) as session:
        def make_user(role: str = "agent", **_fields: Any) -> User:
            return create_user(session, f"lane{next(_emails)}@example.com", "correct horse battery", role=role)

        previous = REQUEST.previous()
        generate(session, make_user, seed=7, start=previous.since - timedelta(days=2),
                 days=(REQUEST.until - previous.since).days + 4, count=300)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture()
def lanes_opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real = parallel._snapshot_session

    def counting(engine: Any, snapshot: str) -> Any:
        opened.append(snapshot)
        return real(engine, snapshot)

    monkeypatch.setattr(parallel, "_snapshot_session", counting)
    return opened


def test_side_by_side_gives_the_same_report_as_one_by_one(committed_engine: Any, lanes_opened: list[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with Session(committed_engine) as session:
        side_by_side = build_report(session, REQUEST, SETTINGS, now=NOW)
    on_postgres = committed_engine.dialect.name == "postgresql"
    assert len(lanes_opened) == (min(parallel.LANES, 6) if on_postgres and parallel.LANES > 1 else 0)
    assert len(set(lanes_opened)) <= 1  # every lane reads the one exported snapshot
    monkeypatch.setattr(parallel, "LANES", 1)
    with Session(committed_engine) as session:
        one_by_one = build_report(session, REQUEST, SETTINGS, now=NOW)
    assert side_by_side == one_by_one
    assert side_by_side.volume.total.current > 0 and side_by_side.responsiveness.current.needed > 0


def test_a_transaction_that_has_written_reads_its_own_rows(committed_engine: Any, lanes_opened: list[str]) -> None:
    with Session(committed_engine) as session:
        before = build_report(session, REQUEST, SETTINGS, now=NOW).volume.total.current
        session.rollback()
        session.add(Mention(network="x", external_id="uncommitted", author="someone", text="not committed yet",
                            created_at=REQUEST.since + timedelta(hours=30), status="new"))
        session.flush()
        lanes_before = len(lanes_opened)
        after = build_report(session, REQUEST, SETTINGS, now=NOW).volume.total.current
        assert after == before + 1
        assert len(lanes_opened) == lanes_before  # no lane: they would not have seen the new mention
        session.rollback()


def test_a_failing_section_fails_the_report(committed_engine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_context: Any) -> None:
        raise RuntimeError("section failed")

    monkeypatch.setattr("reports.build.repeat_complainers", broken)
    with Session(committed_engine) as session, pytest.raises(RuntimeError, match="section failed"):
        build_report(session, REQUEST, SETTINGS, now=NOW)


def test_a_second_report_at_the_same_time_runs_without_lanes(committed_engine: Any, lanes_opened: list[str]) -> None:
    assert parallel._LANES_FREE.acquire(blocking=False)  # another report of this process holds the lanes
    try:
        with Session(committed_engine) as session:
            report = build_report(session, REQUEST, SETTINGS, now=NOW)
    finally:
        parallel._LANES_FREE.release()
    assert lanes_opened == [] and report.volume.total.current > 0
