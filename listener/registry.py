"""Collectors by the name stored on Source.collector, imported only when used."""

from __future__ import annotations

import importlib

from listener.base import Collector
from settings import Settings

COLLECTORS: dict[str, str] = {
    "import": "listener.importer:ImportCollector",
    "replay": "listener.replay:ReplayCollector",
    "x_mentions": "listener.x:XMentionsCollector",
    "x_search": "listener.x:XSearchCollector",
    "reddit_search": "listener.reddit:RedditSearchCollector",
    "reddit_mentions": "listener.reddit:RedditMentionsCollector",
    "mastodon_hashtag": "listener.mastodon:MastodonHashtagCollector",
    "mastodon_mentions": "listener.mastodon:MastodonMentionsCollector",
    "hackernews": "listener.hackernews:HackerNewsCollector",
    "rss": "listener.rss:RssCollector",
    "appstore_feed": "listener.appstore:AppStoreFeedCollector",
    "appstore_connect": "listener.appstore_connect:AppStoreConnectCollector",
    "googleplay": "listener.googleplay:GooglePlayCollector",
    "gbp": "listener.gbp:BusinessProfileCollector",
    "trustpilot": "listener.trustpilot:TrustpilotCollector",
}


def load_collector(name: str, settings: Settings) -> Collector:
    """Collectors are built with the settings, where their credentials live (never in Source.config)."""
    try:
        target = COLLECTORS[name]
    except KeyError:
        raise LookupError(f"no collector named {name!r}; known: {', '.join(sorted(COLLECTORS))}") from None
    module_name, _, class_name = target.partition(":")
    collector: Collector = getattr(importlib.import_module(module_name), class_name)(settings)
    return collector
