"""The time buckets of a report's series: hours, days or Monday-started weeks in the workspace's zone, chosen
from the range's length, each with its integer key (see reports.clock) and its bounds clipped to the range."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from reports.clock import DAY_SECONDS, HOUR_SECONDS, MONDAY_SHIFT, LocalClock, day_of_number, epoch_seconds
from reports.report import BucketSize, TimeBucket

HOURLY_UP_TO = timedelta(days=2)
DAILY_UP_TO = timedelta(days=92)


def bucket_size_for(length: timedelta) -> BucketSize:
    if length <= HOURLY_UP_TO:
        return BucketSize.hour
    return BucketSize.day if length <= DAILY_UP_TO else BucketSize.week


def bucket_key(clock: LocalClock, size: BucketSize, column: Any) -> sa.ColumnElement[int]:
    keys: dict[BucketSize, Callable[[Any], sa.ColumnElement[int]]] = {
        BucketSize.hour: clock.local_hour, BucketSize.day: clock.local_day, BucketSize.week: clock.local_week}
    return keys[size](column)


def buckets(size: BucketSize, zone: ZoneInfo, since: datetime, until: datetime) -> list[tuple[int, TimeBucket]]:
    """Every bucket overlapping [since, until), in order, with its key."""
    first, last = _key(size, zone, since), _key(size, zone, until - timedelta(microseconds=1))
    found = []
    for key in range(first, last + 1):
        start, end = _bounds(size, zone, key)
        if end <= since or start >= until or end <= start:  # end <= start: an hour skipped by a DST change
            continue
        found.append((key, TimeBucket(max(start, since), min(end, until), _label(size, zone, key))))
    return found


def _key(size: BucketSize, zone: ZoneInfo, moment: datetime) -> int:
    offset = moment.astimezone(zone).utcoffset()
    local = epoch_seconds(moment) + (offset.total_seconds() if offset else 0.0)
    if size is BucketSize.hour:
        return int(local // HOUR_SECONDS)
    if size is BucketSize.day:
        return int(local // DAY_SECONDS)
    return int((local + MONDAY_SHIFT * DAY_SECONDS) // (7 * DAY_SECONDS))


def _local_start(size: BucketSize, key: int) -> datetime:
    """The bucket's start as a naive local wall-clock time."""
    if size is BucketSize.hour:
        return datetime.combine(day_of_number(key // 24), time(key % 24))
    if size is BucketSize.day:
        return datetime.combine(day_of_number(key), time())
    return datetime.combine(day_of_number(key * 7 - MONDAY_SHIFT), time())


def _bounds(size: BucketSize, zone: ZoneInfo, key: int) -> tuple[datetime, datetime]:
    return _utc(_local_start(size, key), zone), _utc(_local_start(size, key + 1), zone)


def _utc(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(timezone.utc)


def _label(size: BucketSize, zone: ZoneInfo, key: int) -> str:
    start = _local_start(size, key)
    if size is BucketSize.hour:
        return f"{start:%Y-%m-%d %H:%M}"
    if size is BucketSize.day:
        return start.date().isoformat()
    return f"week of {start.date().isoformat()}"
