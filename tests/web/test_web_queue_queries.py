"""The queue query: tabs, filters and keyset pagination, called directly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session

from models import Mention, Reply, User
from responder.service import approve, post_reply
from web.queue.params import InvalidQuery, parse_cursor, parse_filters
from web.queue.queries import PAGE_SIZE, Cursor, QueueFilters, QueueTab, queue_page

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def test_default_tab_lists_needs_reply_newest_first(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    older = make_mention(status="needs_reply", created_at=START)
    newer = make_mention(status="needs_reply", created_at=START + timedelta(hours=1))
    make_mention(status="no_reply", created_at=START)
    make_mention(status="new", created_at=START)
    page = queue_page(db_session, QueueFilters())
    assert [row.mention.id for row in page.rows] == [newer.id, older.id]
    assert page.next_cursor is None


def test_filters_by_network_sentiment_and_language(db_session: Session,
                                                    make_mention: Callable[..., Mention]) -> None:
    match = make_mention(status="needs_reply", network="reddit", sentiment="negative", language="ko")
    make_mention(status="needs_reply", network="x", sentiment="negative", language="ko")
    make_mention(status="needs_reply", network="reddit", sentiment="positive", language="ko")
    make_mention(status="needs_reply", network="reddit", sentiment="negative", language="en")
    filters = QueueFilters(network="reddit", sentiment="negative", language="ko")
    assert [row.mention.id for row in queue_page(db_session, filters).rows] == [match.id]


def test_keyset_pagination_has_no_gaps_or_duplicates(db_session: Session,
                                                     make_mention: Callable[..., Mention]) -> None:
    # Pairs share a timestamp so the id tie-breaker is exercised at page boundaries.
    created = [make_mention(status="needs_reply", created_at=START + timedelta(minutes=n // 2)) for n in range(123)]
    seen: list[int] = []
    cursor: Cursor | None = None
    pages = 0
    while True:
        page = queue_page(db_session, QueueFilters(), before=cursor)
        pages += 1
        assert len(page.rows) <= PAGE_SIZE
        seen.extend(row.mention.id for row in page.rows if row.mention.id is not None)
        if page.next_cursor is None:
            break
        cursor = Cursor.decode(page.next_cursor.encode())
    assert pages == 3
    expected = sorted(created, key=lambda m: (m.created_at, m.id), reverse=True)
    assert seen == [m.id for m in expected]


def test_reply_status_tabs(db_session: Session, make_draft: Callable[..., Reply], make_user: Callable[..., User],
                           make_mention: Callable[..., Mention]) -> None:
    draft = make_draft()
    manual = make_draft()
    approve(db_session, manual, user=make_user(role="approver"), expected_version=manual.version)
    post_reply(db_session, manual.id)  # the manual poster leaves it ready to paste
    replied = make_mention(status="replied")

    def ids(tab: QueueTab) -> list[int | None]:
        return [row.mention.id for row in queue_page(db_session, QueueFilters(tab=tab)).rows]

    assert ids(QueueTab.awaiting) == [draft.mention_id]
    assert ids(QueueTab.manual) == [manual.mention_id]
    assert ids(QueueTab.posted) == [replied.id]
    statuses = {row.mention.id: row.reply_status for row in queue_page(db_session, QueueFilters()).rows}
    assert statuses == {draft.mention_id: "draft", manual.mention_id: "manual"}


def test_parse_filters_validates_values() -> None:
    filters = parse_filters({"tab": "manual", "network": "x", "sentiment": "negative", "language": "PT-BR"}, ["x"])
    assert filters == QueueFilters(tab=QueueTab.manual, network="x", sentiment="negative", language="pt-br")
    assert parse_filters({}, ["x"]) == QueueFilters()
    for bad in ({"tab": "everything"}, {"network": "myspace"}, {"sentiment": "angry"}, {"language": "en'--"}):
        with pytest.raises(InvalidQuery):
            parse_filters(bad, ["x"])


def test_parse_cursor() -> None:
    cursor = Cursor(START, 42)
    assert parse_cursor(cursor.encode()) == cursor
    assert parse_cursor(None) is None
    for bad in ("42", "yesterday|4", "2026-03-01T09:00:00|4", "2026-03-01T09:00:00+00:00|x", "x" * 200):
        with pytest.raises(InvalidQuery):
            parse_cursor(bad)
