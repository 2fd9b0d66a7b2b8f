"""The networks Earful knows, by the name stored on mentions and sources."""

from __future__ import annotations

NETWORKS: dict[str, str] = {
    "x": "X",
    "reddit": "Reddit",
    "mastodon": "Mastodon",
    "hackernews": "Hacker News",
    "rss": "RSS / Atom",
    "appstore": "App Store",
    "googleplay": "Google Play",
    "gbp": "Google Business Profile",
    "trustpilot": "Trustpilot",
}

# Not a network: the label of a source whose rows each name their own (import, replay), such as the demo replay.
MIXED = "mixed"
MIXED_LABEL = "Mixed (each row names its network)"
