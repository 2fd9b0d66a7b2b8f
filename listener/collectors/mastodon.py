"""Mastodon collectors (Mastodon.py): `mastodon_hashtag` reads an instance's public hashtag timeline without
credentials; `mastodon_mentions` reads the brand account's mention notifications with MASTODON_ACCESS_TOKEN.

Paging goes forward with min_id (the 40 items right after the cursor), not since_id: since_id returns the
newest 40 and silently skips whatever lies between the cursor and them when more than 40 arrived.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
)

from listener.base import Batch, CollectorError, PermanentCollectorError, RawMention, RowError
from listener.http.fetch import bounded, bounded_id, html_to_text, http_url, reason
from listener.platforms.mastodon import client as mastodon_client
from listener.platforms.mastodon import describe, instance_url, map_error
from settings import Settings

PAGE_LIMIT = 40
HASHTAG = re.compile(r"^\w{1,100}$")


class _MastodonCollector:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    def fetch(self, config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch:
        base_url = instance_url(config.get("instance"))
        last = _LastResponse()
        client = self._client(base_url, last.session())
        since_id = (cursor or {}).get("since_id")
        try:
            items = self._page(client, config, str(since_id) if since_id else None)
        except MastodonError as error:
            raise self._error(error, client, urlsplit(base_url).netloc, last.body) from error
        if not isinstance(items, list):
            raise CollectorError(f"Mastodon {base_url}: expected a list, got {type(items).__name__}")
        mentions, errors = self._parse(items, base_url)
        newest = _newest_id(items)
        next_cursor = {"since_id": newest or since_id} if (newest or since_id) else None
        # Without a cursor the first page is the newest 40: older history is not backfilled
        return Batch(mentions=mentions, cursor=next_cursor, errors=errors,
                     more=bool(since_id) and len(items) >= PAGE_LIMIT)

    def _client(self, base_url: str, session: requests.Session) -> Mastodon:
        return mastodon_client(base_url, session)

    def _page(self, client: Mastodon, config: dict[str, Any], min_id: str | None) -> Any:
        raise NotImplementedError  # each subclass reads its own endpoint

    def _error(self, error: MastodonError, client: Mastodon, host: str, body: bytes) -> CollectorError:
        return map_error(error, client, host, body)

    def _parse(self, items: list[Any], base_url: str) -> tuple[list[RawMention], list[RowError]]:
        mentions: list[RawMention] = []
        errors: list[RowError] = []
        for index, item in enumerate(items):
            if self._ignored(item):
                continue
            try:
                mentions.append(self._to_mention(item, base_url))
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                errors.append(RowError(index, f"status skipped: {reason(error)}"))
        return mentions, errors

    def _ignored(self, item: Any) -> bool:
        return False

    def _to_mention(self, item: Any, base_url: str) -> RawMention:
        return status_to_mention(item, base_url)


class MastodonHashtagCollector(_MastodonCollector):
    """config: {"instance": "https://mastodon.social", "hashtag": "lumohome"}."""

    def _page(self, client: Mastodon, config: dict[str, Any], min_id: str | None) -> Any:
        tag = str(config.get("hashtag", "")).strip().removeprefix("#")
        if not HASHTAG.match(tag):
            raise PermanentCollectorError("mastodon_hashtag: config needs a hashtag (letters, digits, _)")
        # Without local/remote the instance wants a login unless both its local and remote hashtag feeds are
        # public (Mastodon 4.5 timelines_access); Mastodon.py only warns, and the timeline then answers 422.
        if not client.timeline_is_available("hashtag", local=True, remote=True, with_auth=False):
            raise PermanentCollectorError(login_required(urlsplit(str(client.api_base_url)).netloc))
        return client.timeline_hashtag(tag, min_id=min_id, limit=PAGE_LIMIT)

    def _error(self, error: MastodonError, client: Mastodon, host: str, body: bytes) -> CollectorError:
        # Servers without timelines_access (before 4.5) say so only when the timeline is asked for
        if isinstance(error, MastodonAPIError) and "requires an authenticated user" in describe(error, body):
            return PermanentCollectorError(login_required(host))
        return map_error(error, client, host, body)


class MastodonMentionsCollector(_MastodonCollector):
    """config: {"instance": "https://mastodon.social"}: the instance of the account whose token is set."""

    def _client(self, base_url: str, session: requests.Session) -> Mastodon:
        token = self.settings.mastodon_access_token if self.settings else None
        if token is None or not token.get_secret_value():
            raise PermanentCollectorError("mastodon_mentions needs MASTODON_ACCESS_TOKEN in the settings")
        return mastodon_client(base_url, session, access_token=token.get_secret_value())

    def _page(self, client: Mastodon, config: dict[str, Any], min_id: str | None) -> Any:
        return client.notifications(types=["mention"], min_id=min_id, limit=PAGE_LIMIT)

    def _ignored(self, item: Any) -> bool:
        # Servers older than 3.5 ignore types[]: their favourites and follows are not errors
        return isinstance(item, dict) and item.get("type") != "mention"

    def _to_mention(self, item: Any, base_url: str) -> RawMention:
        if not isinstance(item.get("status"), dict):
            raise ValueError(f"mention {str(item.get('id'))[:30]} has no status (deleted?)")
        mention = status_to_mention(item["status"], base_url)
        extra = {**(mention.extra or {}), "notification_id": str(item.get("id"))}
        return dataclasses.replace(mention, in_reply_to_brand=True, extra=extra)


class _LastResponse:
    """Keeps the body of the last response: Mastodon.py casts a list endpoint's {"error": ...} body to a
    list and so loses the instance's message (e.g. "The access token is invalid")."""

    def __init__(self) -> None:
        self.body = b""

    def session(self) -> requests.Session:
        session = requests.Session()
        session.hooks["response"].append(self._keep)
        return session

    def _keep(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.body = response.content[:4000] if not response.ok else b""


def login_required(host: str) -> str:
    return (f"Mastodon {host} shows its hashtag timelines only to logged-in users, so this source cannot read "
            "them. Listen on an instance whose hashtag timelines are public, or to the brand account's mentions "
            "(mastodon_mentions).")


def status_to_mention(status: Any, base_url: str) -> RawMention:
    """external_id is the ActivityPub URI: the same post seen from two instances (a hashtag source on one,
    the brand's notifications on another) carries two local ids but one URI, so it is stored once.
    extra: instance (host[:port], what thread lookups compare) and instance_url (with its scheme, where the
    poster answers), and the status's id and visibility there."""
    if not isinstance(status, dict):
        raise TypeError("not an object")
    uri, local_id = status.get("uri"), status.get("id")
    if not isinstance(uri, str) or not uri.strip() or local_id is None:
        raise ValueError("status has no uri or id")
    account = status.get("account")
    if not isinstance(account, dict) or not isinstance(account.get("acct"), str):
        raise ValueError(f"status {str(local_id)[:30]} has no account")
    warning = html_to_text(status["spoiler_text"]) if isinstance(status.get("spoiler_text"), str) else ""
    text = bounded("\n\n".join(p for p in (warning, _content(status)) if p))
    if not text:
        raise ValueError(f"status {str(local_id)[:30]} has no text")
    return RawMention(
        network="mastodon", external_id=bounded_id(uri), text=text, title=bounded(warning, 500) or None,
        created_at=_created_at(status.get("created_at")), author=bounded(account["acct"], 200),
        author_id=bounded(str(account.get("id") or ""), 128) or None,
        url=http_url(status.get("url")) or http_url(uri),
        language=bounded(status["language"], 8) if isinstance(status.get("language"), str) else None,
        extra={"instance": urlsplit(base_url).netloc, "instance_url": base_url, "status_id": bounded(str(local_id), 64),
               "visibility": str(status.get("visibility") or "")[:16], **_in_reply_to(status)},
    )


def _in_reply_to(status: dict[str, Any]) -> dict[str, str]:
    # The parent's id on this instance (its URI is not in the status): enough to find it or link to it.
    parent = status.get("in_reply_to_id")
    return {"in_reply_to_id": bounded(str(parent), 64)} if parent is not None else {}


def _content(status: dict[str, Any]) -> str:
    text = html_to_text(status["content"]) if isinstance(status.get("content"), str) else ""
    if text:
        return text
    media = status.get("media_attachments")
    alts = [m.get("description") for m in media if isinstance(m, dict)] if isinstance(media, list) else []
    return "\n".join(f"[media: {alt}]" for alt in alts if isinstance(alt, str) and alt.strip())


def _created_at(value: Any) -> datetime:
    # Mastodon.py has already turned valid times into datetimes; what is left is missing or malformed
    if not isinstance(value, datetime):
        raise ValueError("created_at is missing or not a time")
    return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _newest_id(items: list[Any]) -> str | None:
    # Ids are numeric strings of growing length: compare by length, then text
    ids = [str(i["id"]) for i in items if isinstance(i, dict) and str(i.get("id", "")).isdigit()]
    return max(ids, key=lambda i: (len(i), i)) if ids else None
