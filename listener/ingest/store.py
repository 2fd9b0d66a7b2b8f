"""Store a page of mentions exactly once and link every one of them to the source that heard it.

Building a row (its fingerprint above all) and sending it costs more than finding out that its key is stored,
and overlapping polls repeat much of what they fetch; so the stored keys are looked up first and only the rest
is built and inserted. Another run may store one of those in between: INSERT .. ON CONFLICT DO NOTHING skips
it, and it is looked up again once that run has committed, and linked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from listener.base import RawMention
from listener.ingest import pg_bulk
from listener.ingest.duplicates import fingerprint_hash
from models import Mention, MentionSource, MentionStatus
from models.base import utcnow

Key = tuple[str, str]  # (network, external_id)
NEW = MentionStatus.new.value


def store_page(session: Session, mentions: Sequence[RawMention], *, source_id: int) -> dict[int, dict[str, Any]]:
    """Insert the mentions not stored yet and link every mention to the source; returns the new rows by id."""
    heard = first_of_each(mentions)
    if not heard:
        return {}
    now = utcnow()
    if _postgresql(session):
        pg_bulk.plan_for_each_page(session)
    stored = stored_ids(session, list(heard))
    rows = {key: mention_row(mention, source_id, now) for key, mention in heard.items() if key not in stored}
    if _postgresql(session):
        inserted = pg_bulk.insert_and_link(session, rows, stored_ids=list(stored.values()), source_id=source_id,
                                           now=now)
    else:
        inserted = _insert_sqlite(session, rows)
        link(session, [*stored.values(), *inserted.values()], source_id=source_id, now=now)
    missed = [key for key in rows if key not in inserted]
    if missed:  # stored by another run since the lookup; the insert waited for its commit, so a new query sees it
        link(session, list(stored_ids(session, missed).values()), source_id=source_id, now=now)
    return {row_id: rows[key] for key, row_id in inserted.items()}


def first_of_each(mentions: Sequence[RawMention]) -> dict[Key, RawMention]:
    """The same post twice in one page would make the database statement ambiguous: keep the first."""
    heard: dict[Key, RawMention] = {}
    for mention in mentions:
        heard.setdefault((mention.network, mention.external_id), mention)
    return heard


def stored_ids(session: Session, keys: Sequence[Key]) -> dict[Key, int]:
    if _postgresql(session):
        return pg_bulk.stored_ids(session, keys)
    statement = (sa.select(col(Mention.id), col(Mention.network), col(Mention.external_id))
                 .where(sa.tuple_(col(Mention.network), col(Mention.external_id)).in_(keys)))
    return {(network, external_id): row_id for row_id, network, external_id in session.execute(statement)}


def link(session: Session, mention_ids: Sequence[int], *, source_id: int, now: datetime) -> None:
    if not mention_ids:
        return
    insert = postgresql.insert if _postgresql(session) else sqlite.insert
    statement = insert(MentionSource).on_conflict_do_nothing(index_elements=["mention_id", "source_id"])
    session.execute(statement, [{"mention_id": mention_id, "source_id": source_id, "first_seen_at": now}
                                for mention_id in mention_ids])


def mention_row(mention: RawMention, source_id: int, now: datetime) -> dict[str, Any]:
    return {
        "network": mention.network, "external_id": mention.external_id, "source_id": source_id,
        "author": mention.author, "author_id": mention.author_id, "title": mention.title, "text": mention.text,
        "rating": mention.rating, "url": mention.url, "language_hint": mention.language,
        "in_reply_to_brand": mention.in_reply_to_brand, "created_at": mention.created_at,
        "collected_at": now, "status": NEW, "extra": mention.extra, "fingerprint": fingerprint_hash(mention.text),
    }


def _insert_sqlite(session: Session, rows: dict[Key, dict[str, Any]]) -> dict[Key, int]:
    """One INSERT .. ON CONFLICT DO NOTHING; returns the ids of the rows that were new, by key."""
    if not rows:
        return {}
    # Into the table, not the ORM entity: the ORM's bulk insert would first inspect every row on its own.
    table = Mention.metadata.tables["mention"]
    statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=["network", "external_id"])
    # executemany + RETURNING runs as SQLAlchemy's batched "insertmanyvalues", not one statement per row
    returning = statement.returning(table.c.id, table.c.network, table.c.external_id)
    return {(network, external_id): row_id
            for row_id, network, external_id in session.execute(returning, list(rows.values()))}


def _postgresql(session: Session) -> bool:
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"ingestion supports SQLite and PostgreSQL, not {dialect}")
    return dialect == "postgresql"
