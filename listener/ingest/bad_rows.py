"""The rows a source had to skip, kept until an admin dismisses them.

A source's last_error describes its latest run only, so the next clean run used to wipe the report of a bad
export. Each run that skipped rows appends a "source.bad_rows" audit event (the rows are part of what happened);
dismissing appends "source.bad_rows_dismissed" up to the newest report the admin saw. The report is every
bad-row event after the last dismissal: append-only, nothing to migrate, and who dismissed what is on record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from listener.base import RowError
from models import AuditEvent, Source, User, record_event

BAD_ROWS = "source.bad_rows"
DISMISSED = "source.bad_rows_dismissed"
ROWS_KEPT_PER_RUN = 20
ROWS_SHOWN = 10
MAX_ROW_CHARS = 300


@dataclass
class BadRowReport:
    """The undismissed bad rows of one source, newest run first."""

    rows: int = 0
    runs: int = 0
    shown: list[str] = field(default_factory=list)
    first_at: datetime | None = None
    last_at: datetime | None = None
    newest_event_id: int = 0
    oldest_event_id: int = 0


def record_bad_rows(session: Session, source_id: int, errors: Sequence[RowError]) -> None:
    """In the ingesting transaction, so the report and the cursor that moved past the rows commit together."""
    if not errors:
        return
    record_event(session, BAD_ROWS, source_id=source_id, count=len(errors),
                 rows=[str(error)[:MAX_ROW_CHARS] for error in errors[:ROWS_KEPT_PER_RUN]])


def bad_row_reports(session: Session, source_ids: Iterable[int]) -> dict[int, BadRowReport]:
    """The report of each source that has undismissed bad rows."""
    ids = sorted(set(source_ids))
    if not ids:
        return {}
    dismissed = _dismissed_up_to(session, ids)
    statement = (select(AuditEvent).where(col(AuditEvent.action) == BAD_ROWS, _source_key().in_(ids),
                                          col(AuditEvent.id) > min(dismissed.get(i, 0) for i in ids))
                 .order_by(col(AuditEvent.id).desc()))
    reports: dict[int, BadRowReport] = {}
    for event in session.exec(statement):
        source_id = int(event.details["source_id"])
        if _event_id(event) > dismissed.get(source_id, 0):
            _add(reports.setdefault(source_id, BadRowReport()), event)
    return reports


def dismiss_bad_rows(session: Session, source: Source, *, actor: User, up_to: int) -> bool:
    """Dismiss the reports up to the event `up_to` (the newest the admin was shown); later ones stay. Returns
    whether anything was dismissed."""
    if source.id is None:
        raise ValueError("only a stored source has bad rows")
    report = bad_row_reports(session, [source.id]).get(source.id)
    if report is None or report.oldest_event_id > up_to:
        return False
    record_event(session, DISMISSED, actor=actor, source_id=source.id, up_to=min(up_to, report.newest_event_id))
    session.flush()
    return True


def _dismissed_up_to(session: Session, ids: list[int]) -> dict[int, int]:
    statement = select(AuditEvent.details).where(col(AuditEvent.action) == DISMISSED, _source_key().in_(ids))
    found: dict[int, int] = {}
    for details in session.exec(statement):
        source_id = int(details["source_id"])
        found[source_id] = max(found.get(source_id, 0), int(details["up_to"]))
    return found


def _add(report: BadRowReport, event: AuditEvent) -> None:
    details: dict[str, Any] = event.details
    report.rows += int(details.get("count", 0))
    report.runs += 1
    room = ROWS_SHOWN - len(report.shown)
    report.shown.extend(str(row) for row in list(details.get("rows") or [])[:max(room, 0)])
    report.last_at = report.last_at or event.at
    report.first_at = event.at
    report.newest_event_id = max(report.newest_event_id, _event_id(event))
    report.oldest_event_id = _event_id(event)


def _source_key() -> sa.ColumnElement[int]:
    return sa.type_coerce(col(AuditEvent.details), sa.JSON)["source_id"].as_integer()


def _event_id(event: AuditEvent) -> int:
    assert event.id is not None  # read from the database
    return event.id
