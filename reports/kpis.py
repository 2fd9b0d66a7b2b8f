"""KPI queries. Each is one SQL aggregate over indexed columns, never a Python loop over rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


@dataclass(frozen=True)
class ResponseTime:
    """Hours from a mention being created to its first reply being posted, over the mentions answered."""

    count: int
    median_hours: float | None
    p90_hours: float | None


def response_time(session: Session, *, since: datetime, until: datetime) -> ResponseTime:
    """Median and 90th percentile (linear interpolation, like numpy's default) of the hours to the first posted
    reply, for mentions created in the window. The database sorts and picks the few rows the percentiles need."""
    answered = _first_posted(session, since, until).subquery()
    count = session.exec(select(func.count()).select_from(answered)).one()
    if not count:
        return ResponseTime(0, None, None)
    ranked = select(answered.c.seconds, func.row_number().over(order_by=answered.c.seconds).label("rank")).subquery()
    wanted = {rank for q in (0.5, 0.9) for rank in _ranks(q, count)}
    picked: dict[int, float] = dict(session.execute(select(ranked.c.rank, ranked.c.seconds)
                                  .where(ranked.c.rank.in_(sorted(wanted)))).all())
    return ResponseTime(count, _percentile(picked, 0.5, count), _percentile(picked, 0.9, count))


def _first_posted(session: Session, since: datetime, until: datetime) -> sa.Select[tuple[int, float]]:
    seconds = _seconds_between(session, col(Mention.created_at), func.min(col(Reply.posted_at)))
    return (select(col(Mention.id), seconds.label("seconds"))  # type: ignore[return-value]
            .join(Reply, col(Reply.mention_id) == col(Mention.id))
            .where(_in_window(since, until), col(Reply.status) == ReplyStatus.posted.value,
                   col(Reply.posted_at).is_not(None))
            .group_by(col(Mention.id), col(Mention.created_at)))


def _seconds_between(session: Session, start: Any, end: Any) -> sa.ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":  # stored as UTC text; julianday counts days
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)


def _ranks(q: float, count: int) -> tuple[int, int]:
    position = q * (count - 1)
    return int(position) + 1, min(int(position) + 2, count)


def _percentile(picked: dict[int, float], q: float, count: int) -> float:
    low, high = _ranks(q, count)
    fraction = q * (count - 1) - (low - 1)
    seconds = float(picked[low]) + (float(picked[high]) - float(picked[low])) * fraction
    return seconds / 3600.0
