"""Row ids and counts from URLs, forms and query strings: ids are database BIGINTs, so anything larger names no row.

SQLite's driver raises OverflowError for integers past 2**63 - 1, and str.isdigit accepts "²", on which int()
raises: bounded and ASCII-only here, such a value is "not an id" (a 404 or a 400), never a 500."""

from __future__ import annotations

MAX_ROW_ID = 2**63 - 1


def parse_row_id(raw: str | None) -> int | None:
    """The id a form field or query parameter names, or None when it is not one."""
    value = parse_count(raw)
    return value if value else None


def parse_count(raw: str | None) -> int | None:
    """A whole number from a form (a draft's version, a row count), or None. ASCII digits only: str.isdigit also
    accepts "²", on which int() raises, and the BIGINT bound keeps the database from overflowing."""
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= MAX_ROW_ID else None
