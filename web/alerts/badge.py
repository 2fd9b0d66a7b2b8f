"""The navigation's alerts badge: open alerts nobody has acknowledged, counted at most every BADGE_TTL seconds
per process (every page shows it; an index-served COUNT is cheap, but not free on every request). An action
on the Alerts page forgets the remembered count, so the person who acted sees it change at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import current_app
from flask_login import current_user

from alerts.incidents import count_open_unacknowledged
from web.db import db_session

BADGE_KEY = "earful.alerts_badge"
BADGE_TTL_SECONDS = 15.0


class BadgeCache:
    def __init__(self, ttl: float = BADGE_TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.clock = ttl, clock
        self._value: tuple[float, int] | None = None
        self._lock = threading.Lock()

    def count(self, counter: Callable[[], int]) -> int:
        with self._lock:
            if self._value is not None and self._value[0] > self.clock():
                return self._value[1]
        value = counter()
        with self._lock:
            self._value = (self.clock() + self.ttl, value)
        return value

    def forget(self) -> None:
        with self._lock:
            self._value = None


def badge_cache() -> BadgeCache:
    cache: BadgeCache = current_app.extensions.setdefault(BADGE_KEY, BadgeCache())
    return cache


def open_alerts_badge() -> int:
    """0 for visitors who are not signed in (the navigation is not shown to them)."""
    if not current_user.is_authenticated:
        return 0
    return badge_cache().count(lambda: count_open_unacknowledged(db_session()))
