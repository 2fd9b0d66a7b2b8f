"""The audit trail as CSV, for one mention or a date range (approvers and admins).

Every cell a spreadsheet could read as a formula is prefixed with a quote (reports.csv_safety, which the
report exports share): the text comes from customers and platforms, and a CSV opened in Excel must not run it.

The guard changes what a cell says, so the exact text of a reply is also given, unchanged, in `text_exact_json`
as a JSON string literal: it begins with a double quote (never a formula) and json.loads gives back exactly
the characters that were posted.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import Blueprint, Response, abort, render_template, request
from sqlalchemy import and_, or_
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from inbox.queue.presence import VIEW_ACTION
from models import AuditEvent, Role
from models.row_ids import parse_row_id
from reports.csv_safety import csv_safe
from web.auth.roles import role_required
from web.extensions import session_factory

bp = Blueprint("audit_export", __name__, url_prefix="/audit")

COLUMNS = ("at", "actor", "action", "mention_id", "reply_id", "text", "text_exact_json", "platform_response_id",
           "details")
MAX_RANGE_DAYS = 366
BATCH = 500


@dataclass(frozen=True)
class ExportScope:
    mention_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive

    @property
    def filename(self) -> str:
        if self.mention_id is not None:
            return f"earful-audit-mention-{self.mention_id}.csv"
        assert self.since is not None and self.until is not None
        last_day = (self.until - timedelta(days=1)).date()
        return f"earful-audit-{self.since.date().isoformat()}-to-{last_day.isoformat()}.csv"


def parse_scope(args: dict[str, str]) -> ExportScope:
    """?mention_id=N, or ?since=YYYY-MM-DD&until=YYYY-MM-DD (both days included, UTC); ValueError otherwise."""
    mention_id, since, until = (args.get(name, "").strip() for name in ("mention_id", "since", "until"))
    if mention_id:
        row_id = parse_row_id(mention_id)
        if row_id is None:
            raise ValueError("mention_id must be a mention's number")
        return ExportScope(mention_id=row_id)
    if not since or not until:
        raise ValueError("give mention_id, or since and until as dates (YYYY-MM-DD)")
    try:
        first, last = date.fromisoformat(since), date.fromisoformat(until)
    except ValueError:
        raise ValueError("since and until must be dates written YYYY-MM-DD") from None
    if last < first or (last - first).days >= MAX_RANGE_DAYS:
        raise ValueError(f"until must be on or after since, and the range at most {MAX_RANGE_DAYS} days")
    return ExportScope(since=datetime.combine(first, time(), timezone.utc),
                       until=datetime.combine(last + timedelta(days=1), time(), timezone.utc))


def audit_events(factory: sessionmaker[Session], scope: ExportScope) -> Iterator[AuditEvent]:
    """The scope's events in time order; views (presence pings) are not changes and are left out.

    Read in keyset pages, each in a session of its own that is closed before the page is handed on: the
    export is streamed while the client reads, and on SQLite an open transaction is the database's write
    lock (models.db begins every transaction IMMEDIATE), so no transaction may outlive one page's read.
    """
    after: tuple[datetime, int] | None = None
    while True:
        with factory() as session:
            page = list(session.exec(_page_statement(scope, after)))
        yield from page
        if len(page) < BATCH:
            return
        last = page[-1]
        assert last.id is not None
        after = (last.at, last.id)


def _page_statement(scope: ExportScope, after: tuple[datetime, int] | None) -> SelectOfScalar[AuditEvent]:
    statement = select(AuditEvent).where(AuditEvent.action != VIEW_ACTION)
    if scope.mention_id is not None:
        statement = statement.where(AuditEvent.mention_id == scope.mention_id)
    if scope.since is not None and scope.until is not None:
        statement = statement.where(col(AuditEvent.at) >= scope.since, col(AuditEvent.at) < scope.until)
    if after is not None:
        at, event_id = after
        statement = statement.where(or_(col(AuditEvent.at) > at, and_(col(AuditEvent.at) == at,
                                                                     col(AuditEvent.id) > event_id)))
    return statement.order_by(col(AuditEvent.at), col(AuditEvent.id)).limit(BATCH)


def event_row(event: AuditEvent) -> list[str]:
    details = dict(event.details or {})
    text, platform_id = details.pop("text", None), details.pop("platform_reply_id", None)
    exact = json.dumps(text, ensure_ascii=False) if text is not None else ""
    cells = [event.at.isoformat(), event.actor, event.action, event.mention_id, event.reply_id, text, exact,
             platform_id, json.dumps(details, ensure_ascii=False, sort_keys=True) if details else ""]
    return [csv_safe(cell) for cell in cells]


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for event in events:
        writer.writerow(event_row(event))
        if buffer.tell() > 64_000:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


@bp.get("")
@role_required(Role.approver)
def index() -> str:
    return render_template("audit/index.html", max_days=MAX_RANGE_DAYS)


@bp.get("/export.csv")
@role_required(Role.approver)
def export() -> Response:
    try:
        scope = parse_scope(request.args.to_dict())
    except ValueError as error:
        abort(400, str(error))
    # A plain generator, not stream_with_context: the request (and its session) ends before the body is sent.
    events = audit_events(session_factory(), scope)
    response = Response(csv_lines(events), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{scope.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
