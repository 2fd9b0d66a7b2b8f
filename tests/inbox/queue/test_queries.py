"""The queue query: tabs and their counts, filters, search, sorts and keyset pagination, called directly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from inbox.queue.cursor import Cursor, QueueSort
from inbox.queue.filters import QueueFilters
from inbox.queue.params import InvalidQuery, QueueChoices, parse_cursor, parse_filters
from inbox.queue.queries import PAGE_SIZE, TabCount, queue_page, tab_counts
from inbox.queue.tabs import QueueTab
from models import Mention, MentionSource, Reply, Source, User
from responder.replies.service import approve, post_reply
from settings import Settings

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def _ids(session: Session, filters: QueueFilters) -> list[int | None]:
    return [row.mention.id for row in queue_page(session, filters).rows]


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
    assert _ids(db_session, filters) == [match.id]


def test_filters_by_source_complaint_topic_rating_assignee_and_dates(
        db_session: Session, make_mention: Callable[..., Mention], make_source: Callable[..., Source],
        make_user: Callable[..., User]) -> None:
    source, other_source = make_source(name="Brand mentions"), make_source(name="Search")
    agent = make_user(role="agent")
    direct = make_mention(status="needs_reply", source_id=source.id, complaint=0.9, topics=["delivery", "refund"],
                          rating=2, assignee_id=agent.id, created_at=START)
    linked = make_mention(status="needs_reply", source_id=other_source.id, complaint=None, topics=["billing"],
                          created_at=START + timedelta(days=2))
    db_session.add(MentionSource(mention_id=linked.id, source_id=source.id))
    make_mention(status="needs_reply", source_id=other_source.id, complaint=0.2, created_at=START)
    db_session.flush()

    assert set(_ids(db_session, QueueFilters(source_id=source.id))) == {direct.id, linked.id}
    assert _ids(db_session, QueueFilters(complaint=True)) == [direct.id]
    assert direct.id not in _ids(db_session, QueueFilters(complaint=False))
    assert linked.id in _ids(db_session, QueueFilters(complaint=False))  # unscored counts as "no"
    assert _ids(db_session, QueueFilters(topic="refund")) == [direct.id]
    assert _ids(db_session, QueueFilters(topic="fund")) == []  # a whole topic, not a substring
    assert _ids(db_session, QueueFilters(rating=2)) == [direct.id]
    assert _ids(db_session, QueueFilters(assignee=str(agent.id))) == [direct.id]
    assert direct.id not in _ids(db_session, QueueFilters(assignee="none"))
    day = START.date()
    assert _ids(db_session, QueueFilters(source_id=source.id, since=day + timedelta(days=1))) == [linked.id]
    assert _ids(db_session, QueueFilters(source_id=source.id, until=day)) == [direct.id]


def test_search_is_a_case_insensitive_substring_of_text_title_or_author(
        db_session: Session, make_mention: Callable[..., Mention]) -> None:
    by_text = make_mention(status="needs_reply", text="The KETTLE leaks")
    by_title = make_mention(status="needs_reply", title="kettle review", text="meh")
    by_author = make_mention(status="needs_reply", author="KettleFan", text="hello")
    make_mention(status="needs_reply", text="toaster")
    percent = make_mention(status="needs_reply", text="100% broken")
    assert set(_ids(db_session, QueueFilters(q="kettle"))) == {by_text.id, by_title.id, by_author.id}
    assert _ids(db_session, QueueFilters(q="0%")) == [percent.id]  # LIKE wildcards are literal
    assert _ids(db_session, QueueFilters(q="_")) == []


def test_sorts_page_through_without_gaps_or_duplicates(db_session: Session,
                                                       make_mention: Callable[..., Mention]) -> None:
    sentiments = ["negative", "neutral", "positive", None]
    created = [make_mention(status="needs_reply", created_at=START + timedelta(minutes=n // 3),
                            sentiment=sentiments[n % 4], confidence=None if n % 4 == 3 else (n % 7) / 10)
               for n in range(123)]
    expectations = {
        QueueSort.newest: sorted(created, key=lambda m: (m.created_at, m.id), reverse=True),
        QueueSort.waiting: sorted(created, key=lambda m: (m.created_at, m.id)),
        QueueSort.negative: sorted(created, key=lambda m: (_negativity(m), m.id), reverse=True),
    }
    for sort, expected in expectations.items():
        seen: list[int | None] = []
        cursor: Cursor | None = None
        while True:
            page = queue_page(db_session, QueueFilters(sort=sort), after=cursor)
            assert len(page.rows) <= PAGE_SIZE
            seen.extend(row.mention.id for row in page.rows)
            if page.next_cursor is None:
                break
            cursor = parse_cursor(page.next_cursor.encode(), sort)
        assert seen == [m.id for m in expected], sort


def _negativity(mention: Mention) -> float:
    confidence = mention.confidence or 0.0
    return {"negative": 2.0 + confidence, "neutral": 1.0, "positive": 1.0 - confidence}.get(
        mention.sentiment or "", -1.0)


def test_every_mention_is_in_one_tab_and_counts_agree(db_session: Session, make_draft: Callable[..., Reply],
                                                      make_user: Callable[..., User],
                                                      make_mention: Callable[..., Mention],
                                                      session_factory: sessionmaker[Session],
                                                      settings: Settings) -> None:
    draft = make_draft()
    approved = make_draft()
    manual = make_draft()
    approver = make_user(role="approver")
    for reply in (approved, manual):
        approve(db_session, reply, user=approver, expected_version=reply.version)
    db_session.flush()
    post_reply(session_factory, manual.id, settings=settings)  # the manual poster leaves it ready to paste
    db_session.expire_all()
    waiting = make_mention(status="needs_reply")
    replied = make_mention(status="replied")
    ignored = make_mention(status="ignored")
    quiet = make_mention(status="no_reply")
    make_mention(status="new")

    expected = {QueueTab.needs_reply: [waiting.id], QueueTab.awaiting: [draft.mention_id],
                QueueTab.approved: [approved.mention_id], QueueTab.manual: [manual.mention_id],
                QueueTab.posted: [replied.id], QueueTab.ignored: [ignored.id], QueueTab.no_reply: [quiet.id]}
    for tab, ids in expected.items():
        assert _ids(db_session, QueueFilters(tab=tab)) == ids, tab
    assert tab_counts(db_session, QueueFilters()) == {tab: TabCount(1) for tab in QueueTab}
    assert tab_counts(db_session, QueueFilters(q="no match anywhere")) == {tab: TabCount(0) for tab in QueueTab}
    row = queue_page(db_session, QueueFilters(tab=QueueTab.awaiting)).rows[0]
    assert row.reply_status == "draft" and row.reply is not None and row.reply.id == draft.id


def test_parse_filters_validates_values() -> None:
    choices = QueueChoices(networks=["x"], source_ids=[3], user_ids=[7])
    args = {"tab": "manual", "network": "x", "sentiment": "negative", "language": "PT-BR", "source": "3",
            "complaint": "no", "topic": "Delivery", "rating": "4", "assignee": "7", "since": "2026-03-01",
            "until": "2026-03-02", "q": "  broken kettle ", "sort": "negative"}
    assert parse_filters(args, choices) == QueueFilters(
        tab=QueueTab.manual, sort=QueueSort.negative, network="x", source_id=3, sentiment="negative",
        complaint=False, topic="delivery", language="pt-br", rating=4, assignee="7", since=date(2026, 3, 1),
        until=date(2026, 3, 2), q="broken kettle")
    assert parse_filters({}, choices) == QueueFilters()
    assert parse_filters({"assignee": "none"}, choices).assignee == "none"
    bad_args = ({"tab": "everything"}, {"network": "myspace"}, {"sentiment": "angry"}, {"language": "en'--"},
                {"source": "4"}, {"source": "x"}, {"complaint": "maybe"}, {"topic": "a b"}, {"rating": "6"},
                {"assignee": "8"}, {"since": "yesterday"}, {"since": "2026-03-02", "until": "2026-03-01"},
                {"q": "x" * 201}, {"sort": "random"})
    for bad in bad_args:
        with pytest.raises(InvalidQuery):
            parse_filters(bad, choices)


def test_url_args_round_trip() -> None:
    choices = QueueChoices(networks=["x"], source_ids=[3], user_ids=[7])
    filters = QueueFilters(sort=QueueSort.waiting, network="x", source_id=3, complaint=True, rating=5,
                           assignee="none", since=date(2026, 1, 2), q="a&b")
    assert parse_filters(filters.url_args(), choices) == filters
    assert QueueFilters().url_args() == {} and not QueueFilters(sort=QueueSort.negative).narrows()


def test_parse_cursor() -> None:
    for cursor in (Cursor(QueueSort.newest, START, 42), Cursor(QueueSort.negative, 2.875, 7)):
        assert parse_cursor(cursor.encode(), cursor.sort) == cursor
    assert parse_cursor(None) is None
    bad_cursors = ("42", "yesterday|4", "newest|2026-03-01T09:00:00|4", "newest|2026-03-01T09:00:00+00:00|x",
                   "x" * 200, "negative|nan|3", "shuffle|1.0|3", "negative|1.0|3")  # the last: another sort
    for bad in bad_cursors:
        with pytest.raises(InvalidQuery):
            parse_cursor(bad, QueueSort.newest)
