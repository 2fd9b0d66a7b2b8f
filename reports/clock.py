"""Workspace-local time in SQL, the same on SQLite and PostgreSQL.

A timestamp becomes epoch seconds (julianday on SQLite, extract(epoch) on PostgreSQL); local seconds add the
zone's UTC offset, which changes only at the few DST transitions inside the report's span, so a short CASE over
those transitions (found in Python from zoneinfo) gives it. Local hour, day, week, weekday and hour of day are then
integer divisions: equality keys the database groups and joins on, never a Python loop over rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
EPOCH_DAY = date(1970, 1, 1)
DAY_SECONDS = 86400
HOUR_SECONDS = 3600
# 1970-01-01 was a Thursday: adding 3 makes weekday 0 a Monday and weeks start on Mondays.
MONDAY_SHIFT = 3


def epoch_seconds(moment: datetime) -> float:
    return (moment - EPOCH).total_seconds()


@dataclass(frozen=True)
class Dialect:
    """The few SQL spellings that differ between SQLite and PostgreSQL."""

    name: str

    def epoch(self, column: Any) -> sa.ColumnElement[float]:
        if self.name == "sqlite":  # stored as UTC text: whole seconds, plus the milliseconds (julianday's float
            # of days would put a time on the hour a few microseconds before it)
            whole = sa.cast(sa.func.strftime("%s", column), sa.Integer)
            fraction = sa.cast(sa.func.strftime("%f", column), sa.Float) - sa.cast(sa.func.strftime("%S", column),
                                                                                  sa.Integer)
            return sa.cast(whole, sa.Float) + fraction
        return sa.func.date_part("epoch", column)  # double precision; extract() is numeric, and slower

    def floor_div(self, value: Any, divisor: int) -> sa.ColumnElement[int]:
        """floor(value / divisor) as an integer, for the non-negative values here (SQLite's CAST truncates)."""
        if self.name == "sqlite":
            return sa.cast(value / float(divisor), sa.Integer)
        return sa.cast(sa.func.floor(value / float(divisor)), sa.Integer)

    def not_later_than(self, moment: Any, start: Any, delta: timedelta) -> sa.ColumnElement[bool]:
        """moment <= start + delta; on PostgreSQL as timestamp arithmetic, so an index on `moment` can serve it."""
        if self.name == "sqlite":
            return self.epoch(moment) <= self.epoch(start) + delta.total_seconds()
        return sa.and_(moment <= start + sa.literal(delta, sa.Interval()))

    def greatest(self, *values: Any) -> sa.ColumnElement[float]:
        return sa.func.max(*values) if self.name == "sqlite" else sa.func.greatest(*values)

    def least(self, *values: Any) -> sa.ColumnElement[float]:
        return sa.func.min(*values) if self.name == "sqlite" else sa.func.least(*values)


@dataclass(frozen=True)
class LocalClock:
    """UTC offsets of `zone` over a span: [(from epoch second, offset seconds)], the first from minus infinity."""

    zone: ZoneInfo
    dialect: Dialect
    offsets: tuple[tuple[float, int], ...]

    @classmethod
    def covering(cls, zone: ZoneInfo, dialect: Dialect, since: datetime, until: datetime) -> LocalClock:
        return cls(zone, dialect, tuple(offset_changes(zone, since, until)))

    def offset_at(self, moment: datetime) -> int:
        seconds = epoch_seconds(moment)
        return next(offset for start, offset in reversed(self.offsets) if start <= seconds)

    def local_seconds(self, column: Any) -> sa.ColumnElement[float]:
        epoch = self.dialect.epoch(column)
        if len(self.offsets) == 1:
            return epoch + float(self.offsets[0][1])
        whens = [(epoch < start, epoch + float(offset)) for (_s, offset), (start, _o)
                 in zip(self.offsets, self.offsets[1:], strict=False)]
        return sa.case(*whens, else_=epoch + float(self.offsets[-1][1]))

    def local_day(self, column: Any) -> sa.ColumnElement[int]:
        """Days since 1970-01-01 of the local date."""
        return self.dialect.floor_div(self.local_seconds(column), DAY_SECONDS)

    def local_hour(self, column: Any) -> sa.ColumnElement[int]:
        """Hours since 1970-01-01 00:00 local wall-clock time (the repeated hour of a DST fall-back is one)."""
        return self.dialect.floor_div(self.local_seconds(column), HOUR_SECONDS)

    def local_week(self, column: Any) -> sa.ColumnElement[int]:
        """Monday-started weeks since the week of 1970-01-01."""
        return self.dialect.floor_div(self.local_seconds(column) + float(MONDAY_SHIFT * DAY_SECONDS),
                                      7 * DAY_SECONDS)

    def weekday(self, column: Any) -> sa.ColumnElement[int]:
        """0 = Monday .. 6 = Sunday, local."""
        return (self.local_day(column) + MONDAY_SHIFT) % 7

    def hour_of_day(self, column: Any) -> sa.ColumnElement[int]:
        return self.local_hour(column) % 24


def offset_changes(zone: ZoneInfo, since: datetime, until: datetime) -> list[tuple[float, int]]:
    """The zone's offset at `since` and every change up to `until`, to the second (hourly scan, then bisection)."""
    def offset(moment: datetime) -> int:
        utc_offset = moment.astimezone(zone).utcoffset()
        return int(utc_offset.total_seconds()) if utc_offset is not None else 0

    changes: list[tuple[float, int]] = [(float("-inf"), offset(since))]
    step, moment = timedelta(hours=1), since
    while moment < until:
        following = moment + step
        if offset(following) != changes[-1][1]:
            low, high = int(epoch_seconds(moment)), int(epoch_seconds(following))  # old offset at low, new at high
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(EPOCH + timedelta(seconds=middle)) == changes[-1][1] \
                    else (low, middle)
            changes.append((float(high), offset(EPOCH + timedelta(seconds=high))))
        moment = following
    return changes


def local_day_number(day: date) -> int:
    return (day - EPOCH_DAY).days


def day_of_number(number: int) -> date:
    return EPOCH_DAY + timedelta(days=number)
