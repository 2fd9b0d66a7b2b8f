"""Login throttling's counters in the database, for when no Redis is configured (web.auth.throttling picks).

limits has nothing shared that fits SQLite (its memory storage is per process, which is how 22 of 45 attempts got
past two gunicorn processes), so DatabaseStorage gives the same fixed-window counters as Redis in a table. It works
in the caller's session, so its counts commit with the request's audit events, in one unit of work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, delete, select

from models.user import RateLimitCounter

PURGE_BATCH = 100
# Only counters long expired are purged: one a login may be about to reuse is reset in place by incr instead, so
# two purging logins never each hold a row that the other one waits for.
PURGE_GRACE_SECONDS = 3600


class DatabaseStorage(Storage):
    """Counters in rate_limit_counter, with the semantics of limits' RedisStorage: a window starts with its first hit,
    later hits do not extend it, and an expired counter reads as zero."""

    def __init__(self, session: Session, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.session = session
        self.clock = clock

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = self.clock()
        self._purge_expired(now - PURGE_GRACE_SECONDS)
        table = cast(sa.Table, RateLimitCounter.__table__)  # type: ignore[attr-defined]
        expired = table.c.expires_at <= now
        # One atomic upsert: parallel attempts in other processes cannot both read the same count.
        statement = (
            _insert(self.session)(table)
            .values(key=key, count=amount, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={"count": sa.case((expired, amount), else_=table.c["count"] + amount),
                      "expires_at": sa.case((expired, now + expiry), else_=table.c.expires_at)},
            )
            .returning(table.c["count"])
        )
        return int(self.session.execute(statement).scalar_one())

    def get(self, key: str) -> int:
        row = self._live(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._live(key)
        return row.expires_at if row else self.clock()

    def check(self) -> bool:
        self.session.execute(sa.select(1))
        return True

    def reset(self) -> int | None:
        result = self.session.execute(delete(RateLimitCounter))
        return cast(int, result.rowcount)  # type: ignore[attr-defined]

    def clear(self, key: str) -> None:
        self.session.execute(delete(RateLimitCounter).where(col(RateLimitCounter.key) == key))

    def _live(self, key: str) -> RateLimitCounter | None:
        statement = select(RateLimitCounter).where(col(RateLimitCounter.key) == key,
                                                   col(RateLimitCounter.expires_at) > self.clock())
        return self.session.exec(statement).first()

    def _purge_expired(self, before: float) -> None:
        # A few rows per hit keep the table small. SKIP LOCKED (PostgreSQL; SQLite serialises anyway) leaves rows
        # that another login holds, so purging never waits on one.
        stale = (select(RateLimitCounter.key).where(col(RateLimitCounter.expires_at) <= before)
                 .limit(PURGE_BATCH).with_for_update(skip_locked=True))
        self.session.execute(delete(RateLimitCounter).where(col(RateLimitCounter.key).in_(stale.scalar_subquery())))


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
