"""Reddit collectors (praw): new posts and comments matching a query in chosen subreddits, and the account's
inbox username mentions.

Each listing is read newest first until it reaches the cursor's watermark: the newest `created_utc` already
stored and the fullnames stored at that exact second (Reddit times are whole seconds, so items sharing the
watermark's second are told apart by name, neither lost nor repeated). praw follows the listings' `after`
across pages within one fetch; Reddit keeps about 1000 items per listing, which bounds a first run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import praw
import prawcore
import requests
from praw.exceptions import RedditAPIException

from listener.base import Batch, PermanentCollectorError, RawMention
from listener.platforms.reddit import connect, map_reddit_error
from listener.query.language import QuerySyntaxError, matches, parse
from listener.query.native import native_query, to_reddit
from listener.text import MAX_TEXT_CHARS, clean_text
from settings import Settings

LISTING_LIMIT = 1000
PAGE_SIZE = 100
TIME_FILTERS = ("hour", "day", "week", "month", "year", "all")
SITE = "https://www.reddit.com"


@dataclass(frozen=True)
class Watermark:
    created_utc: float = 0.0
    names: frozenset[str] = frozenset()

    @classmethod
    def from_cursor(cls, value: Any) -> Watermark:
        if not isinstance(value, dict):
            return cls()
        return cls(float(value.get("created_utc", 0.0)), frozenset(value.get("names", [])))

    def to_cursor(self) -> dict[str, Any]:
        return {"created_utc": self.created_utc, "names": sorted(self.names)}

    def is_new(self, created: float, name: str) -> bool:
        return created > self.created_utc or (created == self.created_utc and name not in self.names)

    def advanced(self, items: Iterable[Any]) -> Watermark:
        mark = self
        for item in items:
            created, name = created_utc(item), item.fullname
            if created > mark.created_utc:
                mark = Watermark(created, frozenset({name}))
            elif created == mark.created_utc:
                mark = Watermark(created, mark.names | {name})
        return mark


def newer_than(listing: Iterator[Any], mark: Watermark) -> list[Any]:
    """The items above the watermark; stops reading (and paging) at the first older one."""
    fresh = []
    for item in listing:
        created = created_utc(item)
        if created < mark.created_utc:
            break
        if mark.is_new(created, item.fullname):
            fresh.append(item)
    return fresh


class _RedditCollector:
    needs_account = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def fetch(self, config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch:
        with requests.Session() as http:
            try:
                return self._fetch(self._connect(http), config, dict(cursor or {}))
            except (prawcore.PrawcoreException, RedditAPIException) as error:
                raise map_reddit_error(error, time.time()) from error

    def _fetch(self, reddit: praw.Reddit, config: dict[str, Any], cursor: dict[str, Any]) -> Batch:
        raise NotImplementedError

    def _connect(self, http: requests.Session) -> praw.Reddit:
        return connect(self.settings, http, needs_account=self.needs_account)


class RedditSearchCollector(_RedditCollector):
    """config: {"subreddits": [...], "query": "...", "time_filter": "week" (first run's reach, optional)}."""

    def _fetch(self, reddit: praw.Reddit, config: dict[str, Any], cursor: dict[str, Any]) -> Batch:
        query, subreddits = search_config(config)
        wanted = compile_query(query)
        where = reddit.subreddit("+".join(subreddits))
        posts_mark, comments_mark = (Watermark.from_cursor(cursor.get(k)) for k in ("submissions", "comments"))
        search = where.search(native_query(query, to_reddit), sort="new", time_filter=config.get("time_filter", "week"),
                              limit=LISTING_LIMIT, request_limit=PAGE_SIZE)
        posts = newer_than(search, posts_mark)
        comments = newer_than(where.comments(limit=LISTING_LIMIT, request_limit=PAGE_SIZE), comments_mark)
        found = [submission_mention(p) for p in posts]
        found += [comment_mention(c) for c in comments if wanted(str(vars(c).get("body") or ""))]
        cursor = {"submissions": posts_mark.advanced(posts).to_cursor(),
                  "comments": comments_mark.advanced(comments).to_cursor()}
        return Batch(mentions=found, cursor=cursor)


class RedditMentionsCollector(_RedditCollector):
    """The Reddit account's inbox username mentions (u/name in a comment). config: {}."""

    needs_account = True

    def _fetch(self, reddit: praw.Reddit, config: dict[str, Any], cursor: dict[str, Any]) -> Batch:
        mark = Watermark.from_cursor(cursor.get("mentions"))
        items = newer_than(iter(reddit.inbox.mentions(limit=LISTING_LIMIT, request_limit=PAGE_SIZE)), mark)
        mentions = [comment_mention(item, addressed=True) for item in items]
        return Batch(mentions=mentions, cursor={"mentions": mark.advanced(items).to_cursor()})


def search_config(config: dict[str, Any]) -> tuple[str, list[str]]:
    query = str(config.get("query") or "").strip()
    subreddits = [str(s).strip().removeprefix("r/") for s in config.get("subreddits") or [] if str(s).strip()]
    if not query or not subreddits:
        raise PermanentCollectorError("reddit_search needs a query and at least one subreddit in its config")
    if config.get("time_filter", "week") not in TIME_FILTERS:
        raise PermanentCollectorError(f"reddit_search time_filter must be one of {', '.join(TIME_FILTERS)}")
    return query, subreddits


def compile_query(query: str) -> Callable[[str], bool]:
    """Comment listings are not searchable on Reddit, so comments are matched here with the listening query."""
    try:
        parsed = parse(query)
    except QuerySyntaxError as error:
        raise PermanentCollectorError(f"reddit_search query: {error}") from error
    return lambda text: matches(parsed, text=text, language=None, network="reddit")


def created_utc(item: Any) -> float:
    return float(vars(item)["created_utc"])


def submission_mention(post: Any) -> RawMention:
    data = vars(post)
    text = "\n\n".join(part for part in (data.get("title"), data.get("selftext")) if part)
    return _mention(post, text, kind="submission", permalink=data.get("permalink"))


def comment_mention(comment: Any, *, addressed: bool | None = None) -> RawMention:
    data = vars(comment)
    # inbox items carry `context` (the permalink plus "?context=3") instead of `permalink`
    permalink = data.get("permalink") or str(data.get("context") or "").split("?", 1)[0] or None
    return _mention(comment, str(data.get("body") or ""), kind="comment", permalink=permalink, addressed=addressed,
                    link_id=data.get("link_id") or link_from_permalink(permalink))


def link_from_permalink(permalink: str | None) -> str | None:
    """The submission's fullname from /r/<sub>/comments/<id36>/<slug>/<comment id36>/ (inbox items lack link_id)."""
    parts = (permalink or "").strip("/").split("/")
    return f"t3_{parts[3]}" if len(parts) > 3 and parts[2] == "comments" else None


def _mention(item: Any, text: str, *, kind: str, permalink: str | None, addressed: bool | None = None,
             link_id: str | None = None) -> RawMention:
    # vars(), not attributes: a missing attribute makes praw fetch the object, one request per item
    data = vars(item)
    author = data.get("author")
    subreddit = data.get("subreddit")
    return RawMention(
        network="reddit", external_id=item.fullname, text=clean_text(text)[:MAX_TEXT_CHARS],
        created_at=datetime.fromtimestamp(created_utc(item), tz=timezone.utc),
        author=str(author.name) if author is not None else "[deleted]", author_id=data.get("author_fullname"),
        url=f"{SITE}{permalink}" if permalink else None, in_reply_to_brand=addressed,
        extra={"subreddit": str(subreddit) if subreddit is not None else None, "parent_id": data.get("parent_id"),
               "link_id": link_id, "kind": kind},
    )
