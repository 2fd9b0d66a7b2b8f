"""KPI queries. Each is one SQL aggregate over indexed columns, never a Python loop over rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from models import Mention, MentionStatus, Reply, ReplyStatus


@dataclass(frozen=True)
class SentimentCount:
    network: str
    sentiment: str
    mentions: int


def _in_window(since: datetime, until: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(col(Mention.created_at) >= since, col(Mention.created_at) < until)


def sentiment_by_network(session: Session, *, since: datetime, until: datetime) -> list[SentimentCount]:
    statement = (
        select(Mention.network, col(Mention.sentiment), func.count())
        .where(_in_window(since, until), col(Mention.sentiment).is_not(None))
        .group_by(col(Mention.network), col(Mention.sentiment))
        .order_by(col(Mention.network), col(Mention.sentiment))
    )
    return [SentimentCount(network, sentiment or "", count) for network, sentiment, count in session.exec(statement)]


def response_rate(session: Session, *, since: datetime, until: datetime) -> float | None:
    """Share of mentions that needed an answer and got one posted; None when none needed one."""
    answerable = [MentionStatus.needs_reply.value, MentionStatus.replied.value]
    needed = session.exec(
        select(func.count()).where(_in_window(since, until), col(Mention.status).in_(answerable))
    ).one()
    answered = session.exec(
        select(func.count(sa.distinct(col(Reply.mention_id))))
        .join(Mention, col(Mention.id) == col(Reply.mention_id))
        .where(_in_window(since, until), col(Reply.status) == ReplyStatus.posted.value)
    ).one()
    return None if not needed else answered / needed
