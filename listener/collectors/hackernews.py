"""The `hackernews` collector: stories and comments matching a query, from the public Algolia HN search API.

Algolia returns newest first, 100 hits a page, and no more than 1,000 hits a query. One run pages through
everything newer than the cursor; when a query has more hits than it may page through, the run goes on with a
new query for the hits up to the oldest second it has read (a time window), so a long look-back loses nothing.
The cursor only moves forward once the last page is stored, so a run cut short resumes at its next page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime, timezone
from html import escape, unescape
from typing import Any

import httpx

from listener.base import Batch, CollectorError, PermanentCollectorError, RawMention, RowError
from listener.http.fetch import bounded, bounded_id, fetch_json, html_to_text, http_url, reason
from listener.query.native import native_query, to_hackernews
from settings import Settings

API_URL = "https://hn.algolia.com/api/v1/search_by_date"
ITEM_URL = "https://news.ycombinator.com/item?id={}"
HITS_PER_PAGE = 100
DEFAULT_LOOKBACK_HOURS = 24
MAX_QUERY_CHARS = 200
ALGOLIA_MAX_HITS = 1000
# HN writes a long link as <a href="FULL">the first characters...</a>
ANCHOR = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


class HackerNewsCollector:
    """config: {"query": "lumo home", "tags": "(story,comment)" (optional), "lookback_hours": 24 (first run)}."""

    def __init__(self, settings: Settings | None = None, *, client: httpx.Client | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.client = client
        self.clock = clock

    def fetch(self, config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch:
        query = native_query(_query(config), to_hackernews)
        run = _RunState.resume(cursor or {}, self._first_since(config))
        data = self._page(query, str(config.get("tags") or "(story,comment)"), run)
        mentions, errors = _parse_hits(data.get("hits"), run)
        more = run.advance(data, errors)
        return Batch(mentions=mentions, cursor=run.next_cursor(more), errors=errors, more=more)

    def _first_since(self, config: dict[str, Any]) -> int:
        hours = config.get("lookback_hours", DEFAULT_LOOKBACK_HOURS)
        if not isinstance(hours, (int, float)) or isinstance(hours, bool) or not 0 < hours <= 24 * 365:
            raise PermanentCollectorError("hackernews: lookback_hours must be a number of hours up to a year")
        return int(self.clock() - hours * 3600)

    def _page(self, query: str, tags: str, run: _RunState) -> dict[str, Any]:
        params = {"query": query, "tags": tags, "numericFilters": run.numeric_filters(),
                  "hitsPerPage": HITS_PER_PAGE, "page": run.page}
        data = fetch_json(self.client, API_URL, params=params, what="Hacker News search")
        if not isinstance(data, dict):
            raise CollectorError("Hacker News search: response is not a JSON object")
        return data


def _query(config: dict[str, Any]) -> str:
    query = config.get("query")
    if not isinstance(query, str) or not query.strip() or len(query) > MAX_QUERY_CHARS:
        raise PermanentCollectorError(f"hackernews: config needs a query of 1..{MAX_QUERY_CHARS} characters")
    return query.strip()


class _RunState:
    """Where a run is: the lower bound it searches from (with the ids already stored at that second), the
    time window's upper bound once it has outgrown Algolia's limit (with the ids at that second it has handed
    over), the page it is on, and the newest second (and ids at it) it has seen, which becomes the next lower
    bound."""

    def __init__(self, since: int, known: list[str], page: int, newest: int, newest_ids: list[str],
                 until: int | None = None, until_ids: list[str] | None = None) -> None:
        self.since, self.known, self.page = since, known, page
        self.newest, self.newest_ids = newest, newest_ids
        self.until, self.until_ids = until, until_ids or []
        self.oldest: int | None = None  # on this page
        self.oldest_ids: list[str] = []

    @classmethod
    def resume(cls, cursor: dict[str, Any], first_since: int) -> _RunState:
        pending = cursor.get("pending")
        if isinstance(pending, dict):
            until = pending.get("until")
            return cls(int(pending["since"]), list(pending["ids"]), int(pending["page"]),
                       int(pending["newest"]), list(pending["newest_ids"]),
                       int(until) if until is not None else None, list(pending.get("until_ids", [])))
        since = int(cursor.get("since", first_since))
        known = [str(i) for i in cursor.get("ids", [])]
        return cls(since, known, 0, since, list(known))

    def numeric_filters(self) -> str:
        lower = f"created_at_i>={self.since}"
        return lower if self.until is None else f"{lower},created_at_i<={self.until}"

    def handed_over(self, object_id: str, created: int) -> bool:
        return ((created == self.since and object_id in self.known)
                or (created == self.until and object_id in self.until_ids))

    def see(self, object_id: str, created: int) -> None:
        if created > self.newest:
            self.newest, self.newest_ids = created, [object_id]
        elif created == self.newest and object_id not in self.newest_ids:
            self.newest_ids.append(object_id)
        if self.oldest is None or created < self.oldest:
            self.oldest, self.oldest_ids = created, [object_id]
        elif created == self.oldest:
            self.oldest_ids.append(object_id)

    def advance(self, data: dict[str, Any], errors: list[RowError]) -> bool:
        """Move to the next page, or to the next time window when this query has hits it cannot page to;
        False when the run is done."""
        pages = data.get("nbPages")
        if isinstance(pages, int) and self.page < pages - 1:
            self.page += 1
            return True
        if not _cut_off(data) or self.oldest is None:
            return False
        if self.oldest == self.until:
            errors.append(RowError(0, f"more than {ALGOLIA_MAX_HITS:,} hits within second {self.oldest}: "
                                      "the rest of that second was not read"))
            return False
        self.until_ids = self.oldest_ids
        self.until, self.page = self.oldest, 0
        return True

    def next_cursor(self, more: bool) -> dict[str, Any]:
        if not more:
            return {"since": self.newest, "ids": self.newest_ids}
        pending: dict[str, Any] = {"since": self.since, "ids": self.known, "page": self.page,
                                   "newest": self.newest, "newest_ids": self.newest_ids}
        if self.until is not None:
            pending |= {"until": self.until, "until_ids": self.until_ids}
        return {"since": self.since, "ids": self.known, "pending": pending}


def _cut_off(data: dict[str, Any]) -> bool:
    """The query matched more hits than Algolia lets it page through."""
    total, page, per_page = (_whole(data.get(key)) for key in ("nbHits", "page", "hitsPerPage"))
    return total is not None and page is not None and per_page is not None and total > (page + 1) * per_page


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _parse_hits(hits: Any, run: _RunState) -> tuple[list[RawMention], list[RowError]]:
    if not isinstance(hits, list):
        return [], [RowError(0, "response has no hits list")]
    mentions: list[RawMention] = []
    errors: list[RowError] = []
    for index, hit in enumerate(hits):
        try:
            mention = hit_to_mention(hit)
        except (KeyError, TypeError, ValueError) as error:
            errors.append(RowError(index, f"hit skipped: {reason(error)}"))
            continue
        created = int(mention.created_at.timestamp())
        run.see(mention.external_id, created)
        if not run.handed_over(mention.external_id, created):
            mentions.append(mention)
    return mentions, errors


def hit_to_mention(hit: Any) -> RawMention:
    if not isinstance(hit, dict):
        raise TypeError("not an object")
    object_id = hit.get("objectID")
    created = hit.get("created_at_i")
    if not isinstance(object_id, str) or not object_id.isdigit():
        raise ValueError(f"objectID {str(object_id)[:30]!r} is not a numeric id")
    if not isinstance(created, int) or isinstance(created, bool):
        raise ValueError("created_at_i is missing or not an integer")
    tags = hit["_tags"] if isinstance(hit.get("_tags"), list) else []
    kind = "comment" if "comment" in tags or hit.get("comment_text") else "story"
    title, text = _story_text(hit) if kind == "story" else (None, _html(hit.get("comment_text")))
    if not text:
        raise ValueError(f"{kind} {object_id} has no text")
    return RawMention(
        network="hackernews", external_id=bounded_id(object_id), text=text, title=title,
        created_at=datetime.fromtimestamp(created, tz=timezone.utc),
        author=bounded(str(hit.get("author") or ""), 200), author_id=_str_or_none(hit.get("author")),
        url=ITEM_URL.format(object_id), extra=_extra(hit, kind),
    )


def _story_text(hit: dict[str, Any]) -> tuple[str | None, str]:
    title = bounded(str(hit["title"]), 500) if isinstance(hit.get("title"), str) else None
    link = http_url(hit.get("url"))
    parts = [part for part in (title, _html(hit.get("story_text")), link) if part]
    return title, bounded("\n\n".join(parts))


def _html(value: Any) -> str:
    return bounded(html_to_text(ANCHOR.sub(_full_link, value))) if isinstance(value, str) else ""


def _full_link(anchor: re.Match[str]) -> str:
    """The link's full address in place of its cut-off text (or after its text, when that is something else)."""
    href = http_url(unescape(anchor.group(1)))
    shown = anchor.group(2)
    if href is None:
        return shown
    visible = html_to_text(shown).removesuffix("...").removesuffix("…")
    return escape(href, quote=False) if href.startswith(visible) else f"{shown} ({escape(href, quote=False)})"


def _str_or_none(value: Any) -> str | None:
    return bounded(value, 128) if isinstance(value, str) and value.strip() else None


def _extra(hit: dict[str, Any], kind: str) -> dict[str, Any]:
    extra: dict[str, Any] = {"kind": kind}
    for key in ("points", "num_comments", "story_id", "parent_id"):
        if isinstance(hit.get(key), int) and not isinstance(hit.get(key), bool):
            extra[key] = hit[key]
    if isinstance(hit.get("story_title"), str):
        extra["story_title"] = bounded(hit["story_title"], 500)
    link = http_url(hit.get("url") or hit.get("story_url"))
    if link:
        extra["link"] = link
    return extra
