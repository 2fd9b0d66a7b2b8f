"""Running a report's independent section queries side by side on PostgreSQL, each lane on its own connection,
all of them reading the one snapshot the caller's transaction exports (pg_export_snapshot): the figures are those
a single transaction would give, in about the time of the slowest lane instead of the sum of the sections.

Only when it cannot change the answer: on PostgreSQL, from a bound engine, when the caller's transaction has
written nothing yet (an importer does not see the exporter's own uncommitted rows) and is not inside a savepoint.
Otherwise the sections run one after another in the caller's session, as before."""

from __future__ import annotations

import dataclasses
import os
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from reports.context import ReportContext

Section = Callable[[ReportContext], Any]
# Lanes beyond the cores only queue behind each other (and behind PostgreSQL's own parallel workers).
LANES = max(1, min(3, os.cpu_count() or 1))
# One report at a time per process gets lanes: when several are built at once (or the queue is busy beside them)
# the cores are taken already, and extra lanes would only slow everyone else's requests.
_LANES_FREE = threading.BoundedSemaphore(1)


def run_sections(context: ReportContext, sections: dict[str, Section],
                 tune: Callable[[Session], None]) -> dict[str, Any]:
    """{name: section(context)}, the sections taken in the order given (slowest first keeps the lanes even).
    `tune` sets the transaction-local planner settings on each lane's session."""
    engine = _shareable_engine(context.session)
    if engine is None or LANES < 2 or len(sections) < 2 or not _LANES_FREE.acquire(blocking=False):
        return {name: section(context) for name, section in sections.items()}
    try:
        return _side_by_side(engine, context, sections, tune)
    finally:
        _LANES_FREE.release()


def _side_by_side(engine: sa.Engine, context: ReportContext, sections: dict[str, Section],
                  tune: Callable[[Session], None]) -> dict[str, Any]:
    snapshot = str(context.session.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one())
    pending: queue.SimpleQueue[tuple[str, Section]] = queue.SimpleQueue()
    for item in sections.items():
        pending.put(item)
    results: dict[str, Any] = {}
    failures: list[BaseException] = []
    lanes = [threading.Thread(target=_lane, args=(engine, snapshot, context, tune, pending, results, failures),
                              name=f"report-lane-{number}", daemon=True)
             for number in range(min(LANES, len(sections)))]
    for lane in lanes:
        lane.start()
    for lane in lanes:
        lane.join()
    if failures:
        raise failures[0]
    return {name: results[name] for name in sections}


def _shareable_engine(session: Session) -> sa.Engine | None:
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    if session.in_nested_transaction() or session.connection().in_nested_transaction():
        return None  # PostgreSQL exports no snapshot from inside a savepoint
    written = session.execute(sa.text("SELECT pg_current_xact_id_if_assigned()")).scalar_one()
    if written is not None:
        return None  # its own uncommitted rows would be invisible to the lanes
    return bind if isinstance(bind, sa.Engine) else bind.engine


def _lane(engine: sa.Engine, snapshot: str, context: ReportContext, tune: Callable[[Session], None],
          pending: queue.SimpleQueue[tuple[str, Section]], results: dict[str, Any],
          failures: list[BaseException]) -> None:
    try:
        with _snapshot_session(engine, snapshot) as session:
            tune(session)
            lane_context = dataclasses.replace(context, session=session)
            while not failures:
                try:
                    name, section = pending.get_nowait()
                except queue.Empty:
                    return
                results[name] = section(lane_context)
    except BaseException as error:  # re-raised in the caller's thread
        failures.append(error)


@contextmanager
def _snapshot_session(engine: sa.Engine, snapshot: str) -> Iterator[Session]:
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        # Must be the transaction's first statement; the snapshot id is PostgreSQL's own text, passed as a literal
        # because SET takes no bind parameters.
        connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{_checked(snapshot)}'")
        with Session(bind=connection) as session:
            yield session
        connection.rollback()


def _checked(snapshot: str) -> str:
    if not snapshot.replace("-", "").isalnum():
        raise ValueError(f"unexpected snapshot id {snapshot!r}")
    return snapshot
