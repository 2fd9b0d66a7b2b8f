"""Business seconds between two timestamps, in SQL.

The business calendar becomes a small derived table, one row per local day of the span (built in Python from
models.business_hours): the day's key, its opening and closing as epoch seconds, and the business seconds of every
earlier day in the span. The business time up to a moment t is then

    B(t) = before + clamp(epoch(t) - opens, 0, closes - opens)     (the row of t's local day)

and the business time between created and answered is B(answered) - B(created): two equality joins, no range
join, whatever the number of mentions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from models.business_hours import BusinessCalendar
from reports.clock import LocalClock, day_of_number, epoch_seconds, local_day_number


@dataclass(frozen=True)
class BusinessDay:
    key: int  # local day number (reports.clock)
    opens: float  # epoch seconds; opens == closes on a day off
    closes: float
    before: float  # business seconds of the span's earlier days


@dataclass(frozen=True)
class BusinessTable:
    days: tuple[BusinessDay, ...]
    clock: LocalClock

    @classmethod
    def covering(cls, calendar: BusinessCalendar, clock: LocalClock, since: datetime,
                 until: datetime) -> BusinessTable:
        first = local_day_number(since.astimezone(calendar.zone).date()) - 1
        last = local_day_number(until.astimezone(calendar.zone).date()) + 1
        days, before = [], 0.0
        for key in range(first, last + 1):
            opening = calendar.opening(day_of_number(key))
            if opening is None:
                days.append(BusinessDay(key, 0.0, 0.0, before))
                continue
            opens, closes = epoch_seconds(opening[0]), epoch_seconds(opening[1])
            days.append(BusinessDay(key, opens, closes, before))
            before += closes - opens
        return cls(tuple(days), clock)

    def cte(self, name: str) -> sa.CTE:
        columns = (sa.column("day", sa.Integer), sa.column("opens", sa.Float), sa.column("closes", sa.Float),
                   sa.column("before", sa.Float))
        rows = [(day.key, day.opens, day.closes, day.before) for day in self.days]
        return sa.values(*columns, name=name).data(rows).cte(name)

    def seconds_up_to(self, day_row: Any, column: Any) -> sa.ColumnElement[float]:
        """B(column), given the table's row joined on `self.clock.local_day(column) == day_row.c.day`."""
        dialect = self.clock.dialect
        into_day = dialect.greatest(sa.literal(0.0), dialect.least(
            dialect.epoch(column) - day_row.c.opens, day_row.c.closes - day_row.c.opens))
        return day_row.c.before + into_day

    def seconds_up_to_moment(self, moment: datetime) -> float:
        """B(moment) in Python, for a fixed time such as now; the span must cover it."""
        key = local_day_number(moment.astimezone(self.clock.zone).date())
        row = next((day for day in self.days if day.key == key), None)
        if row is None:
            after = bool(self.days) and key > self.days[-1].key
            return self.days[-1].before + (self.days[-1].closes - self.days[-1].opens) if after else 0.0
        return row.before + max(0.0, min(epoch_seconds(moment) - row.opens, row.closes - row.opens))
