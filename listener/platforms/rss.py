"""RSS and Atom feeds: read without credentials; replies are posted by a person."""

from __future__ import annotations

from listener.platforms.spec import CollectorSpec, NetworkSpec

SPEC = NetworkSpec(
    key="rss", display_name="RSS / Atom",
    collectors=(
        CollectorSpec("rss", "listener.collectors.rss:RssCollector",
                      "the entries the feed lists at each fetch (typically its latest 10 to 100)"),
    ),
)
