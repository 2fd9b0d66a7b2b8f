"""The web process's tab-count cache (inbox.queue.count_cache), one per app, shared by its requests."""

from __future__ import annotations

from flask import current_app
from sqlmodel import Session

from inbox.queue.count_cache import CountCache, Counts
from inbox.queue.filters import QueueFilters

COUNT_CACHE_KEY = "earful.queue_count_cache"


def _cache() -> CountCache:
    cache: CountCache = current_app.extensions.setdefault(COUNT_CACHE_KEY, CountCache())
    return cache


def remembered_tab_counts(filters: QueueFilters) -> Counts | None:
    return _cache().remembered(filters)


def cached_tab_counts(session: Session, filters: QueueFilters) -> Counts:
    return _cache().counts(session, filters)
