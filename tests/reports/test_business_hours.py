"""The business calendar: Python against a minute-by-minute count, and the SQL durations against Python."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from models import Mention, Reply
from models.business_hours import BusinessCalendar, parse_days, parse_holidays, parse_hours
from reports.report import build_report
from reports.request import ReportRequest
from tests.reports.test_report import Calendar

ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"]
FRIDAY_NIGHT = datetime(2026, 11, 27, 23, 50, tzinfo=timezone.utc)
MONDAY_MORNING = datetime(2026, 11, 30, 9, 10, tzinfo=timezone.utc)


def test_friday_night_to_monday_morning_is_ten_business_minutes() -> None:
    assert BusinessCalendar.from_text().business_minutes(FRIDAY_NIGHT, MONDAY_MORNING) == 10.0


def test_settings_are_parsed_with_clear_errors() -> None:
    assert parse_days("sun-thu") == frozenset({6, 0, 1, 2, 3})
    assert parse_days("mon,wed,fri") == frozenset({0, 2, 4})
    assert parse_hours("08:30-24:00") == (time(8, 30), None)
    assert parse_holidays(" 2026-12-25, 2027-01-01 ,") == frozenset({date(2026, 12, 25), date(2027, 1, 1)})
    with pytest.raises(ValueError, match="expected day names"):
        parse_days("monday-friday")
    with pytest.raises(ValueError, match="closing must be after opening"):
        parse_hours("17:00-09:00")
    with pytest.raises(ValueError, match="ISO date"):
        parse_holidays("25/12/2026")
    with pytest.raises(ValueError, match="IANA"):
        BusinessCalendar.from_text(timezone_name="Mars/Olympus")


def test_holidays_and_deadlines() -> None:
    calendar = BusinessCalendar.from_text(holidays="2026-11-30")
    assert calendar.business_minutes(FRIDAY_NIGHT, MONDAY_MORNING + timedelta(days=1)) == 10.0
    deadline = calendar.add_business_time(FRIDAY_NIGHT, timedelta(hours=4))
    assert deadline == datetime(2026, 12, 1, 13, 0, tzinfo=timezone.utc)
    cutoff = calendar.overdue_before(deadline, timedelta(hours=4))
    assert calendar.business_minutes(cutoff, deadline) == 240.0
    assert cutoff == datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def _minute_count(calendar: BusinessCalendar, start: datetime, end: datetime) -> float:
    """Business minutes by stepping minute by minute (times here fall on whole minutes)."""
    minutes, moment = 0, start
    while moment < end:
        local = moment.astimezone(calendar.zone)
        closes = calendar.closes or time.max
        if calendar.is_business_day(local.date()) and calendar.opens <= local.time().replace(tzinfo=None) < closes:
            minutes += 1
        moment += timedelta(minutes=1)
    return float(minutes)


calendars = st.builds(
    lambda zone, days, opens, length, holiday: BusinessCalendar.from_text(
        timezone_name=zone, days=days, hours=f"{opens:02d}:00-" + (
            "24:00" if opens + length >= 24 else f"{opens + length:02d}:30"),
        holidays=holiday),
    st.sampled_from(ZONES), st.sampled_from(["mon-fri", "sun-thu", "mon,wed,sat", "mon-sun"]),
    st.integers(0, 20), st.integers(1, 24), st.sampled_from(["", "2026-03-09,2026-11-02", "2026-10-26"]))
moments = st.integers(0, 60 * 24 * 40).map(
    lambda minutes: datetime(2026, 3, 1, tzinfo=timezone.utc) + timedelta(minutes=minutes) if minutes % 2
    else datetime(2026, 10, 20, tzinfo=timezone.utc) + timedelta(minutes=minutes // 4))


@settings(max_examples=60, deadline=None)
@given(calendars, moments, st.integers(0, 60 * 24 * 6))
def test_business_minutes_match_a_minute_by_minute_count(calendar: BusinessCalendar, start: datetime,
                                                         span: int) -> None:
    end = start + timedelta(minutes=span)
    assert calendar.business_minutes(start, end) == _minute_count(calendar, start, end)


@settings(max_examples=60, deadline=None)
@given(calendars, moments, st.integers(1, 60 * 20))
def test_deadlines_and_cutoffs_invert_business_minutes(calendar: BusinessCalendar, start: datetime,
                                                       minutes: int) -> None:
    deadline = calendar.add_business_time(start, timedelta(minutes=minutes))
    assert calendar.business_minutes(start, deadline) == pytest.approx(minutes)
    cutoff = calendar.overdue_before(deadline, timedelta(minutes=minutes))
    assert calendar.business_minutes(cutoff, deadline) == pytest.approx(minutes)
    assert cutoff >= start


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(ZONES), st.sampled_from(["mon-fri", "sun-thu", "mon-sun"]),
       st.sampled_from(["09:00-17:00", "00:00-24:00", "01:30-03:30", "22:00-24:00"]),
       st.lists(st.tuples(st.integers(0, 60 * 24 * 20), st.integers(0, 60 * 24 * 8)), min_size=1, max_size=12))
def test_sql_first_response_minutes_match_the_calendar(db_session: Session, make_mention: Callable[..., Mention],
                                                       zone: str, days: str, hours: str,
                                                       pairs: list[tuple[int, int]]) -> None:
    """Across DST changes (March and late October / early November 2026) in zones with half-hour and
    45-minute offsets."""
    settings_ = Calendar(zone, days, hours, "2026-10-26,2026-11-02")
    calendar = BusinessCalendar.from_settings(settings_)
    start = datetime(2026, 10, 20, tzinfo=timezone.utc) if len(pairs) % 2 else datetime(2026, 3, 1, tzinfo=timezone.utc)
    savepoint = db_session.begin_nested()
    expected = []
    for offset, wait in pairs:
        mention = make_mention(status="replied", created_at=start + timedelta(minutes=offset))
        db_session.add(Reply(mention_id=mention.id or 0, text="Hi", status="posted",
                             posted_at=mention.created_at + timedelta(minutes=wait)))
        expected.append(calendar.business_minutes(mention.created_at, mention.created_at + timedelta(minutes=wait)))
    db_session.flush()
    request = ReportRequest(start, start + timedelta(days=21), timezone=zone)
    report = build_report(db_session, request, settings_, now=start + timedelta(days=40))
    ordered = sorted(expected)
    figures = report.responsiveness.current
    assert figures.answered == len(expected)
    assert figures.median_minutes == pytest.approx(_percentile(ordered, 0.5), abs=1e-3)
    assert figures.p90_minutes == pytest.approx(_percentile(ordered, 0.9), abs=1e-3)
    assert figures.within_sla == sum(1 for value in expected if value <= 240)
    savepoint.rollback()


def _percentile(ordered: list[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def test_zone_helpers_name_the_zone() -> None:
    assert BusinessCalendar.from_text(timezone_name="Europe/Paris").zone == ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("workspace_timezone", "Europe/Pariss", "unknown time zone"),
    ("business_days", "weekdays", "expected day names"),
    ("business_hours", "9-5", "expected opening-closing"),
    ("holidays", "2026-13-01", "ISO date"),
])
def test_settings_refuse_a_bad_calendar_by_name(field: str, value: str, message: str) -> None:
    from pydantic import ValidationError

    from settings import Settings

    with pytest.raises(ValidationError, match=message) as raised:
        Settings(**{field: value})  # type: ignore[arg-type]
    assert "BUSINESS_HOURS" in str(raised.value)
    assert Settings(sla_business_hours=8).sla_business_hours == 8
