"""What an RSS/Atom source remembers between fetches, bounded whatever the feed's length.

A feed lists its latest entries and has no "since". Remembering every id would grow with the feed, and
remembering only the latest SEEN_IDS re-sent the rest of a longer feed at every poll. So the memory is:

- `seen`: the ids of the newest entries (undated ones first: a date cannot vouch for them);
- `floor`: the newest date among the dated entries handed over that did not fit in `seen`, with the ids at
  that instant. An entry dated before it (or at it, with one of those ids) was handed over already; this
  trusts a feed not to slip a new entry in below the SEEN_IDS newest it lists;
- `digest`: a hash of the ids the feed listed, in order. The same list again holds nothing new, which keeps
  a long feed of undated entries quiet while it is unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from listener.base import RawMention

SEEN_IDS = 500


@dataclass(frozen=True)
class Floor:
    at: datetime
    ids: frozenset[str]

    def covers(self, when: datetime, entry_id: str) -> bool:
        return when < self.at or (when == self.at and entry_id in self.ids)

    def dump(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "ids": sorted(self.ids)}

    @classmethod
    def load(cls, data: Any) -> Floor | None:
        if not isinstance(data, dict) or not isinstance(data.get("at"), str):
            return None
        return cls(datetime.fromisoformat(data["at"]), frozenset(str(i) for i in data.get("ids", [])))


@dataclass(frozen=True)
class FeedMemory:
    seen: tuple[str, ...] = ()
    floor: Floor | None = None
    digest: str | None = None

    @classmethod
    def load(cls, cursor: dict[str, Any]) -> FeedMemory:
        digest = cursor.get("digest")
        return cls(tuple(str(i) for i in cursor.get("seen", [])), Floor.load(cursor.get("floor")),
                   digest if isinstance(digest, str) else None)

    def dump(self) -> dict[str, Any]:
        return {"seen": list(self.seen), "floor": self.floor.dump() if self.floor else None, "digest": self.digest}

    def new_entries(self, entries: Sequence[RawMention]) -> list[RawMention]:
        """The entries not handed over before."""
        if self.digest is not None and self.digest == listing_digest(entries):
            return []
        seen = set(self.seen)
        return [entry for entry in entries if entry.external_id not in seen and not self._below_floor(entry)]

    def after(self, entries: Sequence[RawMention], *, limit: int = SEEN_IDS) -> FeedMemory:
        """The memory once every entry the feed now lists has been handed over."""
        ordered = [entry.external_id for entry in sorted(entries, key=_newest_first)]
        seen = tuple(dict.fromkeys([*ordered, *self.seen]))[:limit]
        kept = set(seen)
        beyond = [entry for entry in entries if dated(entry) and entry.external_id not in kept]
        return FeedMemory(seen, _raise_floor(self.floor, beyond, limit), listing_digest(entries))

    def _below_floor(self, entry: RawMention) -> bool:
        return self.floor is not None and dated(entry) and self.floor.covers(entry.created_at, entry.external_id)


def dated(entry: RawMention) -> bool:
    """The feed gave this entry a readable date (else created_at is only the time it was fetched)."""
    return not (entry.extra or {}).get("created_at_estimated")


def listing_digest(entries: Sequence[RawMention]) -> str:
    return hashlib.sha256("\n".join(entry.external_id for entry in entries).encode("utf-8")).hexdigest()


def _newest_first(entry: RawMention) -> tuple[int, float]:
    return (0, 0.0) if not dated(entry) else (1, -entry.created_at.timestamp())


def _raise_floor(floor: Floor | None, beyond: Sequence[RawMention], limit: int) -> Floor | None:
    if not beyond:
        return floor
    at = max(entry.created_at for entry in beyond)
    ids = frozenset(entry.external_id for entry in beyond if entry.created_at == at)
    if floor is not None and floor.at > at:
        return floor
    if floor is not None and floor.at == at:
        ids |= floor.ids
    # Past the limit an id is forgotten, so at worst that entry is handed over again (ingestion skips it)
    return Floor(at, frozenset(sorted(ids)[:limit]))
