"""What every section query shares: the two periods, the filters, the local clock and the business calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from models import Mention
from models.business_hours import BusinessCalendar
from models.complaint import COMPLAINT_THRESHOLD
from models.mention import sql_constant
from reports.buckets import bucket_size_for, buckets
from reports.business_sql import BusinessTable
from reports.clock import Dialect, LocalClock
from reports.report import BucketSize, TimeBucket
from reports.request import ReportRequest
from reports.scope import filter_conditions

CURRENT, PREVIOUS = 1, 0
# The business calendar and offsets reach this far past `now`, for replies stamped a little ahead of the clock.
CLOCK_MARGIN = timedelta(days=2)


@dataclass(frozen=True)
class ReportContext:
    session: Session
    request: ReportRequest
    previous: ReportRequest
    calendar: BusinessCalendar
    sla_seconds: float
    now: datetime
    clock: LocalClock
    business: BusinessTable
    bucket_size: BucketSize
    buckets: tuple[tuple[int, TimeBucket], ...]

    @classmethod
    def create(cls, session: Session, request: ReportRequest, calendar: BusinessCalendar, sla_seconds: float,
               now: datetime) -> ReportContext:
        previous = request.previous()
        dialect = Dialect(session.get_bind().dialect.name)
        start, end = previous.since - CLOCK_MARGIN, max(request.until, now) + CLOCK_MARGIN
        clock = LocalClock.covering(request.zone, dialect, start, end)
        business_clock = clock if calendar.zone.key == request.zone.key else LocalClock.covering(
            calendar.zone, dialect, start, end)
        business = BusinessTable.covering(calendar, business_clock, start, end)
        size = bucket_size_for(request.length)
        return cls(session, request, previous, calendar, sla_seconds, now, clock, business, size,
                   tuple(buckets(size, request.zone, request.since, request.until)))

    @property
    def dialect(self) -> Dialect:
        return self.clock.dialect

    def both_periods(self) -> list[sa.ColumnElement[bool]]:
        """Mentions of the current or the previous period (not always adjacent: today vs yesterday), filtered."""
        created = col(Mention.created_at)
        gap = ([] if self.previous.until >= self.request.since
               else [sa.or_(created < self.previous.until, created >= self.request.since)])
        return [created >= self.previous.since, created < self.request.until, *gap,
                *filter_conditions(self.request.filters)]

    def current_only(self) -> list[sa.ColumnElement[bool]]:
        created = col(Mention.created_at)
        return [created >= self.request.since, created < self.request.until, *filter_conditions(self.request.filters)]

    def period(self, created: Any = None) -> sa.ColumnElement[int]:
        """1 for the current period, 0 for the previous one."""
        column = col(Mention.created_at) if created is None else created
        return sa.case((column >= self.request.since, CURRENT), else_=PREVIOUS)


def is_complaint(column: Any = None) -> sa.ColumnElement[bool]:
    """The complaint model's verdict (models.complaint.complaint_by_score), as SQL."""
    return (col(Mention.complaint) if column is None else column) >= sql_constant(COMPLAINT_THRESHOLD)


def count_where(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    """COUNT(*) FILTER (WHERE ...): cheaper than SUM(CASE ...) on PostgreSQL; SQLite has it since 3.30."""
    return sa.func.count().filter(condition)
