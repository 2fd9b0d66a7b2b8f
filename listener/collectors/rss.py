"""The `rss` collector: any RSS or Atom feed (Google Alerts feeds included), fetched with a conditional GET.

Feeds have no "since" parameter, so the cursor keeps the validators (ETag, Last-Modified) and a bounded
memory of the entries it has handed over (listener.collectors.rss_cursor).
"""

from __future__ import annotations

import calendar
import io
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser
import httpx

from listener.base import Batch, CollectorError, PermanentCollectorError, RawMention, RowError
from listener.collectors.rss_cursor import SEEN_IDS, FeedMemory
from listener.http.fetch import bounded, bounded_id, fetch_body, html_to_text, http_url, reason
from settings import Settings

BROKEN_FEED_RETRY = 3600.0
GOOGLE_REDIRECT_HOSTS = {"www.google.com", "google.com"}


class RssCollector:
    """config: {"url": "https://www.google.com/alerts/feeds/.../..."}."""

    def __init__(self, settings: Settings | None = None, *, client: httpx.Client | None = None,
                 seen_ids: int = SEEN_IDS) -> None:
        self.settings = settings
        self.client = client
        self.seen_ids = seen_ids

    def fetch(self, config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch:
        url = http_url(config.get("url"))
        if url is None:
            raise PermanentCollectorError("rss: config needs the feed's http(s) url")
        state = cursor or {}
        response, body = self._get(url, state)
        if response.status_code == 304:
            return Batch(mentions=[], cursor=state)
        parsed = _parse(body, response)
        entries, errors = entries_to_mentions(parsed, url)
        if parsed.get("bozo"):
            errors.insert(0, RowError(0, f"feed is not well-formed, read what could be: {_bozo_message(parsed)}"))
        memory = FeedMemory.load(state)
        return Batch(mentions=memory.new_entries(entries), errors=errors, cursor={
            "etag": response.headers.get("etag"), "last_modified": response.headers.get("last-modified"),
            **memory.after(entries, limit=self.seen_ids).dump(),
        })

    def _get(self, url: str, state: dict[str, Any]) -> tuple[httpx.Response, bytes]:
        headers = {"Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5"}
        if state.get("etag"):
            headers["If-None-Match"] = str(state["etag"])
        if state.get("last_modified"):
            headers["If-Modified-Since"] = str(state["last_modified"])
        return fetch_body(self.client, url, headers=headers, what=f"feed {urlsplit(url).hostname}")


def _parse(body: bytes, response: httpx.Response) -> Any:
    # BytesIO, never the bytes themselves: feedparser treats a bare string as a URL or a local file name
    parsed = feedparser.parse(io.BytesIO(body), response_headers={
        "content-type": response.headers.get("content-type", "application/xml"),
        "content-location": str(response.url),
    })
    if parsed.get("bozo") and not parsed.get("entries"):
        message = f"feed {response.url.host}: {_bozo_message(parsed)}"
        if parsed.get("version"):
            # A recognised feed that came back broken is usually a server glitch (truncated output)
            raise CollectorError(f"{message} (broken feed, retrying later)", retry_after=BROKEN_FEED_RETRY)
        raise PermanentCollectorError(f"{message} (the URL does not serve an RSS or Atom feed)")
    return parsed


def _bozo_message(parsed: Any) -> str:
    return bounded(str(parsed.get("bozo_exception") or "unreadable feed"), 300)


def entries_to_mentions(parsed: Any, feed_url: str) -> tuple[list[RawMention], list[RowError]]:
    language = _language(parsed.get("feed", {}).get("language"))
    mentions: list[RawMention] = []
    errors: list[RowError] = []
    for index, entry in enumerate(parsed.get("entries", [])):
        try:
            mention = entry_to_mention(entry, feed_url, language)
        except (KeyError, TypeError, ValueError) as error:
            errors.append(RowError(index, f"entry skipped: {reason(error)}"))
            continue
        mentions.append(mention)
    return mentions, errors


def entry_to_mention(entry: Any, feed_url: str, language: str | None) -> RawMention:
    link = unwrap_google_redirect(http_url(entry.get("link")))
    title = _field_text(entry, "title")
    body = _body_text(entry)
    text = bounded("\n\n".join(part for part in (title, body) if part))
    if not text:
        raise ValueError("entry has neither title nor content")
    created, estimated = _created_at(entry)
    return RawMention(
        network="rss", external_id=_external_id(entry, link, feed_url), text=text,
        title=bounded(title, 500) if title else None, created_at=created,
        author=bounded(str(entry.get("author") or ""), 200), url=link, language=language,
        extra={"feed": feed_url, **({"created_at_estimated": True} if estimated else {})},
    )


def _external_id(entry: Any, link: str | None, feed_url: str) -> str:
    raw = entry.get("id") or link
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError("entry has no id, guid or link")
    raw = raw.strip()
    # Bare guids such as "1234" are only unique within one feed; URIs and tag: ids are global
    return bounded_id(raw if ":" in raw else f"{urlsplit(feed_url).hostname}:{raw}")


def _field_text(entry: Any, name: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str):
        return ""
    detail = entry.get(f"{name}_detail") or {}
    return bounded(value if detail.get("type") == "text/plain" else html_to_text(value))


def _body_text(entry: Any) -> str:
    contents = entry.get("content") or []
    if contents and isinstance(contents[0], dict) and isinstance(contents[0].get("value"), str):
        value = contents[0]["value"]
        return bounded(value if contents[0].get("type") == "text/plain" else html_to_text(value))
    return _field_text(entry, "summary")


def _created_at(entry: Any) -> tuple[datetime, bool]:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc), False
    return datetime.now(timezone.utc), True


def _language(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower().split("-")[0][:8] or None


def unwrap_google_redirect(link: str | None) -> str | None:
    """Google Alerts links go through google.com/url?...&url=<article>: keep the article, if it is http(s)."""
    if link is None:
        return None
    parts = urlsplit(link)
    if parts.hostname in GOOGLE_REDIRECT_HOSTS and parts.path == "/url":
        target = parse_qs(parts.query).get("url") or parse_qs(parts.query).get("q") or []
        return http_url(target[0]) if target else None
    return link
