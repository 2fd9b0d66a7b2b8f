"""X collectors (API v2 through tweepy): the brand account's mentions timeline and recent search.

Both read one page per fetch. The cursor keeps `since_id` fixed while a run pages back through
`next_token`, and carries the newest id seen so far as `newest_id`; only the last page moves `since_id`
forward. Each page is stored with its cursor, so a crash mid-run resumes at the page it stopped on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import requests
import tweepy

from listener.base import Batch, CollectorError, PermanentCollectorError, RawMention, RowError
from listener.http.fetch import reason
from listener.platforms.x import client as x_client
from listener.platforms.x import map_x_error
from listener.query.native import native_query, to_x
from listener.text import MAX_TEXT_CHARS, clean_text
from settings import Settings

PAGE_SIZE = 100
EXPANSIONS = ["author_id", "referenced_tweets.id", "in_reply_to_user_id", "referenced_tweets.id.author_id"]
TWEET_FIELDS = ["created_at", "lang", "conversation_id", "in_reply_to_user_id", "referenced_tweets", "entities",
                "public_metrics"]
USER_FIELDS = ["username", "name"]
# X's codes for "no language": undetermined, media/mentions/hashtags/cashtags only, too short, no text.
NO_LANGUAGE = frozenset({"und", "qme", "zxx", "qam", "qht", "qct", "qst"})
TWITTER_EPOCH_MS = 1288834974657
# Recent search rejects a since_id older than its 7-day window; leave an hour of margin for slow runs.
SEARCH_WINDOW_SECONDS = 7 * 24 * 3600 - 3600


@dataclass(frozen=True)
class Brand:
    user_id: str | None
    username: str | None

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Brand:
        user_id, username = config.get("user_id"), config.get("username")
        return cls(str(user_id) if user_id else None, str(username).lstrip("@").lower() if username else None)

    def is_user(self, user_id: str | None, username: str | None) -> bool:
        if self.user_id and user_id:
            return self.user_id == str(user_id)
        return bool(self.username and username and self.username == username.lower())


class _XCollector:
    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time) -> None:
        self._token = settings.x_bearer_token
        self._clock = clock

    def fetch(self, config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch:
        state = self._resume(dict(cursor or {}))
        page = self._call(lambda client: self._page(client, config, state))
        brand = Brand.from_config(config)
        found, errors = page_mentions(page, brand)
        mentions = [m for m in found if not brand.is_user(m.author_id, m.author)]
        next_state, more = advance(state, page.get("meta") or {})
        return Batch(mentions=mentions, cursor=next_state, errors=errors, more=more)

    def _resume(self, state: dict[str, Any]) -> dict[str, Any]:
        return state

    def _page(self, client: tweepy.Client, config: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _call(self, request: Callable[[tweepy.Client], dict[str, Any]]) -> dict[str, Any]:
        if self._token is None or not self._token.get_secret_value():
            raise PermanentCollectorError("X_BEARER_TOKEN is not set")
        # Never sleep inside a worker: a 429 becomes a retry scheduled for the reset time.
        client = x_client(self._token.get_secret_value())
        try:
            return request(client)
        except tweepy.TweepyException as error:
            raise map_x_error(error, self._clock()) from error
        except requests.RequestException as error:
            raise CollectorError(f"X could not be reached: {error}") from error
        finally:
            client.session.close()


class XMentionsCollector(_XCollector):
    """config: {"user_id": brand account id, "username": brand handle}."""

    def _page(self, client: tweepy.Client, config: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        if not config.get("user_id"):
            raise PermanentCollectorError("x_mentions needs the brand account's user_id in its config")
        page: dict[str, Any] = client.get_users_mentions(
            id=str(config["user_id"]), since_id=state.get("since_id"), pagination_token=state.get("next_token"),
            max_results=PAGE_SIZE, expansions=EXPANSIONS, tweet_fields=TWEET_FIELDS, user_fields=USER_FIELDS)
        return page


class XSearchCollector(_XCollector):
    """config: {"query": listening query, "exclude_retweets": bool, "user_id"/"username": the brand account}."""

    def _resume(self, state: dict[str, Any]) -> dict[str, Any]:
        since_id = state.get("since_id")
        if since_id and self._clock() - snowflake_time(str(since_id)) > SEARCH_WINDOW_SECONDS:
            return {}  # start over inside the window; ingestion drops what was already stored
        return state

    def _page(self, client: tweepy.Client, config: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        query = native_query(config.get("query"), to_x)
        if config.get("exclude_retweets"):
            query += " -is:retweet"  # an X-only operator, kept out of the portable query language
        page: dict[str, Any] = client.search_recent_tweets(
            query=query, since_id=state.get("since_id"), next_token=state.get("next_token"),
            max_results=PAGE_SIZE, expansions=EXPANSIONS, tweet_fields=TWEET_FIELDS, user_fields=USER_FIELDS)
        return page


def advance(state: dict[str, Any], meta: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The cursor after storing this page, and whether another page follows."""
    since_id = state.get("since_id")
    newest = max_id(state.get("newest_id"), meta.get("newest_id"))
    if meta.get("next_token"):
        pending = {"since_id": since_id, "next_token": meta["next_token"], "newest_id": newest}
        return {k: v for k, v in pending.items() if v is not None}, True
    done = newest or since_id
    return ({"since_id": done} if done else {}), False


def max_id(*ids: str | None) -> str | None:
    present = [str(i) for i in ids if i]
    return max(present, key=int) if present else None


def snowflake_time(tweet_id: str) -> float:
    """X ids carry their creation time (milliseconds since X's epoch) in the bits above 22."""
    return ((int(tweet_id) >> 22) + TWITTER_EPOCH_MS) / 1000


def page_mentions(page: dict[str, Any], brand: Brand) -> tuple[list[RawMention], list[RowError]]:
    """The page's posts as mentions, and the ones that cannot be read, skipped so the rest of the page is kept."""
    includes = page.get("includes") or {}
    users = _by_id(includes.get("users"))
    tweets = _by_id(includes.get("tweets"))
    mentions: list[RawMention] = []
    errors: list[RowError] = []
    for index, tweet in enumerate(page.get("data") or []):
        try:
            mentions.append(to_mention(tweet, users, tweets, brand))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            errors.append(RowError(index, f"post {_shown_id(tweet)} skipped: {reason(error)}"))
    return mentions, errors


def _by_id(items: Any) -> dict[str, Any]:
    return {item["id"]: item for item in items or [] if isinstance(item, dict) and "id" in item}


def _shown_id(tweet: Any) -> str:
    return str(tweet.get("id"))[:30] if isinstance(tweet, dict) else "?"


def to_mention(tweet: dict[str, Any], users: dict[str, Any], tweets: dict[str, Any], brand: Brand) -> RawMention:
    tweet_id = str(tweet["id"])
    author_id = tweet.get("author_id")
    username = (users.get(author_id) or {}).get("username") if author_id else None
    mentioned, quoted = mentions_brand(tweet, brand), quotes_brand(tweet, users, tweets, brand)
    lang = tweet.get("lang")
    return RawMention(
        network="x", external_id=tweet_id, text=clean_text(tweet.get("text", ""))[:MAX_TEXT_CHARS],
        created_at=created_time(tweet), author=username or "", author_id=author_id,
        url=status_url(tweet_id, username), language=None if lang in NO_LANGUAGE else lang,
        in_reply_to_brand=mentioned or quoted,
        extra={"conversation_id": tweet.get("conversation_id"), "in_reply_to_user_id": tweet.get("in_reply_to_user_id"),
               "referenced": [{"type": r["type"], "id": r["id"]} for r in tweet.get("referenced_tweets", [])],
               "mentioned_brand": mentioned, "quoted_brand": quoted},
    )


def created_time(tweet: dict[str, Any]) -> datetime:
    value = tweet.get("created_at")
    if not isinstance(value, str) or not value:
        raise ValueError("created_at is missing")
    created = datetime.fromisoformat(value)
    return created if created.tzinfo else created.replace(tzinfo=timezone.utc)


def mentions_brand(tweet: dict[str, Any], brand: Brand) -> bool:
    mentions = (tweet.get("entities") or {}).get("mentions", [])
    return any(brand.is_user(m.get("id"), m.get("username")) for m in mentions)


def quotes_brand(tweet: dict[str, Any], users: dict[str, Any], tweets: dict[str, Any], brand: Brand) -> bool:
    for reference in tweet.get("referenced_tweets", []):
        quoted = tweets.get(reference["id"]) if reference["type"] == "quoted" else None
        author_id = str(quoted.get("author_id") or "") if quoted else ""
        if quoted and brand.is_user(author_id, (users.get(author_id) or {}).get("username")):
            return True
    return False


def status_url(tweet_id: str, username: str | None) -> str:
    return f"https://x.com/{username}/status/{tweet_id}" if username else f"https://x.com/i/web/status/{tweet_id}"
