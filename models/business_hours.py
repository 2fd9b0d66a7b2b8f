"""The workspace's business calendar: which hours count when a response time or an SLA is measured.

Business time is the time inside the opening hours of business days (in the workspace's time zone), holidays
(HOLIDAYS, and HOLIDAY_COUNTRY's public holidays: models.public_holidays) excluded. A mention at 23:50 on a
Friday answered at 09:10 on Monday took 10 business minutes (Mon-Fri 09:00-17:00).
Imported by reports (SQL durations), alerts (a complaint unanswered past N business hours) and saved replies'
{next_business_day}; no Flask here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models.public_holidays import is_public_closure, parse_country

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The longest a search for a deadline walks forward: a calendar with no business day in it never reaches one.
MAX_SEARCH_DAYS = 3 * 366


class CalendarSettings(Protocol):
    """What the calendar reads from settings.Settings (a test may pass any object with these)."""

    @property
    def workspace_timezone(self) -> str: ...

    @property
    def business_days(self) -> str: ...

    @property
    def business_hours(self) -> str: ...

    @property
    def holidays(self) -> str: ...

    @property
    def sla_business_hours(self) -> float: ...

    @property
    def holiday_country(self) -> str: ...

    @property
    def year_end_closure(self) -> bool: ...


def parse_timezone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {text!r}; expected an IANA name such as Europe/Paris or UTC") from None


def parse_days(text: str) -> frozenset[int]:
    """"mon-fri", "mon,wed,fri", "sun-thu", "mon-fri,sun" as weekday numbers (0 = Monday)."""
    days: set[int] = set()
    for part in (piece.strip().lower() for piece in text.split(",")):
        first, _, last = part.partition("-")
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise ValueError(f"invalid business days {text!r}; expected day names like mon-fri or mon,wed,fri")
        start, end = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        days.update((start + offset) % 7 for offset in range((end - start) % 7 + 1))
    return frozenset(days)


def parse_hours(text: str) -> tuple[time, time | None]:
    """"09:00-17:00" as (opens, closes); closing "24:00" is returned as None (the end of the day)."""
    opens_text, dash, closes_text = text.strip().partition("-")
    try:
        if not dash:
            raise ValueError
        opens = time.fromisoformat(opens_text.strip())
        closes = None if closes_text.strip() == "24:00" else time.fromisoformat(closes_text.strip())
    except ValueError:
        raise ValueError(f"invalid business hours {text!r}; expected opening-closing such as 09:00-17:00") from None
    if closes is not None and closes <= opens:
        raise ValueError(f"invalid business hours {text!r}: closing must be after opening on the same day "
                         "(use 24:00 for midnight)")
    return opens, closes


def parse_holidays(text: str) -> frozenset[date]:
    """"2026-12-25, 2027-01-01" as dates; empty text for none."""
    holidays: set[date] = set()
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        try:
            holidays.add(date.fromisoformat(part))
        except ValueError:
            raise ValueError(f"invalid holiday {part!r}; expected an ISO date such as 2026-12-25") from None
    return frozenset(holidays)


@dataclass(frozen=True)
class BusinessCalendar:
    zone: ZoneInfo
    days: frozenset[int]  # weekday numbers, 0 = Monday
    opens: time
    closes: time | None  # None: midnight at the end of the day
    holidays: frozenset[date] = frozenset()
    country: str = ""  # upper-case ISO code whose public holidays are closed (models.public_holidays); "" for none
    year_end_closure: bool = True  # with country JP: 29 Dec - 3 Jan is closed too

    @classmethod
    def from_text(cls, *, timezone_name: str = "UTC", days: str = "mon-fri", hours: str = "09:00-17:00",
                  holidays: str = "", country: str = "", year_end_closure: bool = True) -> BusinessCalendar:
        opens, closes = parse_hours(hours)
        return cls(parse_timezone(timezone_name), parse_days(days), opens, closes, parse_holidays(holidays),
                   parse_country(country), year_end_closure)

    @classmethod
    def from_settings(cls, settings: CalendarSettings) -> BusinessCalendar:
        return cls.from_text(timezone_name=settings.workspace_timezone, days=settings.business_days,
                             hours=settings.business_hours, holidays=settings.holidays,
                             country=settings.holiday_country, year_end_closure=settings.year_end_closure)

    def is_business_day(self, day: date) -> bool:
        return (day.weekday() in self.days and day not in self.holidays
                and not is_public_closure(day, self.country, year_end_closure=self.year_end_closure))

    def opening(self, day: date) -> tuple[datetime, datetime] | None:
        """The business interval of a local day as UTC times, or None when it is not a business day. Opening and
        closing are local wall-clock times, so after a DST change the interval keeps its local hours."""
        if not self.is_business_day(day):
            return None
        start = datetime.combine(day, self.opens, tzinfo=self.zone).astimezone(timezone.utc)
        end_local = (datetime.combine(day, self.closes, tzinfo=self.zone) if self.closes is not None
                     else datetime.combine(day + timedelta(days=1), time(), tzinfo=self.zone))
        return start, end_local.astimezone(timezone.utc)

    def intervals(self, since: datetime, until: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The business intervals (UTC) of every local day that overlaps [since, until), unclipped."""
        day = since.astimezone(self.zone).date() - timedelta(days=1)
        last = until.astimezone(self.zone).date() + timedelta(days=1)
        while day <= last:
            if (interval := self.opening(day)) is not None:
                yield interval
            day += timedelta(days=1)

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Business seconds between two aware times (0 when end is not after start)."""
        if end <= start:
            return 0.0
        total = 0.0
        for opens, closes in self.intervals(start, end):
            overlap = (min(closes, end) - max(opens, start)).total_seconds()
            total += max(overlap, 0.0)
        return total

    def business_minutes(self, start: datetime, end: datetime) -> float:
        return self.business_seconds(start, end) / 60.0

    def add_business_time(self, start: datetime, amount: timedelta) -> datetime:
        """The moment `amount` of business time after `start` (start itself for zero or less)."""
        left = amount.total_seconds()
        if left <= 0:
            return start
        day = start.astimezone(self.zone).date()
        for _ in range(MAX_SEARCH_DAYS):
            if (interval := self.opening(day)) is not None:
                opens, closes = max(interval[0], start), interval[1]
                available = (closes - opens).total_seconds()
                if available >= left:
                    return opens + timedelta(seconds=left)
                left -= max(available, 0.0)
            day += timedelta(days=1)
        raise ValueError("the business calendar has no business hours within three years")

    def overdue_before(self, now: datetime, amount: timedelta) -> datetime:
        """The latest creation time whose `amount` of business time has fully passed by `now`: a mention created
        before it and still unanswered is overdue (use as `created_at < cutoff`, an index range). Walks back."""
        left = amount.total_seconds()
        if left <= 0:
            return now
        day = now.astimezone(self.zone).date()
        for _ in range(MAX_SEARCH_DAYS):
            if (interval := self.opening(day)) is not None:
                opens, closes = interval[0], min(interval[1], now)
                available = (closes - opens).total_seconds()
                if available > 0 and available >= left:
                    return closes - timedelta(seconds=left)
                left -= max(available, 0.0)
            day -= timedelta(days=1)
        raise ValueError("the business calendar has no business hours within three years")
