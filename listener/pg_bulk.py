"""PostgreSQL fast paths for ingestion: whole columns as arrays through unnest().

A 1,000-row VALUES list is 17,000 bind parameters that PostgreSQL parses and plans on every batch; the
same rows as one array per column are 16 parameters and a plan it can reuse.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

MENTION_COLUMNS = (
    ("network", "text"), ("external_id", "text"), ("source_id", "integer"), ("author", "text"),
    ("author_id", "text"), ("title", "text"), ("text", "text"), ("rating", "integer"), ("url", "text"),
    ("language_hint", "text"), ("in_reply_to_brand", "boolean"), ("created_at", "timestamptz"),
    ("collected_at", "timestamptz"), ("status", "text"), ("extra", "json"), ("fingerprint", "text"),
)

# Built once from the constant column list above; no input reaches the SQL text.
_COLUMN_LIST = ", ".join(name for name, _ in MENTION_COLUMNS)
_ARRAYS = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in MENTION_COLUMNS)
_INSERT_MENTIONS = sa.text(
    f"INSERT INTO mention ({_COLUMN_LIST}) SELECT * FROM unnest({_ARRAYS}) "  # noqa: S608
    "ON CONFLICT (network, external_id) DO NOTHING RETURNING id, network, external_id"
)

_LINK_SOURCE = sa.text(
    "INSERT INTO mention_source (mention_id, source_id, first_seen_at) "
    "SELECT mention.id, :source_id, :now FROM mention "
    "JOIN unnest(CAST(:networks AS text[]), CAST(:external_ids AS text[])) AS heard(network, external_id) "
    "ON mention.network = heard.network AND mention.external_id = heard.external_id "
    "ON CONFLICT (mention_id, source_id) DO NOTHING"
)


def insert_mentions(session: Session, rows: Sequence[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """{(network, external_id): id} of the rows that were new."""
    columns = {name: [_bind(row[name]) if name == "extra" else row[name] for row in rows]
               for name, _ in MENTION_COLUMNS}
    return {(network, external_id): row_id
            for row_id, network, external_id in session.execute(_INSERT_MENTIONS, columns)}


def link_mentions(session: Session, keys: Sequence[tuple[str, str]], *, source_id: int, now: datetime) -> None:
    session.execute(_LINK_SOURCE, {"source_id": source_id, "now": now, "networks": [k[0] for k in keys],
                                   "external_ids": [k[1] for k in keys]})


def _bind(extra: dict[str, Any] | None) -> str | None:
    return None if extra is None else json.dumps(extra, ensure_ascii=False)
