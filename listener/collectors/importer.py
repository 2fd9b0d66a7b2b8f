"""The `import` collector: a CSV or JSONL export of mentions or reviews, read in pages from a line cursor."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from listener.base import Batch, PermanentCollectorError, RawMention, RowError
from listener.ingest.rows import RowInvalid, row_to_mention
from settings import Settings

PAGE_ROWS = 1_000
FORMATS = ("csv", "jsonl")


class ImportPathRefused(PermanentCollectorError):
    """The path names no file inside the import directory. One message whether the file is missing or lies
    outside, so a source's path cannot be used to learn which files exist elsewhere on the server."""

    def __init__(self, raw: str, import_dir: Path) -> None:
        super().__init__(f"import file not found in the import directory (IMPORT_DIR, {import_dir}): {raw}")


def confined_path(raw: str, import_dir: Path) -> Path:
    """`raw` resolved (symlinks and .. followed) against the import directory; refused unless it stays inside."""
    try:
        root = import_dir.resolve()
        resolved = (root / raw).resolve()  # an absolute raw replaces root, and is then checked like any other
    except (OSError, ValueError, RuntimeError):  # a NUL byte, a symlink loop
        raise ImportPathRefused(raw, import_dir) from None
    if not resolved.is_relative_to(root):
        raise ImportPathRefused(raw, import_dir)
    return resolved


def import_file(raw: str, import_dir: Path) -> Path:
    """The regular file `raw` names inside the import directory; anything else is refused the same way."""
    path = confined_path(raw, import_dir)
    if not path.is_file():
        raise ImportPathRefused(raw, import_dir)
    return path


def detect_format(path: Path, configured: str | None = None) -> str:
    fmt = (configured or path.suffix.lstrip(".")).lower()
    fmt = "jsonl" if fmt in ("ndjson", "json") else fmt
    if fmt not in FORMATS:
        raise PermanentCollectorError(f"{path.name}: unknown format {fmt!r}; use .csv or .jsonl")
    return fmt


def read_rows(path: Path, fmt: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """Yield (line number, row or error) for every data row, with 1-based line numbers as an editor shows."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        if fmt == "jsonl":
            yield from _jsonl_rows(handle)
        else:
            yield from _csv_rows(handle)


def _jsonl_rows(handle: Any) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, RowError(number, f"invalid JSON ({error.msg} at column {error.colno})")
            continue
        yield number, row if isinstance(row, dict) else RowError(number, "expected a JSON object")


def _csv_rows(handle: Any) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    reader = csv.DictReader(handle)
    try:
        for row in reader:
            if None in row:
                yield reader.line_num, RowError(reader.line_num, "more fields than the header names")
                continue
            yield reader.line_num, row
    except csv.Error as error:
        yield reader.line_num, RowError(reader.line_num, f"malformed CSV: {error}")


class ImportCollector:
    """config: {"path": "...", "format": "csv"|"jsonl" (optional), "network": default network (optional)}."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def fetch(self, config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch:
        path = import_file(str(config.get("path", "")), self.settings.import_dir)
        fmt = detect_format(path, config.get("format"))
        done = int((cursor or {}).get("line", 0))
        rows = itertools.islice(((n, r) for n, r in read_rows(path, fmt) if n > done), PAGE_ROWS + 1)
        return self._page(list(rows), done, config.get("network"))

    def _page(self, rows: list[tuple[int, Any]], done: int, network: str | None) -> Batch:
        more = len(rows) > PAGE_ROWS
        rows = rows[:PAGE_ROWS]
        mentions: list[RawMention] = []
        errors: list[RowError] = []
        for number, row in rows:
            if isinstance(row, RowError):
                errors.append(row)
                continue
            try:
                mentions.append(row_to_mention(row, default_network=network))
            except RowInvalid as error:
                errors.append(RowError(number, str(error)))
        last_line = rows[-1][0] if rows else done
        return Batch(mentions=mentions, cursor={"line": last_line}, errors=errors, more=more)
