"""Which period a digest reports on: the last complete week (Monday to Sunday) or calendar month, counted in the
workspace's time zone, so a weekly digest sent on Monday covers the week the team just worked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.report_digest import DigestFrequency


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # included

    @property
    def key(self) -> str:
        return self.first.isoformat()

    def start(self, zone: ZoneInfo) -> datetime:
        return datetime.combine(self.first, time(), zone)

    def end(self, zone: ZoneInfo) -> datetime:
        """The instant the period is over (midnight after its last day), an aware datetime."""
        return datetime.combine(self.last + timedelta(days=1), time(), zone)

    def label(self) -> str:
        if self.first.day == 1 and (self.last + timedelta(days=1)).day == 1:
            return self.first.strftime("%B %Y")
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def last_complete_period(frequency: DigestFrequency, now: datetime, zone: ZoneInfo) -> Period:
    today = now.astimezone(zone).date()
    if frequency is DigestFrequency.weekly:
        this_monday = today - timedelta(days=today.weekday())
        return Period(this_monday - timedelta(days=7), this_monday - timedelta(days=1))
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    return Period(last_month_end.replace(day=1), last_month_end)


def period_from_key(frequency: DigestFrequency, key: str) -> Period:
    first = date.fromisoformat(key)
    if frequency is DigestFrequency.weekly:
        return Period(first, first + timedelta(days=6))
    next_month = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Period(first, next_month - timedelta(days=1))
