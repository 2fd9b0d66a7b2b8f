"""Row ids from URLs and forms: positive and within a database BIGINT, or not an id at all.

SQLite's driver raises OverflowError for integers past 2**63 - 1, so an unbounded id from a URL or a form was
a 500; bounded here, it is a 404 (in a URL) or a 400 (in a form), as the API already answers.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Map

from models.row_ids import MAX_ROW_ID


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: larger values do not match, so the route answers 404."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_ROW_ID, signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


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
