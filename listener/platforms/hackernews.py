"""Hacker News: stories and comments through Algolia's public search API; no account, no replies from Earful."""

from __future__ import annotations

from listener.platforms.spec import CollectorSpec, NetworkSpec

SPEC = NetworkSpec(
    key="hackernews", display_name="Hacker News",
    collectors=(
        CollectorSpec("hackernews", "listener.collectors.hackernews:HackerNewsCollector",
                      "stories and comments matching the query since the previous run (the first run looks back "
                      "24 hours, or lookback_hours); past Algolia's 1,000 hits a query, older hits are read in "
                      "further time windows",
                      needs_query=True, native_query="listener.query.native:to_hackernews"),
    ),
)
