"""HOLIDAY_COUNTRY in the business calendar: a public holiday of the country is a day off for business minutes,
the SLA cutoff and the reports' first-response time, alongside HOLIDAYS; an unknown country stops the settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlmodel import Session

from models import Mention, Reply
from models.business_hours import BusinessCalendar
from models.public_holidays import UnknownHolidayCountry, country_holidays
from reports.business_sql import BusinessTable
from reports.clock import Dialect, LocalClock
from reports.report import build_report
from reports.request import ReportRequest
from settings import Settings
from tests.reports.test_report import Calendar

TOKYO = ZoneInfo("Asia/Tokyo")
# 2026-11-03 (Tuesday) is 文化の日, a Japanese national holiday.
MONDAY_LATE = datetime(2026, 11, 2, 16, 50, tzinfo=TOKYO)
WEDNESDAY_EARLY = datetime(2026, 11, 4, 9, 10, tzinfo=TOKYO)


def tokyo(**fields: object) -> BusinessCalendar:
    return BusinessCalendar.from_settings(Settings(workspace_timezone="Asia/Tokyo", **fields))  # type: ignore[arg-type]


def test_a_public_holiday_of_the_country_is_a_day_off_for_sla_minutes() -> None:
    assert tokyo().business_minutes(MONDAY_LATE, WEDNESDAY_EARLY) == 10 + 8 * 60 + 10
    japan = tokyo(holiday_country="jp")
    assert not japan.is_business_day(date(2026, 11, 3)) and japan.opening(date(2026, 11, 3)) is None
    assert japan.business_minutes(MONDAY_LATE, WEDNESDAY_EARLY) == 20
    assert tokyo(holiday_country="KR").business_minutes(MONDAY_LATE, WEDNESDAY_EARLY) == 10 + 8 * 60 + 10


def test_the_sla_cutoff_and_deadline_skip_the_public_holiday() -> None:
    japan = tokyo(holiday_country="JP")
    wednesday_ten = datetime(2026, 11, 4, 10, 0, tzinfo=TOKYO)
    monday_two = datetime(2026, 11, 2, 14, 0, tzinfo=TOKYO)
    assert japan.overdue_before(wednesday_ten, timedelta(hours=4)) == monday_two
    assert japan.add_business_time(monday_two, timedelta(hours=4)) == wednesday_ten


def test_holidays_still_count_alongside_the_country() -> None:
    both = tokyo(holiday_country="JP", holidays="2026-11-04")
    assert not both.is_business_day(date(2026, 11, 3)) and not both.is_business_day(date(2026, 11, 4))
    assert both.business_minutes(MONDAY_LATE, WEDNESDAY_EARLY) == 10
    assert not tokyo(holidays="2026-11-04").is_business_day(date(2026, 11, 4))


def test_the_japanese_year_end_closure_follows_its_setting() -> None:
    assert not tokyo(holiday_country="JP").is_business_day(date(2026, 12, 29))
    assert tokyo(holiday_country="JP", year_end_closure=False).is_business_day(date(2026, 12, 29))
    assert tokyo(holiday_country="KR").is_business_day(date(2026, 12, 29))


def test_an_unknown_country_is_refused_clearly() -> None:
    with pytest.raises(ValidationError, match="HOLIDAY_COUNTRY: unknown holiday country 'XX'"):
        Settings(holiday_country="XX")
    with pytest.raises(UnknownHolidayCountry, match="such as JP, KR or US"):
        BusinessCalendar.from_text(country="Japan")
    assert BusinessCalendar.from_text(country=" kr ").country == "KR"


def test_a_two_year_report_table_computes_each_year_once() -> None:
    country_holidays.cache_clear()
    calendar = tokyo(holiday_country="JP")
    since, until = datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2026, 12, 31, tzinfo=timezone.utc)
    clock = LocalClock.covering(calendar.zone, Dialect("sqlite"), since, until)
    table = BusinessTable.covering(calendar, clock, since, until)
    assert len(table.days) > 700
    info = country_holidays.cache_info()
    assert info.misses <= 3 and info.hits > 400  # one look-up per weekday


def test_the_reports_first_response_time_skips_the_public_holiday(db_session: Session,
                                                                   make_mention: Callable[..., Mention]) -> None:
    mention = make_mention(status="replied", created_at=MONDAY_LATE.astimezone(timezone.utc))
    db_session.add(Reply(mention_id=mention.id or 0, text="Hi", status="posted",
                         posted_at=WEDNESDAY_EARLY.astimezone(timezone.utc)))
    db_session.flush()
    request = ReportRequest(datetime(2026, 11, 1, tzinfo=TOKYO), datetime(2026, 11, 8, tzinfo=TOKYO),
                            timezone="Asia/Tokyo")
    for calendar, minutes in ((Calendar("Asia/Tokyo", holiday_country="JP"), 20), (Calendar("Asia/Tokyo"), 500)):
        report = build_report(db_session, request, calendar, now=datetime(2026, 11, 20, tzinfo=timezone.utc))
        assert report.responsiveness.current.median_minutes == pytest.approx(minutes, abs=1e-3)
