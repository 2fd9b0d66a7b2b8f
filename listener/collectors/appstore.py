"""The `appstore_feed` collector: the public App Store customer-reviews JSON feed, per country, newest first.

Apple serves at most 10 pages of 50 reviews per country. One fetch reads one page; a run walks each
configured country in turn until it reaches the newest review the previous run saw, and only then moves
that country's mark forward.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import httpx

from listener.base import Batch, CollectorError, PermanentCollectorError, RawMention, RowError
from listener.http.fetch import bounded, bounded_id, fetch_json, reason
from settings import Settings

FEED_URL = "https://itunes.apple.com/{country}/rss/customerreviews/page={page}/id={app_id}/sortby=mostrecent/json"
REVIEWS_URL = "https://apps.apple.com/{country}/app/id{app_id}?see-all=reviews"
MAX_PAGES = 10
PAGE_SIZE = 50
LANGUAGE_BY_COUNTRY = {"jp": "ja", "kr": "ko"}
COUNTRY = re.compile(r"^[a-z]{2}$")
AUTHOR_ID = re.compile(r"/id(\d+)")


class AppStoreFeedCollector:
    """config: {"app_id": "1234567890", "countries": ["us", "jp", "kr"]}."""


    def __init__(self, settings: Settings | None = None, *, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.client = client

    def fetch(self, config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch:
        app_id, countries = _config(config)
        state = cursor or {}
        marks: dict[str, Any] = dict(state.get("seen") or {})
        pending = state.get("pending") or {"country": countries[0], "page": 1}
        country, page = str(pending["country"]), int(pending["page"])
        if country not in countries:  # the config changed under a pending run: start over
            country, page, pending = countries[0], 1, {"country": countries[0], "page": 1}
        entries = self._entries(app_id, country, page)
        mark = marks.get(country) or {}
        mentions, errors, reached = parse_page(entries, app_id=app_id, country=country, mark=mark)
        newest = pending.get("newest") or _newest(mentions)
        country_done = reached or page >= MAX_PAGES or len(entries) < PAGE_SIZE
        if not country_done:
            next_pending: dict[str, Any] | None = {"country": country, "page": page + 1, "newest": newest}
        else:
            if newest:
                marks[country] = newest
            following = countries[countries.index(country) + 1:]
            next_pending = {"country": following[0], "page": 1} if following else None
        next_cursor: dict[str, Any] = {"seen": marks}
        if next_pending:
            next_cursor["pending"] = next_pending
        return Batch(mentions=mentions, cursor=next_cursor, errors=errors, more=next_pending is not None)

    def _entries(self, app_id: str, country: str, page: int) -> list[Any]:
        url = FEED_URL.format(country=country, page=page, app_id=app_id)
        data = fetch_json(self.client, url, what=f"App Store reviews ({country}, page {page})")
        feed = data.get("feed") if isinstance(data, dict) else None
        if not isinstance(feed, dict):
            raise CollectorError(f"App Store reviews ({country}): response has no feed object")
        entries = feed.get("entry", [])
        # A page with a single entry carries an object instead of a list
        return [entries] if isinstance(entries, dict) else entries if isinstance(entries, list) else []


def _config(config: dict[str, Any]) -> tuple[str, list[str]]:
    app_id = str(config.get("app_id", "")).strip()
    if not app_id.isdigit() or len(app_id) > 20:
        raise PermanentCollectorError("appstore_feed: config needs the numeric app_id")
    countries = config.get("countries") or ["us"]
    if not isinstance(countries, list) or not all(isinstance(c, str) and COUNTRY.match(c.lower()) for c in countries):
        raise PermanentCollectorError("appstore_feed: countries must be two-letter codes such as [\"us\", \"jp\"]")
    return app_id, list(dict.fromkeys(c.lower() for c in countries))


def _newest(mentions: list[RawMention]) -> dict[str, str] | None:
    if not mentions:
        return None
    top = max(mentions, key=lambda m: m.created_at)
    return {"id": top.external_id, "updated": top.created_at.isoformat()}


def parse_page(entries: list[Any], *, app_id: str, country: str,
               mark: dict[str, Any]) -> tuple[list[RawMention], list[RowError], bool]:
    """Reviews on one page, newest first, up to the previous run's mark; `reached` says the mark was met."""
    mark_time = _parse_time(mark["updated"]) if mark.get("updated") else None
    mentions: list[RawMention] = []
    errors: list[RowError] = []
    for index, entry in enumerate(entries):
        if isinstance(entry, dict) and "im:rating" not in entry and index == 0:
            continue  # the app itself, which the first page used to list ahead of its reviews
        try:
            mention = entry_to_mention(entry, app_id=app_id, country=country)
        except (KeyError, TypeError, ValueError) as error:
            errors.append(RowError(index, f"review skipped: {reason(error)}"))
            continue
        if mention.external_id == mark.get("id") or (mark_time and mention.created_at < mark_time):
            return mentions, errors, True
        mentions.append(mention)
    return mentions, errors, False


def _label(entry: dict[str, Any], *path: str) -> str:
    value: Any = entry
    for key in (*path, "label"):
        if not isinstance(value, dict) or key not in value:
            raise KeyError(f"missing {'.'.join(path)}")
        value = value[key]
    if not isinstance(value, str):
        raise TypeError(f"{'.'.join(path)} is not text")
    return value


def entry_to_mention(entry: Any, *, app_id: str, country: str) -> RawMention:
    if not isinstance(entry, dict):
        raise TypeError("not an object")
    review_id = _label(entry, "id")
    if not review_id.isdigit():
        raise ValueError(f"id {review_id[:30]!r} is not a review id")
    rating = int(_label(entry, "im:rating"))
    if not 1 <= rating <= 5:
        raise ValueError(f"rating {rating} is outside 1..5")
    title = bounded(_optional(entry, "title"), 500)
    content = bounded(_optional(entry, "content"))
    text = content or title
    if not text:
        raise ValueError(f"review {review_id} has no text")
    author_uri = _optional(entry, "author", "uri")
    match = AUTHOR_ID.search(author_uri)
    return RawMention(
        network="appstore", external_id=bounded_id(review_id), text=text, title=title or None, rating=rating,
        created_at=_parse_time(_label(entry, "updated")), author=bounded(_optional(entry, "author", "name"), 200),
        author_id=match.group(1) if match else None, language=LANGUAGE_BY_COUNTRY.get(country),
        url=REVIEWS_URL.format(country=country, app_id=app_id),
        extra={"country": country, "app_id": app_id, "version": bounded(_optional(entry, "im:version"), 40)},
    )


def _optional(entry: dict[str, Any], *path: str) -> str:
    try:
        return _label(entry, *path)
    except (KeyError, TypeError):
        return ""


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"time {value[:40]!r} has no time zone")
    return parsed.astimezone(timezone.utc)
