"""The `replay` collector: drips a recorded export into the queue over time, as if it were live.

Rows up to `split` (file time) are history and appear at once, shifted so that `split` lands on `anchor`
(the moment the demo was loaded). Later rows are released when their time, sped up by `speed`, has come.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from listener.base import Batch, PermanentCollectorError, RawMention, RowError
from listener.collectors.importer import detect_format, import_file, read_rows
from listener.ingest.rows import RowInvalid, parse_timestamp, row_to_mention
from settings import Settings

DEMO_FILE = Path(__file__).resolve().parents[1] / "demo" / "mentions.jsonl"
PAGE_ROWS = 500


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@lru_cache(maxsize=4)
def load_recording(path: Path, mtime: float) -> tuple[tuple[RawMention, ...], tuple[RowError, ...]]:
    """Parse once per file version; the recording is sorted by time so a row index is a valid cursor."""
    mentions: list[RawMention] = []
    errors: list[RowError] = []
    for number, row in read_rows(path, detect_format(path)):
        if isinstance(row, RowError):
            errors.append(row)
            continue
        try:
            mentions.append(row_to_mention(row))
        except RowInvalid as error:
            errors.append(RowError(number, str(error)))
    mentions.sort(key=lambda mention: mention.created_at)
    return tuple(mentions), tuple(errors)


def shifted_time(original: datetime, *, split: datetime, anchor: datetime, speed: float) -> datetime:
    offset = original - split
    return anchor + (offset if offset <= timedelta(0) else offset / speed)


class ReplayCollector:
    """config: {"anchor": ISO time, "split": ISO time in the file, "speed": float, "path": optional file}."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = _utcnow) -> None:
        self.settings = settings
        self.clock = clock

    def fetch(self, config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch:
        path = self._recording_path(config.get("path"))
        recording, errors = load_recording(path, path.stat().st_mtime)
        try:
            anchor, split = parse_timestamp(config["anchor"]), parse_timestamp(config["split"])
            speed = float(config.get("speed", 60.0))
        except (KeyError, ValueError) as error:
            raise PermanentCollectorError(f"replay source is misconfigured: {error}") from None
        start = int((cursor or {}).get("index", 0))
        now = self.clock()
        released: list[RawMention] = []
        for mention in recording[start:start + PAGE_ROWS]:
            when = shifted_time(mention.created_at, split=split, anchor=anchor, speed=speed)
            if when > now:
                break
            released.append(_with_time(mention, when))
        end = start + len(released)
        more = len(released) == PAGE_ROWS and end < len(recording)
        return Batch(mentions=released, cursor={"index": end}, errors=list(errors) if start == 0 else [], more=more)

    def _recording_path(self, configured: object) -> Path:
        """The bundled recording, or a file in the import directory: a source never reads elsewhere."""
        if not configured:
            return DEMO_FILE
        return import_file(str(configured), self.settings.import_dir)


def _with_time(mention: RawMention, when: datetime) -> RawMention:
    extra = {**(mention.extra or {}), "recorded_at": mention.created_at.isoformat()}
    return replace(mention, created_at=when, extra=extra)
