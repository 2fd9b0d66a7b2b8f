"""The review queue as plain queries: tabs, filters and keyset pagination on (created_at desc, id desc)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, select

from listener.networks import NETWORKS
from models import Mention, MentionStatus, Reply, ReplyStatus, Source

PAGE_SIZE = 50
SENTIMENTS = ("positive", "neutral", "negative")


class QueueTab(StrEnum):
    needs_reply = "needs_reply"
    awaiting = "awaiting"
    manual = "manual"
    posted = "posted"
    no_reply = "no_reply"


TAB_LABELS = {
    QueueTab.needs_reply: "Needs reply",
    QueueTab.awaiting: "Awaiting approval",
    QueueTab.manual: "Ready to paste",
    QueueTab.posted: "Posted",
    QueueTab.no_reply: "No reply needed",
}


@dataclass(frozen=True)
class Cursor:
    """Position after the last row shown: the next page starts strictly below (created_at, id)."""

    created_at: datetime
    id: int

    def encode(self) -> str:
        return f"{self.created_at.isoformat()}|{self.id}"

    @classmethod
    def decode(cls, raw: str) -> Cursor:
        stamp, separator, raw_id = raw.rpartition("|")
        if not separator or not raw_id.isdigit():
            raise ValueError("the page cursor must look like <iso time>|<id>")
        created_at = datetime.fromisoformat(stamp)
        if created_at.tzinfo is None:
            raise ValueError("the page cursor's time must carry a timezone")
        return cls(created_at, int(raw_id))


@dataclass(frozen=True)
class QueueFilters:
    tab: QueueTab = QueueTab.needs_reply
    network: str | None = None
    sentiment: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class QueueRow:
    mention: Mention
    reply_status: str | None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow] = field(default_factory=list)
    next_cursor: Cursor | None = None


def queue_page(session: Session, filters: QueueFilters, *, before: Cursor | None = None,
               limit: int = PAGE_SIZE) -> QueuePage:
    statement = select(Mention).where(_tab_condition(filters.tab), *_filter_conditions(filters))
    if before is not None:
        statement = statement.where(_older_than(before))
    statement = statement.order_by(col(Mention.created_at).desc(), col(Mention.id).desc()).limit(limit + 1)
    mentions = list(session.exec(statement).all())
    page, has_more = mentions[:limit], len(mentions) > limit
    statuses = latest_reply_statuses(session, [_id(mention) for mention in page])
    rows = [QueueRow(mention, statuses.get(_id(mention))) for mention in page]
    next_cursor = Cursor(page[-1].created_at, _id(page[-1])) if has_more else None
    return QueuePage(rows, next_cursor)


def latest_reply_statuses(session: Session, mention_ids: Sequence[int]) -> dict[int, str]:
    if not mention_ids:
        return {}
    statement = (select(Reply.mention_id, Reply.status).where(col(Reply.mention_id).in_(mention_ids))
                 .order_by(col(Reply.id)))
    # Ordered by id, so the newest reply of each mention is written last and wins.
    return {mention_id: status for mention_id, status in session.exec(statement).all()}


def known_networks(session: Session) -> list[str]:
    configured = session.exec(select(Source.network).distinct()).all()
    # Sources may be configured for a network added after this release; their mentions stay filterable.
    return sorted(set(NETWORKS) | set(configured))


def _tab_condition(tab: QueueTab) -> sa.ColumnElement[bool]:
    if tab is QueueTab.awaiting:
        return _has_reply_in(ReplyStatus.draft)
    if tab is QueueTab.manual:
        return _has_reply_in(ReplyStatus.manual)
    mention_status = {
        QueueTab.needs_reply: MentionStatus.needs_reply,
        QueueTab.posted: MentionStatus.replied,
        QueueTab.no_reply: MentionStatus.no_reply,
    }[tab]
    return col(Mention.status) == mention_status.value


def _has_reply_in(status: ReplyStatus) -> sa.ColumnElement[bool]:
    return sa.exists().where(col(Reply.mention_id) == col(Mention.id), col(Reply.status) == status.value)


def _filter_conditions(filters: QueueFilters) -> list[sa.ColumnElement[bool]]:
    conditions = []
    if filters.network:
        conditions.append(col(Mention.network) == filters.network)
    if filters.sentiment:
        conditions.append(col(Mention.sentiment) == filters.sentiment)
    if filters.language:
        conditions.append(col(Mention.language) == filters.language)
    return conditions


def _older_than(cursor: Cursor) -> sa.ColumnElement[bool]:
    # Spelled out rather than a row-value comparison so every backend can use ix_mention_status_created.
    created_at, mention_id = col(Mention.created_at), col(Mention.id)
    return sa.or_(created_at < cursor.created_at, sa.and_(created_at == cursor.created_at, mention_id < cursor.id))


def _id(mention: Mention) -> int:
    assert mention.id is not None  # rows read from the database always have one
    return mention.id
