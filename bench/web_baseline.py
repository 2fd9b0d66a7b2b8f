"""The baseline queue page for bench/web.py: the real app, but pages numbered by OFFSET and exact tab counts.

Same tabs, filters, search, sorts, template and login as the product; only the two queries differ (and the
counts are drawn with the page, never fetched after it), swapped in
here (never in the product): a page is `ORDER BY key, id OFFSET n LIMIT 50` (n from `?offset=`), and every
tab is counted exactly. bench/web.py serves it after dropping the queue's indexes, so this is the page as it
would be without the queue's work. Served by gunicorn as `bench.web_baseline:app`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from flask import request
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from inbox.queue.cursor import Cursor, QueueSort
from inbox.queue.filters import QueueFilters, filter_conditions
from inbox.queue.queries import NOT_ON_CARDS, PAGE_SIZE, QueuePage, QueueRow, TabCount, latest_replies, sort_key
from inbox.queue.tabs import QueueTab, tab_condition
from models import Mention
from web import create_app
from web.db import db_session
from web.queue import views

MAX_OFFSET = 1_000_000


def offset_page(session: Session, filters: QueueFilters, *, after: Cursor | None = None,
                limit: int = PAGE_SIZE, for_cards: bool = False) -> QueuePage:
    offset = min(int(request.args.get("offset", "0") or 0), MAX_OFFSET)
    key = sort_key(filters.sort)
    order = (key.asc(), col(Mention.id).asc()) if filters.sort is QueueSort.waiting else (key.desc(),
                                                                                          col(Mention.id).desc())
    statement = select(Mention, key).where(tab_condition(filters.tab), *filter_conditions(filters))
    if for_cards:  # the same columns as the product's page
        statement = statement.options(*(defer(getattr(Mention, name)) for name in NOT_ON_CARDS))
    found = list(session.exec(statement.order_by(*order).offset(offset).limit(limit + 1)).all())
    page = found[:limit]
    replies = latest_replies(session, [mention.id for mention, _key in page if mention.id is not None])
    rows = [QueueRow(mention, replies.get(mention.id or 0)) for mention, _key in page]
    # The product's template draws "Next page" when there is a cursor; the baseline's users page by offset.
    next_cursor = None
    if len(found) > limit:
        last, last_key = page[-1]
        next_cursor = Cursor(filters.sort, last_key, last.id or 0)
    return QueuePage(rows, next_cursor)


def exact_counts(session: Session, filters: QueueFilters) -> dict[QueueTab, TabCount]:
    conditions = filter_conditions(filters)
    counts = [sa.select(sa.func.count()).select_from(Mention).where(tab_condition(tab), *conditions)
              .scalar_subquery().label(tab.value) for tab in QueueTab]
    row = session.execute(sa.select(*counts)).one()
    return {tab: TabCount(int(found)) for tab, found in zip(QueueTab, row, strict=True)}


views.queue_page = offset_page  # type: ignore[attr-defined]
views.remembered_tab_counts = lambda filters: exact_counts(db_session(), filters)  # type: ignore[attr-defined]
app = create_app()
