"""Paging and parsing shared by the review-site collectors (App Store Connect, Google Play, GBP, Trustpilot);
their HTTP is listener.http.api.

Every review API here lists newest first in pages. A collector walks pages from the top until it reaches
reviews an earlier walk already stored; the cursor keeps the walk's position between fetches and, once the
walk ends, the newest (time, ids) it saw as the stop mark for the next walk.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Generic, TypeVar

import httpx

from listener.base import Batch, RawMention, RowError
from listener.http.api import TOKENS, PlatformRejected, TokenCache, bounded, new_client
from listener.text import MAX_TEXT_CHARS
from settings import Settings

# In RawMention.extra: when the review's author last edited it, per the platform (ISO 8601); see
# listener.ingest.revisions
EDITED_AT = "edited_at"
TargetT = TypeVar("TargetT")


class ItemInvalid(ValueError):
    """One review in a page cannot become a mention; it is skipped and reported."""


def obj(value: Any) -> dict[str, Any]:
    """A JSON object field, or an empty one when the platform sent something else."""
    return value if isinstance(value, dict) else {}


def review_text(value: Any) -> str:
    return "" if value is None else bounded(value, MAX_TEXT_CHARS)


def parse_time(value: Any, name: str) -> datetime:
    if not isinstance(value, str) or not value:
        raise ItemInvalid(f"{name} is missing")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ItemInvalid(f"{name} {value[:40]!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise ItemInvalid(f"{name} {value[:40]!r} has no time zone")
    return parsed.astimezone(timezone.utc)


def review_id(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 128:
        raise ItemInvalid(f"{name} is missing or longer than 128 characters")
    return value.strip()


def star_rating(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ItemInvalid(f"{name} {str(value)[:20]!r} is not a whole number of stars from 1 to 5")
    return value


def language_code(value: Any) -> str | None:
    """Platforms write ja_JP, pt-BR or en; the mention keeps the language part."""
    if not isinstance(value, str):
        return None
    code = value.replace("-", "_").split("_")[0].strip().lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


@dataclass(frozen=True)
class Mark:
    """A point in the feed: the newest time seen and the ids at that instant. Older items are stored."""

    at: datetime | None = None
    ids: frozenset[str] = frozenset()

    def covers(self, when: datetime, item_id: str) -> bool:
        return self.at is not None and (when < self.at or (when == self.at and item_id in self.ids))

    def advanced(self, when: datetime, item_id: str) -> Mark:
        if self.at is None or when > self.at:
            return Mark(when, frozenset({item_id}))
        return Mark(self.at, self.ids | {item_id}) if when == self.at else self

    def dump(self) -> dict[str, Any] | None:
        return None if self.at is None else {"at": self.at.isoformat(), "ids": sorted(self.ids)}

    @classmethod
    def load(cls, data: Any) -> Mark:
        if not isinstance(data, dict) or not data.get("at"):
            return cls()
        return cls(datetime.fromisoformat(data["at"]), frozenset(str(i) for i in data.get("ids", [])))


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next: str | None
    related: dict[str, Any] = field(default_factory=dict)  # e.g. included resources, by id


@dataclass(frozen=True)
class Parsed:
    when: datetime  # the time the feed is ordered by
    mention: RawMention


class ReviewCollector(ABC, Generic[TargetT]):
    """Walks a newest-first review feed page by page; subclasses say how to ask and how to read a review."""

    def __init__(self, settings: Settings | None = None, tokens: TokenCache = TOKENS) -> None:
        self.settings = settings
        self.tokens = tokens

    def fetch(self, config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch:
        target = self.target(config or {})
        cursor = cursor or {}
        walk = cursor.get("walk") or {}
        with new_client() as client:
            page, walk = self._resume(client, target, walk)
        return self._walk(page, target, Mark.load(cursor.get("stop")), walk)

    def _resume(self, client: httpx.Client, target: TargetT, walk: dict[str, Any]) -> tuple[Page, dict[str, Any]]:
        """A continuation the platform no longer accepts (an expired page token) restarts the walk at the top."""
        token = walk.get("next")
        try:
            return self.page(client, target, token), walk
        except PlatformRejected as error:
            if token is None or error.status not in (400, 404, 410):
                raise
        return self.page(client, target, None), {}

    def _walk(self, page: Page, target: TargetT, stop: Mark, walk: dict[str, Any]) -> Batch:
        seen = Mark.load(walk.get("seen")) if walk.get("seen") else stop
        offset = int(walk.get("offset", 0))
        mentions: list[RawMention] = []
        errors: list[RowError] = []
        reached = False
        for index, item in enumerate(page.items, start=offset + 1):
            try:
                parsed = self.parse(item, target, page)
            except ItemInvalid as error:
                errors.append(RowError(index, f"{_label(item)}: {error}"))
                continue
            if stop.covers(parsed.when, parsed.mention.external_id):
                reached = True
                continue
            seen = seen.advanced(parsed.when, parsed.mention.external_id)
            mentions.append(parsed.mention)
        if reached or not page.next:
            return Batch(mentions, {"stop": seen.dump()}, errors, more=False)
        walk = {"next": page.next, "seen": seen.dump(), "offset": offset + len(page.items)}
        return Batch(mentions, {"stop": stop.dump(), "walk": walk}, errors, more=True)

    @abstractmethod
    def target(self, config: dict[str, Any]) -> TargetT:
        """The validated Source.config (ids that go into URLs are checked here)."""

    @abstractmethod
    def page(self, client: httpx.Client, target: TargetT, token: str | None) -> Page:
        """One page of reviews: the first when token is None, else the one the token continues to."""

    @abstractmethod
    def parse(self, item: Any, target: TargetT, page: Page) -> Parsed:
        """One review as a mention, or ItemInvalid."""


def _label(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("id", "reviewId", "name"):
            if isinstance(item.get(key), str):
                return f"review {bounded(item[key], 80)}"
    return "review"
