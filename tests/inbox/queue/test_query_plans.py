"""The queue at scale: tab precedence as plain conditions, capped and cached counts, and the indexes the queries
rely on."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from inbox.queue.count_cache import CountCache
from inbox.queue.cursor import Cursor, QueueSort
from inbox.queue.filters import QueueFilters, filter_conditions
from inbox.queue.queries import TabCount, _beyond, queue_page, sort_key, tab_counts
from inbox.queue.tabs import IN_PROGRESS, QueueTab, tab_condition
from models import Mention, Reply
from models.reply_states import UNFINISHED as OPEN_REPLY_STATUSES

MENTION_STATUSES = ("new", "needs_reply", "no_reply", "replied", "ignored")
REPLY_SETS = ((), ("draft",), ("manual",), ("approved",), ("posting",), ("unknown",), ("draft", "approved"),
              ("draft", "manual"), ("approved", "manual"), ("rejected",), ("failed", "draft"), ("posted",))


def _expected_tab(status: str, replies: tuple[str, ...]) -> QueueTab | None:
    if status == "ignored":
        return QueueTab.ignored
    if status == "replied":
        return QueueTab.posted
    if "manual" in replies:
        return QueueTab.manual
    if {"approved", "posting", "unknown"} & set(replies):
        return QueueTab.approved
    if "draft" in replies:
        return QueueTab.awaiting
    return {"needs_reply": QueueTab.needs_reply, "no_reply": QueueTab.no_reply}.get(status)


def test_every_status_and_reply_mix_lands_in_the_one_tab_its_precedence_says(
        db_session: Session, make_mention: Callable[..., Mention]) -> None:
    expected: dict[int, QueueTab | None] = {}
    for status, replies in itertools.product(MENTION_STATUSES, REPLY_SETS):
        mention = make_mention(status=status)
        assert mention.id is not None
        db_session.add_all(Reply(mention_id=mention.id, text="Hi", status=reply) for reply in replies)
        expected[mention.id] = _expected_tab(status, replies)
    db_session.flush()

    found: dict[int, list[QueueTab]] = {mention_id: [] for mention_id in expected}
    for tab in QueueTab:
        for mention_id in db_session.exec(select(Mention.id).where(tab_condition(tab))).all():
            assert mention_id is not None
            found[mention_id].append(tab)
    assert {mention_id: tabs[0] if tabs else None for mention_id, tabs in found.items()} == expected
    assert all(len(tabs) <= 1 for tabs in found.values())
    # The page and the counts read the tabs of few replies from those replies (tabs.reply_driven): the same
    # mentions, each once, even with two replies on the rung ("approved" + "posting" is not in the sets above).
    twice = make_mention(status="needs_reply")
    db_session.add_all([Reply(mention_id=twice.id, text="Hi", status="approved"),
                        Reply(mention_id=twice.id, text="Hi", status="posting")])
    db_session.flush()
    expected[_id(twice)] = QueueTab.approved
    counts = tab_counts(db_session, QueueFilters(), cap=1000)
    for tab in QueueTab:
        paged = [_id(row.mention) for row in queue_page(db_session, QueueFilters(tab=tab), limit=1000).rows]
        assert sorted(paged) == sorted(mention_id for mention_id, want in expected.items() if want is tab), tab
        assert counts[tab] == TabCount(len(paged)), tab


def test_the_tabs_ladder_covers_exactly_the_open_reply_states() -> None:
    assert sorted(IN_PROGRESS) == sorted(OPEN_REPLY_STATUSES)


def test_counts_stop_at_the_cap_and_say_so(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    for _ in range(5):
        make_mention(status="needs_reply", network="reddit")
    make_mention(status="ignored", network="reddit")
    counts = tab_counts(db_session, QueueFilters(network="reddit"), cap=3)
    assert counts[QueueTab.needs_reply] == TabCount(3, capped=True)
    assert counts[QueueTab.ignored] == TabCount(1) and counts[QueueTab.posted] == TabCount(0)
    assert tab_counts(db_session, QueueFilters(network="reddit"), cap=5)[QueueTab.needs_reply] == TabCount(5)
    shown = (TabCount(3, capped=True), TabCount(1000, capped=True), TabCount(1234), TabCount(0))
    assert [str(count) for count in shown] == ["3+", "1,000+", "1,234", "0"]


def test_the_search_covers_text_title_and_author_but_not_across_them(
        db_session: Session, make_mention: Callable[..., Mention]) -> None:
    make_mention(status="needs_reply", title="Kettle", text="leaks", author="Sam")
    assert len(db_session.exec(select(Mention.id).where(*filter_conditions(QueueFilters(q="kettle")))).all()) == 1
    assert db_session.exec(select(Mention.id).where(*filter_conditions(QueueFilters(q="kettleleaks")))).all() == []


# Each tab and sort must be read from an index in sort order: with sequential scans and sorts priced out, a
# plan that still sorts means an ORDER BY no index matches (say, negativity() changed but its index did not).
@pytest.mark.parametrize(("tab", "sort"), [(tab, sort) for tab in QueueTab for sort in QueueSort])
def test_every_tab_and_sort_reads_an_index_in_order(db_session: Session, tab: QueueTab, sort: QueueSort) -> None:
    key = sort_key(sort)
    descending = sort is not QueueSort.waiting
    order = (key.desc(), col(Mention.id).desc()) if descending else (key.asc(), col(Mention.id).asc())
    cursor = Cursor(sort, 1.5 if sort is QueueSort.negative else datetime(2026, 3, 1, tzinfo=timezone.utc), 10)
    statement = (select(col(Mention.id)).where(tab_condition(tab), _beyond(key, cursor, descending=descending))
                 .order_by(*order).limit(51))
    plan = _plan(db_session, statement)
    if db_session.get_bind().dialect.name == "sqlite":
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    else:
        assert "Sort" not in plan and "Seq Scan on mention" not in plan, plan


def test_search_reads_the_trigram_index_on_postgresql(db_session: Session) -> None:
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only; SQLite scans")
    statement = select(col(Mention.id)).where(*filter_conditions(QueueFilters(q="kettle")))
    assert "ix_mention_search_trgm" in _plan(db_session, statement, bitmaps=True)  # GIN is read through a bitmap


def test_a_two_character_cjk_search_reads_the_bigram_index_on_postgresql(db_session: Session) -> None:
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("the bigram index exists on PostgreSQL only; SQLite scans")
    statement = select(col(Mention.id)).where(*filter_conditions(QueueFilters(q="환불")))
    assert "ix_mention_search_cjk" in _plan(db_session, statement, bitmaps=True)


def _plan(session: Session, statement: sa.Select[tuple[int]], *, bitmaps: bool = False) -> str:
    connection = session.connection()
    compiled = statement.compile(connection, compile_kwargs={"literal_binds": True})
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
        return "\n".join(str(row[-1]) for row in rows)
    for setting in ("enable_seqscan", "enable_sort") + (() if bitmaps else ("enable_bitmapscan",)):
        connection.exec_driver_sql(f"SET LOCAL {setting} = off")
    return "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}").all())


def test_counts_are_remembered_per_filter_set_for_a_few_seconds(
        db_session: Session, make_mention: Callable[..., Mention]) -> None:
    now = [100.0]
    cache = CountCache(ttl=15, max_entries=2, clock=lambda: now[0])
    make_mention(status="needs_reply", network="reddit")
    assert cache.remembered(QueueFilters(network="reddit")) is None  # never counted: the page asks for them later
    assert cache.counts(db_session, QueueFilters(network="reddit"))[QueueTab.needs_reply] == TabCount(1)
    make_mention(status="needs_reply", network="reddit")
    assert cache.remembered(QueueFilters(network="reddit", sort=QueueSort.negative)) is not None
    # Another tab or sort of the same filters: the same counts, not counted again.
    same = QueueFilters(network="reddit", tab=QueueTab.posted, sort=QueueSort.waiting)
    assert cache.counts(db_session, same)[QueueTab.needs_reply] == TabCount(1)
    assert cache.counts(db_session, QueueFilters())[QueueTab.needs_reply] == TabCount(2)  # other filters: counted
    now[0] += 15
    assert cache.remembered(same) is None
    assert cache.counts(db_session, same)[QueueTab.needs_reply] == TabCount(2)  # expired: counted again
    cache.counts(db_session, QueueFilters(network="x"))
    cache.counts(db_session, QueueFilters(network="gbp"))
    assert len(cache._entries) == 2  # the least recently stored filter sets are forgotten


def _id(mention: Mention) -> int:
    assert mention.id is not None
    return mention.id
