"""PostgreSQL fast paths for ingestion: a page's rows and keys as JSON parameters, new rows stored and linked in
one statement.

One JSON document is cheap to encode (the C encoder) and to parse (json_to_recordset); the same rows as bind
parameters or arrays cost more in Python than all the database's work on them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

Key = tuple[str, str]  # (network, external_id)

MENTION_COLUMNS = (
    ("network", "text"), ("external_id", "text"), ("source_id", "integer"), ("author", "text"),
    ("author_id", "text"), ("title", "text"), ("text", "text"), ("rating", "integer"), ("url", "text"),
    ("language_hint", "text"), ("in_reply_to_brand", "boolean"), ("created_at", "timestamptz"),
    ("collected_at", "timestamptz"), ("status", "text"), ("extra", "json"), ("fingerprint", "text"),
)

# Built once from the constant column list above; no input reaches the SQL text.
_COLUMN_LIST = ", ".join(name for name, _ in MENTION_COLUMNS)
_RECORD = ", ".join(f"{name} {kind}" for name, kind in MENTION_COLUMNS)

_STORED = sa.text(
    "SELECT mention.id, mention.network, mention.external_id "
    "FROM json_array_elements(CAST(:keys AS json)) AS heard(key) JOIN mention "
    "ON mention.network = heard.key ->> 0 AND mention.external_id = heard.key ->> 1"
)

# Links the rows this statement inserts and those stored before it (their ids looked up by the caller).
_INSERT_AND_LINK = sa.text(
    f"WITH new AS (INSERT INTO mention ({_COLUMN_LIST}) "  # noqa: S608
    f"SELECT {_COLUMN_LIST} FROM json_to_recordset(CAST(:rows AS json)) AS incoming({_RECORD}) "
    "ON CONFLICT (network, external_id) DO NOTHING RETURNING id, network, external_id), "
    "linked AS (INSERT INTO mention_source (mention_id, source_id, first_seen_at) "
    "SELECT id, :source_id, :now FROM new "
    "UNION ALL SELECT CAST(stored.id AS integer), :source_id, :now "
    "FROM json_array_elements_text(CAST(:stored_ids AS json)) AS stored(id) "
    "ON CONFLICT (mention_id, source_id) DO NOTHING) "
    "SELECT id, network, external_id FROM new"
)


def plan_for_each_page(session: Session) -> None:
    """Plan this transaction's statements with their own page and the table as it is now.

    The driver prepares a statement run often; PostgreSQL may then reuse one generic plan, made once, perhaps
    while the table was nearly empty: a hash join over a full scan, which turns every later page into a scan of a
    grown table. A page's plans cost a fraction of a millisecond.
    """
    session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))


def stored_ids(session: Session, keys: Sequence[Key]) -> dict[Key, int]:
    result = session.execute(_STORED, {"keys": json.dumps(keys)}).all()
    return {(network, external_id): row_id for row_id, network, external_id in result}


def insert_and_link(session: Session, rows: dict[Key, dict[str, Any]], *, stored_ids: Sequence[int],
                    source_id: int, now: datetime) -> dict[Key, int]:
    """Insert the rows, skipping any stored meanwhile, and link them and `stored_ids` to the source; returns the
    ids of the rows inserted, by key."""
    parameters = {"rows": json.dumps(list(rows.values()), default=_json_value), "stored_ids": json.dumps(stored_ids),
                  "source_id": source_id, "now": now}
    result = session.execute(_INSERT_AND_LINK, parameters).all()
    return {(network, external_id): row_id for row_id, network, external_id in result}


def _json_value(value: object) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Earful stores only timezone-aware UTC times")
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a mention column: {value!r}")
