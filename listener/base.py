"""What every collector produces and how it fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class RawMention:
    """One post or review as a collector hands it over, before storage."""

    network: str
    external_id: str
    text: str
    created_at: datetime
    author: str = ""
    author_id: str | None = None
    title: str | None = None
    rating: int | None = None
    url: str | None = None
    language: str | None = None
    in_reply_to_brand: bool | None = None
    extra: dict[str, Any] | None = None


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Batch:
    """The mentions one fetch found, the cursor that covers them, and the rows it had to skip."""

    mentions: list[RawMention]
    cursor: dict[str, Any] | None
    errors: list[RowError] = field(default_factory=list)
    more: bool = False


class CollectorError(Exception):
    """A fetch failed. Transient ones are retried later; permanent ones disable the source."""

    transient = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentCollectorError(CollectorError):
    transient = False


class Collector(Protocol):
    """One per network, built with the Settings (credentials). `fetch` only reads: ingestion stores the batch
    and its cursor together. What it can see (its coverage) is in its spec (listener.platforms)."""

    def fetch(self, config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch: ...
