"""The report's plain counts from report_mention_hour (models.report_mention_hour, kept by triggers) instead of the
mentions, when that gives exactly the same figures:

- the filters are ones the rollup has as columns (network, language) or none: a source (heard by, through
  mention_source), sentiment, complaint, rating, topic or search filter reads the mentions;
- both periods start and end on whole UTC hours, and the report's zone is a whole number of hours from UTC, with
  its changes on whole hours, over the span: every mention of a UTC hour then falls in the same local hour, day,
  week and weekday as the hour's start.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import col

from models.report_mention_hour import ReportMentionHour
from reports.clock import HOUR_SECONDS, Dialect, LocalClock, epoch_seconds
from reports.request import ReportRequest, zone_named

if TYPE_CHECKING:
    from reports.context import ReportContext

Hour = ReportMentionHour
MEASURES = ("mentions", "positive", "neutral", "negative", "complaints", "rated", "rating_sum",
            "stars_1", "stars_2", "stars_3", "stars_4", "stars_5")


def usable(context: ReportContext) -> bool:
    return _usable(context.request, context.previous, context.clock)


def usable_for(request: ReportRequest, zone_name: str) -> bool:
    """usable() before a context exists (for tests and the benchmark's notes)."""
    from reports.context import CLOCK_MARGIN

    previous = request.previous()
    clock = LocalClock.covering(zone_named(zone_name), Dialect("postgresql"), previous.since - CLOCK_MARGIN,
                                request.until + CLOCK_MARGIN)
    return _usable(request, previous, clock)


def _usable(request: ReportRequest, previous: ReportRequest, clock: LocalClock) -> bool:
    filters = request.filters
    others = (filters.source_id, filters.sentiment, filters.complaint, filters.question, filters.rating)
    if any(value is not None for value in others) or filters.topic or filters.q:
        return False
    bounds = (request.since, request.until, previous.since, previous.until)
    return all(_whole_hour(moment) for moment in bounds) and _whole_hours(clock)


def _whole_hour(moment: datetime) -> bool:
    return epoch_seconds(moment) % HOUR_SECONDS == 0


def _whole_hours(clock: LocalClock) -> bool:
    return all(offset % HOUR_SECONDS == 0 and (start == float("-inf") or start % HOUR_SECONDS == 0)
               for start, offset in clock.offsets)


def keyed_rows(context: ReportContext) -> tuple[sa.Subquery, list[sa.Label[Any]], sa.ColumnElement[bool]]:
    """The rollup's rows of both periods with the columns reports.mention_counts.grouped_counts reads, the sums
    that make MentionCounts of them, and the HAVING that drops a key whose mentions all left it."""
    from reports.buckets import bucket_key

    hour = col(Hour.hour_start)
    filters = context.request.filters
    equal = {col(Hour.network): filters.network, col(Hour.language): filters.language}
    gap = ([] if context.previous.until >= context.request.since
           else [sa.or_(hour < context.previous.until, hour >= context.request.since)])
    cell = context.clock.weekday(hour) * 24 + context.clock.hour_of_day(hour)
    keyed = (sa.select(context.period(hour).label("period"), col(Hour.network).label("network"),
                       col(Hour.language).label("language"), col(Hour.source_id).label("source_id"),
                       bucket_key(context.clock, context.bucket_size, hour).label("bucket"), cell.label("cell"),
                       *(getattr(Hour, name).label(name) for name in MEASURES))
             .where(hour >= context.previous.since, hour < context.request.until, *gap,
                    *(column == value for column, value in equal.items() if value is not None))
             .offset(0).subquery("keyed_hours"))
    sums = [sa.func.coalesce(sa.func.sum(keyed.c[name]), 0).label(name) for name in MEASURES]
    return keyed, sums, sa.func.sum(keyed.c.mentions) > 0


def rebuild(connection: sa.Connection) -> int:
    """Every row recomputed from the mentions (after a load that switched the triggers off); returns the rows
    written. The caller commits."""
    from models import Mention
    from models.mention import sql_constant
    from reports.context import is_complaint

    created, rating, sentiment = col(Mention.created_at), col(Mention.rating), col(Mention.sentiment)
    if connection.dialect.name == "postgresql":
        utc = sa.func.timezone("UTC", created)
        hour: sa.ColumnElement[Any] = sa.func.timezone("UTC", sa.func.date_trunc("hour", utc))
    else:  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' UTC text, as the triggers read it
        hour = sa.func.substr(created, 1, 13).concat(":00:00.000000")

    def counted(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.sum(sa.case((condition, 1), else_=0))

    measures = [sa.func.count(), *(counted(sentiment == sql_constant(label))
                                   for label in ("positive", "neutral", "negative")),
                counted(is_complaint()), sa.func.count(rating), sa.func.coalesce(sa.func.sum(rating), 0),
                *(counted(rating == stars) for stars in range(1, 6))]
    keys = (col(Mention.network), col(Mention.source_id), col(Mention.language))
    select = sa.select(hour, *keys, *measures).group_by(hour, *keys)
    table = Hour.__table__  # type: ignore[attr-defined]
    connection.execute(sa.delete(table))
    names = ["hour_start", "network", "source_id", "language", *MEASURES]
    return int(connection.execute(sa.insert(table).from_select(names, select)).rowcount)
