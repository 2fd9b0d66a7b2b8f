"""The review queue as plain queries: one page in a tab under filters and a sort, keyset-paginated, and the
count of every tab, capped, in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from inbox.queue.cursor import Cursor, QueueSort, SortKey
from inbox.queue.filters import QueueFilters, filter_conditions
from inbox.queue.tabs import QueueTab, reply_driven, tab_condition
from listener.platforms import NETWORK_NAMES
from listener.sources import reads_many_networks
from models import Mention, Reply, Role, Source, User
from models.mention import negativity

PAGE_SIZE = 50
# Counting a tab costs a walk over its rows; past this many the exact figure would not change what anyone does.
COUNT_CAP = 100
SENTIMENTS = ("positive", "neutral", "negative")
# The tabs where mentions wait on someone, in the order shown: the queue opens on the first that holds any.
WORK_TABS = (QueueTab.needs_reply, QueueTab.awaiting, QueueTab.approved, QueueTab.manual)
STAFF_ROLES = (Role.agent.value, Role.approver.value, Role.admin.value)
APPROVER_ROLES = (Role.approver.value, Role.admin.value)


# Columns a queue card does not show: left out of the card page's query (payload JSON, model details).
NOT_ON_CARDS = ("extra", "reason", "model_name", "model_version", "scored_at", "language_hint", "collected_at", "url",
                "in_reply_to_brand")


@dataclass(frozen=True)
class QueueRow:
    mention: Mention
    reply: Reply | None  # the newest reply, whatever its state

    @property
    def reply_status(self) -> str | None:
        return self.reply.status if self.reply else None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow] = field(default_factory=list)
    next_cursor: Cursor | None = None


@dataclass(frozen=True)
class TabCount:
    """How many mentions a tab holds, exact up to the cap; shown as "100+" beyond it."""

    value: int
    capped: bool = False

    def __str__(self) -> str:
        return f"{self.value:,}+" if self.capped else f"{self.value:,}"


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    role: str


def queue_page(session: Session, filters: QueueFilters, *, after: Cursor | None = None,
               limit: int = PAGE_SIZE, for_cards: bool = False) -> QueuePage:
    """A page of the queue; ``for_cards`` leaves out the columns a card does not show (loaded if touched).

    The page is found first by id and sort key alone, which the queue's indexes answer without reading the table
    (they carry the filtered columns on PostgreSQL); only the page's own rows are then read.
    """
    found = page_keys(filters, after=after, limit=limit + 1).subquery("page_keys")
    statement = select(Mention, found.c.sort_key).join(found, found.c.id == col(Mention.id))
    if for_cards:
        statement = statement.options(*(defer(getattr(Mention, name)) for name in NOT_ON_CARDS))
    keys = (found.c.sort_key, found.c.id)
    in_order = [k.asc() if filters.sort is QueueSort.waiting else k.desc() for k in keys]
    rows_found = list(session.exec(statement.order_by(*in_order)).all())
    page, has_more = rows_found[:limit], len(rows_found) > limit
    replies = latest_replies(session, [_id(mention) for mention, _key in page])
    rows = [QueueRow(mention, replies.get(_id(mention))) for mention, _key in page]
    next_cursor = None
    if has_more:
        last, last_key = page[-1]
        next_cursor = Cursor(filters.sort, _sort_value(last_key), _id(last))
    return QueuePage(rows, next_cursor)


def page_keys(filters: QueueFilters, *, after: Cursor | None, limit: int) -> sa.Select[int, SortKey]:
    """The ids and sort keys of a page's mentions, in order: what the tab's index alone can answer."""
    key = sort_key(filters.sort)
    descending = filters.sort is not QueueSort.waiting
    conditions = [tab_condition(filters.tab), *filter_conditions(filters)]
    statement: sa.Select[int, SortKey] = sa.select(col(Mention.id).label("id"),
                                                   key.label("sort_key")).where(*conditions)
    if (few := reply_driven(filters.tab)) is not None:
        statement = statement.join(*few)
    if after is not None:
        statement = statement.where(_beyond(key, after, descending=descending))
    order = (key.desc(), col(Mention.id).desc()) if descending else (key.asc(), col(Mention.id).asc())
    return statement.order_by(*order).limit(_constant(limit))


def tab_counts(session: Session, filters: QueueFilters, *, cap: int = COUNT_CAP) -> dict[QueueTab, TabCount]:
    """Mentions per tab under the current filters (the tab itself aside), each counted up to `cap`.

    An exact count would read every row of a large tab, and deciding a row's tab probes its replies; a capped
    count stops after cap + 1 rows.
    """
    conditions = filter_conditions(filters)
    counts = [_capped_count(tab, conditions, cap).label(tab.value) for tab in QueueTab]
    row = session.execute(sa.select(*counts)).one()
    return {tab: TabCount(min(int(found), cap), int(found) > cap) for tab, found in zip(QueueTab, row, strict=True)}


def opening_tab(session: Session, filters: QueueFilters, counts: dict[QueueTab, TabCount] | None = None) -> QueueTab:
    """The tab to open when none was asked for: the first work tab holding a mention under the filters (from the
    remembered counts when there are some), else Needs reply. One statement of EXISTS probes, each stopping at
    its first row."""
    if counts is not None:
        found = [counts[tab].value > 0 for tab in WORK_TABS]
    else:
        conditions = filter_conditions(filters)
        probes = [sa.exists(_tab_rows(tab, conditions)).label(tab.value) for tab in WORK_TABS]
        found = [bool(value) for value in session.execute(sa.select(*probes)).one()]
    return next((tab for tab, has_work in zip(WORK_TABS, found, strict=True) if has_work), QueueTab.needs_reply)


def _tab_rows(tab: QueueTab, conditions: list[sa.ColumnElement[bool]]) -> sa.Select[int | None]:
    rows = sa.select(col(Mention.id)).where(tab_condition(tab), *conditions)
    if (few := reply_driven(tab)) is not None:
        rows = rows.join(*few)
    return rows


def _capped_count(tab: QueueTab, conditions: list[sa.ColumnElement[bool]], cap: int) -> sa.ScalarSelect[int]:
    counted = _tab_rows(tab, conditions).limit(_constant(cap + 1)).subquery()
    return sa.select(sa.func.count()).select_from(counted).scalar_subquery()


def sort_key(sort: QueueSort) -> sa.ColumnElement[SortKey]:
    if sort is QueueSort.negative:
        return negativity()  # type: ignore[return-value]
    return col(Mention.created_at)  # type: ignore[return-value]


def _beyond(key: sa.ColumnElement[SortKey], cursor: Cursor, *, descending: bool) -> sa.ColumnElement[bool]:
    # The bare bound on the key is an index range on every backend; a row-value comparison is not, on SQLite.
    mention_id = col(Mention.id)
    if descending:
        return sa.and_(key <= cursor.key, sa.or_(key < cursor.key, mention_id < cursor.id))
    return sa.and_(key >= cursor.key, sa.or_(key > cursor.key, mention_id > cursor.id))


def _constant(value: int) -> sa.BindParameter[int]:
    # Rendered into the SQL: a bound LIMIT in a generic plan is guessed as a tenth of the table.
    return sa.literal(value, literal_execute=True)


def _sort_value(value: object) -> SortKey:
    return float(value) if isinstance(value, (int, float)) else value  # type: ignore[return-value]


def latest_replies(session: Session, mention_ids: Sequence[int]) -> dict[int, Reply]:
    if not mention_ids:
        return {}
    statement = select(Reply).where(col(Reply.mention_id).in_(mention_ids)).order_by(col(Reply.id))
    # Ordered by id, so the newest reply of each mention is written last and wins.
    return {reply.mention_id: reply for reply in session.exec(statement).all()}


def known_sources(session: Session) -> tuple[list[str], list[tuple[int, str]]]:
    """The networks one can filter by and the configured sources (id, name), from one query."""
    rows = session.exec(select(Source.id, Source.name, Source.network, Source.collector)
                        .order_by(col(Source.name), col(Source.id))).all()
    # Sources may be configured for a network added after this release; their mentions stay filterable. A source
    # whose rows each name their own network (import, replay) has only a label there, such as "mixed".
    networks = sorted(set(NETWORK_NAMES) | {network for _id, _name, network, collector in rows
                                       if not reads_many_networks(collector)})
    return networks, [(source_id, name) for source_id, name, _network, _collector in rows if source_id is not None]


def staff(session: Session, roles: Sequence[str] = STAFF_ROLES) -> list[Person]:
    """Active users who can work the queue: the people a mention may be assigned or escalated to."""
    statement = select(User).where(col(User.active), col(User.role).in_(roles)).order_by(col(User.email))
    return [Person(_user_id(user), user.email, user.role) for user in session.exec(statement).all()]


def _id(mention: Mention) -> int:
    assert mention.id is not None  # rows read from the database always have one
    return mention.id


def _user_id(user: User) -> int:
    assert user.id is not None
    return user.id
