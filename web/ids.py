"""Row ids in URLs: positive and within a database BIGINT, or the route does not match (404). Forms and query
strings parse theirs with models.row_ids.parse_row_id (a 400)."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Map

from models.row_ids import MAX_ROW_ID


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: larger values do not match, so the route answers 404."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_ROW_ID, signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
