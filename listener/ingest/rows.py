"""Turning one exported row (CSV or JSONL) into a RawMention, or a clear reason why not."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from listener.base import RawMention
from listener.platforms import NETWORK_NAMES
from listener.text import MAX_TEXT_CHARS, clean_text

MAX_FIELD_CHARS = 2_000
REQUIRED = ("network", "external_id", "text", "created_at")
TRUE_WORDS = {"1", "true", "yes", "y", "t"}
FALSE_WORDS = {"0", "false", "no", "n", "f", ""}


class RowInvalid(ValueError):
    """The row cannot become a mention; the message says which field and why."""


def row_to_mention(row: dict[str, Any], *, default_network: str | None = None) -> RawMention:
    if not isinstance(row, dict):
        raise RowInvalid("expected an object with named fields")
    values = {key.strip().lower(): value for key, value in row.items() if isinstance(key, str)}
    if default_network and not values.get("network"):
        values["network"] = default_network
    missing = [name for name in REQUIRED if _blank(values.get(name))]
    if missing:
        raise RowInvalid(f"missing required field(s): {', '.join(missing)}")
    return RawMention(
        network=_network(values["network"]),
        external_id=_short(values["external_id"], "external_id", limit=128),
        text=_text(values["text"]),
        created_at=parse_timestamp(values["created_at"]),
        author=_optional(values.get("author"), "author", limit=200) or "",
        author_id=_optional(values.get("author_id"), "author_id", limit=128),
        title=_optional(values.get("title"), "title", limit=500),
        rating=_rating(values.get("rating")),
        url=_url(values.get("url")),
        language=_optional(values.get("language"), "language", limit=8),
        in_reply_to_brand=_boolean(values.get("in_reply_to_brand"), "in_reply_to_brand"),
        extra=_extra(values),
    )


def parse_timestamp(value: Any) -> datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise RowInvalid(f"created_at {str(value)[:40]!r} is not an ISO 8601 time or a Unix timestamp") from None
    if parsed.tzinfo is None:
        raise RowInvalid("created_at has no time zone; add Z or an offset such as +09:00")
    return parsed.astimezone(timezone.utc)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _network(value: Any) -> str:
    network = str(value).strip().lower()
    if network not in NETWORK_NAMES:
        raise RowInvalid(f"network {network[:40]!r} is unknown; use one of {', '.join(NETWORK_NAMES)}")
    return network


def _text(value: Any) -> str:
    text = clean_text(str(value)).strip()
    if not text:
        raise RowInvalid("text is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise RowInvalid(f"text is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    return text


def _short(value: Any, name: str, *, limit: int) -> str:
    text = clean_text(str(value)).strip()
    if len(text) > limit:
        raise RowInvalid(f"{name} is longer than {limit} characters")
    return text


def _optional(value: Any, name: str, *, limit: int) -> str | None:
    return None if _blank(value) else _short(value, name, limit=limit)


def _rating(value: Any) -> int | None:
    if _blank(value):
        return None
    try:
        rating = int(float(value))
    except (TypeError, ValueError):
        raise RowInvalid(f"rating {str(value)[:20]!r} is not a number") from None
    if not 1 <= rating <= 5:
        raise RowInvalid(f"rating {rating} is outside 1..5")
    return rating


def _url(value: Any) -> str | None:
    url = _optional(value, "url", limit=MAX_FIELD_CHARS)
    if url is not None and not url.lower().startswith(("https://", "http://")):
        raise RowInvalid("url must start with http:// or https://")
    return url


def _boolean(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return None if word == "" else False
    raise RowInvalid(f"{name} {word[:20]!r} is not true/false")


def _extra(values: dict[str, Any]) -> dict[str, Any] | None:
    known = set(REQUIRED) | {"author", "author_id", "title", "rating", "url", "language", "in_reply_to_brand"}
    extra = {key: value for key, value in values.items() if key not in known and not _blank(value)}
    return {key: value if isinstance(value, (int, float, bool)) else _short(value, key, limit=MAX_FIELD_CHARS)
            for key, value in extra.items()} or None
