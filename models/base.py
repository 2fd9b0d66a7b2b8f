"""Column helpers shared by every table: timezone-aware UTC timestamps and JSON columns."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores UTC and always returns aware datetimes, also on SQLite which drops the zone."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Earful stores only timezone-aware UTC times")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utc_column(*, nullable: bool = True, index: bool = False, default: Any = None) -> sa.Column[datetime]:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index, default=default)


def json_column(*, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(sa.JSON(), nullable=nullable)
