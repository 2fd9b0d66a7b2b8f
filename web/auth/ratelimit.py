"""Per-client rate limiting of login attempts.

An in-process sliding window: right for the embedded default (one gunicorn process); with several
processes each keeps its own window, so the effective limit is multiplied by the process count.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

LOGIN_LIMITER_KEY = "earful.login_limiter"
LOGIN_ATTEMPTS_PER_WINDOW = 20
LOGIN_WINDOW_SECONDS = 300.0
MAX_TRACKED_CLIENTS = 10_000


class SlidingWindowLimiter:
    """At most `limit` hits per key in any `window` seconds; remembers at most `max_keys` keys (LRU)."""

    def __init__(self, limit: int, window: float, *, max_keys: int = MAX_TRACKED_CLIENTS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self.clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Record an attempt. None if allowed, else the seconds until the next one would be."""
        now = self.clock()
        with self._lock:
            hits = self._hits.pop(key, None) or deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            self._hits[key] = hits
            if len(hits) >= self.limit:
                return max(hits[0] + self.window - now, 0.0)
            hits.append(now)
            # Evicting the least recently seen client bounds memory under an address-spraying attack.
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            return None


def login_limiter() -> SlidingWindowLimiter:
    return SlidingWindowLimiter(LOGIN_ATTEMPTS_PER_WINDOW, LOGIN_WINDOW_SECONDS)
