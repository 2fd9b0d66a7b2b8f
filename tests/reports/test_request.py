"""Report ranges: presets in the workspace's zone, the previous period, and the URL round trip."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from reports.buckets import bucket_size_for, buckets
from reports.report import BucketSize
from reports.request import (
    InvalidReportQuery,
    Preset,
    ReportChoices,
    ReportFilters,
    for_dates,
    for_preset,
    parse_request,
)

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=timezone.utc)


def test_presets_are_resolved_in_the_workspace_zone() -> None:
    today = for_preset(Preset.today, "Asia/Tokyo", now=NOW)  # 00:30 on the 21st in Tokyo
    assert (today.since, today.until) == (datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc), NOW)
    last_7 = for_preset(Preset.last_7, "UTC", now=NOW)
    assert (last_7.since, last_7.until) == (datetime(2026, 11, 13, tzinfo=timezone.utc),
                                            datetime(2026, 11, 20, tzinfo=timezone.utc))
    last_month = for_preset(Preset.last_month, "Europe/Paris", now=NOW)
    assert (last_month.since, last_month.until) == (datetime(2026, 9, 30, 22, tzinfo=timezone.utc),
                                                    datetime(2026, 10, 31, 23, tzinfo=timezone.utc))
    this_month = for_preset(Preset.this_month, "UTC", now=NOW)
    assert this_month.since == datetime(2026, 11, 1, tzinfo=timezone.utc) and this_month.until == NOW


def test_the_previous_period_has_the_same_length() -> None:
    request = for_preset(Preset.last_30, "America/New_York", now=NOW)
    previous = request.previous()
    assert previous.until == request.since and previous.length == request.length
    today = for_preset(Preset.today, "UTC", now=NOW)
    assert (today.previous().since, today.previous().until) == (today.since - timedelta(days=1),
                                                                NOW - timedelta(days=1))


def test_a_url_holds_the_range_and_the_filters() -> None:
    filters = ReportFilters(network="reddit", source_id=3, language="pt-br", sentiment="negative",
                            topic="delivery", complaint=True, rating=2, q="late order")
    request = for_dates(date(2026, 11, 1), date(2026, 11, 14), "Europe/Paris", filters=filters)
    args = request.url_args()
    assert args["range"] == "custom" and (args["since"], args["until"]) == ("2026-11-01", "2026-11-14")
    assert parse_request(args, "Europe/Paris", now=NOW) == request
    rolling = for_preset(Preset.last_90, "UTC", filters=filters, now=NOW)
    assert parse_request(rolling.url_args(), "UTC", now=NOW) == rolling
    assert parse_request({}, "UTC", now=NOW).preset is Preset.last_30


@pytest.mark.parametrize(("args", "message"), [
    ({"range": "forever"}, "unknown range"),
    ({"range": "custom", "since": "2026-11-01"}, "needs both"),
    ({"since": "2026-11-05", "until": "2026-11-01"}, "before its end"),
    ({"since": "yesterday", "until": "2026-11-01"}, "date such as"),
    ({"network": "myspace"}, "unknown network"),
    ({"rating": "6"}, "1 to 5"),
    ({"complaint": "maybe"}, "yes or no"),
    ({"sentiment": "angry"}, "unknown sentiment"),
    ({"topic": "Not a topic"}, "invalid topic"),
    ({"since": "2020-01-01", "until": "2026-01-01"}, "at most"),
])
def test_bad_arguments_get_clear_errors(args: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidReportQuery, match=message):
        parse_request(args, "UTC", choices=ReportChoices(networks=["x", "reddit"]), now=NOW)


def test_buckets_follow_the_range_and_dst() -> None:
    assert bucket_size_for(timedelta(days=1)) is BucketSize.hour
    assert bucket_size_for(timedelta(days=30)) is BucketSize.day
    assert bucket_size_for(timedelta(days=365)) is BucketSize.week
    fall_back = for_dates(date(2026, 11, 1), date(2026, 11, 1), "America/New_York")
    hours = buckets(BucketSize.hour, fall_back.zone, fall_back.since, fall_back.until)
    assert fall_back.length == timedelta(hours=25) and len(hours) == 24  # 01:00 happens twice: one 2-hour bucket
    assert hours[1][1].label == "2026-11-01 01:00" and hours[1][1].end - hours[1][1].start == timedelta(hours=2)
    spring = for_dates(date(2026, 3, 8), date(2026, 3, 8), "America/New_York")
    assert len(buckets(BucketSize.hour, spring.zone, spring.since, spring.until)) == 23
    weeks = buckets(BucketSize.week, spring.zone, spring.since - timedelta(days=60), spring.until)
    assert all(bucket.label.startswith("week of ") for _key, bucket in weeks)
    assert date.fromisoformat(weeks[1][1].label.removeprefix("week of ")).weekday() == 0
