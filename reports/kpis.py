"""Quick KPIs over a window without a business calendar (the API's summary): the same definitions and SQL
building blocks as the full report (reports.report.build_report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from models import Mention, Reply, ReplyStatus
from models.mention import sql_constant
from reports.clock import Dialect
from reports.percentiles import grouped_percentiles
from reports.responsiveness import needed_a_reply
from reports.scope import in_range


@dataclass(frozen=True)
class SentimentCount:
    network: str
    sentiment: str
    mentions: int


def sentiment_by_network(session: Session, *, since: datetime, until: datetime) -> list[SentimentCount]:
    statement = (
        select(Mention.network, col(Mention.sentiment), func.count())
        .where(*in_range(since, until), col(Mention.sentiment).is_not(None))
        .group_by(col(Mention.network), col(Mention.sentiment))
        .order_by(col(Mention.network), col(Mention.sentiment))
    )
    return [SentimentCount(network, sentiment or "", count) for network, sentiment, count in session.exec(statement)]


def _first_posted(since: datetime, until: datetime) -> sa.Subquery:
    return (sa.select(col(Reply.mention_id).label("mention_id"), func.min(col(Reply.posted_at)).label("posted_at"))
            .join(Mention, col(Mention.id) == col(Reply.mention_id))
            .where(*in_range(since, until), col(Reply.status) == sql_constant(ReplyStatus.posted.value),
                   col(Reply.posted_at).is_not(None))
            .group_by(col(Reply.mention_id)).subquery("first_posted"))


def response_rate(session: Session, *, since: datetime, until: datetime) -> float | None:
    """Share of the mentions that needed a reply (status needs_reply or replied, or answered anyway) that got one
    posted; None when none needed one."""
    first = _first_posted(since, until)
    answered = first.c.mention_id.is_not(None)
    needed = needed_a_reply(first.c.posted_at)
    row = session.execute(sa.select(func.count().label("needed"),
                                    func.coalesce(func.sum(sa.case((answered, 1), else_=0)), 0).label("answered"))
                          .select_from(Mention).outerjoin(first, first.c.mention_id == col(Mention.id))
                          .where(*in_range(since, until), needed)).one()
    return None if not row.needed else int(row.answered) / int(row.needed)


@dataclass(frozen=True)
class ResponseTime:
    """Hours from a mention being created to its first reply being posted (calendar hours, not business ones),
    over the mentions answered."""

    count: int
    median_hours: float | None
    p90_hours: float | None


def response_time(session: Session, *, since: datetime, until: datetime) -> ResponseTime:
    first = _first_posted(since, until)
    dialect = Dialect(session.get_bind().dialect.name)
    hours = ((dialect.epoch(first.c.posted_at) - dialect.epoch(col(Mention.created_at))) / 3600.0).label("hours")
    timed = sa.select(hours).join(first, first.c.mention_id == col(Mention.id)).subquery("timed")
    count = session.execute(sa.select(func.count()).select_from(timed)).scalar_one()
    if not count:
        return ResponseTime(0, None, None)
    median, p90 = grouped_percentiles(session, timed, [], "hours")[()]
    return ResponseTime(int(count), median, p90)
