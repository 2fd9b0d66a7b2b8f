"""Queue sort orders and the keyset cursor that carries the sort key of the last row shown."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum

from models.row_ids import MAX_ROW_ID


class QueueSort(StrEnum):
    newest = "newest"
    negative = "negative"  # most negative first
    waiting = "waiting"  # longest waiting (oldest) first


SORT_LABELS = {
    QueueSort.newest: "Newest",
    QueueSort.negative: "Most negative",
    QueueSort.waiting: "Longest waiting",
}

SortKey = datetime | float


@dataclass(frozen=True)
class Cursor:
    """Position after the last row shown: the next page starts strictly after (key, id) in sort order."""

    sort: QueueSort
    key: SortKey
    id: int

    def encode(self) -> str:
        key = self.key.isoformat() if isinstance(self.key, datetime) else repr(self.key)
        return f"{self.sort.value}|{key}|{self.id}"

    @classmethod
    def decode(cls, raw: str) -> Cursor:
        parts = raw.split("|")
        if len(parts) != 3 or not parts[2].isdigit() or not 0 < int(parts[2]) <= MAX_ROW_ID:
            raise ValueError("the page cursor must look like <sort>|<key>|<id>")
        try:
            sort = QueueSort(parts[0])
        except ValueError:
            raise ValueError("the page cursor names an unknown sort") from None
        return cls(sort, _decode_key(sort, parts[1]), int(parts[2]))


def _decode_key(sort: QueueSort, raw: str) -> SortKey:
    if sort is QueueSort.negative:
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError("the page cursor's score must be a finite number")
        return value
    created_at = datetime.fromisoformat(raw)
    if created_at.tzinfo is None:
        raise ValueError("the page cursor's time must carry a timezone")
    try:
        return created_at.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError("the page cursor's time is out of range") from None
