"""Tab counts remembered for a few seconds per filter set, per process.

Paging through a tab, switching tabs or sorting re-renders the same counts; counting again each time would
be most of the page's database work. The list itself is always read fresh; a count may lag by COUNT_TTL.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from sqlmodel import Session

from inbox.queue.filters import QueueFilters
from inbox.queue.queries import TabCount, tab_counts
from inbox.queue.tabs import QueueTab

COUNT_TTL_SECONDS = 15.0
MAX_FILTER_SETS = 512

Counts = dict[QueueTab, TabCount]


class CountCache:
    def __init__(self, ttl: float = COUNT_TTL_SECONDS, *, max_entries: int = MAX_FILTER_SETS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.max_entries, self.clock = ttl, max_entries, clock
        self._entries: OrderedDict[tuple[tuple[str, str], ...], tuple[float, Counts]] = OrderedDict()
        self._lock = threading.Lock()

    def counts(self, session: Session, filters: QueueFilters) -> Counts:
        found = self.remembered(filters)
        if found is not None:
            return found
        key, now = _key(filters), self.clock()
        counts = tab_counts(session, filters)
        with self._lock:
            self._entries[key] = (now + self.ttl, counts)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return counts

    def remembered(self, filters: QueueFilters) -> Counts | None:
        """The counts for these filters if still fresh, without counting."""
        with self._lock:
            found = self._entries.get(_key(filters))
        return found[1] if found is not None and found[0] > self.clock() else None


def _key(filters: QueueFilters) -> tuple[tuple[str, str], ...]:
    # The tab and the sort change no count, so they are not part of the key.
    return tuple(sorted((name, value) for name, value in filters.url_args().items() if name != "sort"))
