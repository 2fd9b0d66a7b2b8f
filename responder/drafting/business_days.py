"""`{next_business_day}` and `{reply_window}`: promises a reply makes about time, from the workspace's calendar.

The calendar is models.business_hours.BusinessCalendar (BUSINESS_DAYS, BUSINESS_HOURS, HOLIDAYS, WORKSPACE_TIMEZONE,
and HOLIDAY_COUNTRY's public holidays with Japan's 年末年始 closure: models.public_holidays), the same calendar
reports and the SLA alert rule measure with.

{reply_window} says when the customer hears back: "today" while today is a business day with at least an hour
of opening left, otherwise "by the next business day", so a reply drafted on Friday evening or during 설 never
promises 本日中に / 오늘 중으로.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from models.business_hours import MAX_SEARCH_DAYS, BusinessCalendar

TODAY_MARGIN = timedelta(hours=1)  # "today" only with at least this much of the day's opening hours left
JA_WEEKDAYS = "月火水木金土日"
KO_WEEKDAYS = "월화수목금토일"
EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
REPLY_WINDOW = {"ja": ("本日中に", "翌営業日までに"), "ko": ("오늘 중으로", "다음 영업일까지"),
                "en": ("today", "by the next business day")}


@dataclass(frozen=True)
class BusinessDays:
    """The workspace calendar, its country's holidays and closures included, as promises in a reply."""

    calendar: BusinessCalendar

    def is_open(self, day: date) -> bool:
        return self.calendar.is_business_day(day)

    def next_business_day(self, now: datetime) -> date | None:
        """The first business day after today (in the workspace's zone), None when none comes within three years."""
        day = now.astimezone(self.calendar.zone).date()
        for _ in range(MAX_SEARCH_DAYS):
            day += timedelta(days=1)
            if self.is_open(day):
                return day
        return None

    def answers_today(self, now: datetime) -> bool:
        """Today is a business day and at least TODAY_MARGIN of its opening hours is still ahead."""
        local = now.astimezone(self.calendar.zone)
        if not self.is_open(local.date()):
            return False
        closes = self.calendar.closes
        end = (datetime.combine(local.date(), closes, tzinfo=self.calendar.zone) if closes is not None
               else datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=self.calendar.zone))
        return local + TODAY_MARGIN <= end


def format_day(day: date, language: str) -> str:
    """ja "12月7日(月)", ko "12월 7일(월)", en "Monday 7 December"."""
    if language == "ja":
        return f"{day.month}月{day.day}日({JA_WEEKDAYS[day.weekday()]})"
    if language == "ko":
        return f"{day.month}월 {day.day}일({KO_WEEKDAYS[day.weekday()]})"
    return f"{EN_WEEKDAYS[day.weekday()]} {day.day} {EN_MONTHS[day.month - 1]}"


def next_business_day_text(days: BusinessDays, now: datetime, language: str) -> str:
    """{next_business_day} in `language`; "" (left visible, blocking approval) when the calendar has none."""
    day = days.next_business_day(now)
    return format_day(day, language) if day is not None else ""


def reply_window_text(days: BusinessDays, now: datetime, language: str) -> str:
    today, later = REPLY_WINDOW.get(language, REPLY_WINDOW["en"])
    return today if days.answers_today(now) else later
