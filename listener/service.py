"""Ingestion: store a fetched batch exactly once and advance the source's cursor in the same transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col

from listener.base import Batch, CollectorError, PermanentCollectorError, RawMention, RowError
from listener.query import QuerySyntaxError, matches, parse
from listener.registry import load_collector
from models import Mention, MentionStatus, Source, record_event
from models.base import utcnow
from models.db import session_scope
from settings import Settings

log = logging.getLogger(__name__)
MAX_ERRORS_SHOWN = 5


@dataclass
class IngestResult:
    source_id: int
    fetched: int
    inserted_ids: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    more: bool = False
    failure: CollectorError | None = None
    filtered_out: int = 0

    @property
    def duplicates(self) -> int:
        return self.fetched - self.filtered_out - len(self.inserted_ids)


@dataclass(frozen=True)
class SourceSnapshot:
    id: int
    collector: str
    config: dict[str, Any]
    cursor: dict[str, Any] | None
    enabled: bool


def snapshot(session: Session, source_id: int) -> SourceSnapshot:
    source = session.get_one(Source, source_id)
    return SourceSnapshot(id=source_id, collector=source.collector, config=dict(source.config),
                          cursor=source.cursor, enabled=source.enabled)


def collect_page(session_factory: sessionmaker[Session], source_id: int, *, settings: Settings) -> IngestResult:
    """Fetch one page with no transaction open, then store it and its cursor in one short transaction.

    If another run moved the cursor meanwhile, this page is dropped: that run stored the same rows, and
    whatever else this page held is fetched again from the new cursor. A failed fetch is recorded on the
    source and returned, not raised.
    """
    with session_scope(session_factory) as session:
        before = snapshot(session, source_id)
    if not before.enabled:
        return IngestResult(source_id=source_id, fetched=0)
    try:
        batch = load_collector(before.collector, settings).fetch(before.config, before.cursor)
    except CollectorError as error:
        with session_scope(session_factory) as session:
            _record_failure(session, session.get_one(Source, source_id), error)
        return IngestResult(source_id=source_id, fetched=0, failure=error)
    with session_scope(session_factory) as session:
        source = session.get_one(Source, source_id, with_for_update=True)
        if source.cursor != before.cursor:
            return IngestResult(source_id=source_id, fetched=0, more=True)
        return ingest(session, source, batch)


def ingest(session: Session, source: Source, batch: Batch) -> IngestResult:
    """Store the batch's new mentions that match the source's query, and its cursor.

    An invalid stored query fails the source like a permanent collector error and leaves the cursor where it
    was: storing the batch unfiltered would queue replies to people who never mentioned the brand, and once the
    query is fixed the same page is fetched again.
    """
    try:
        wanted = matching_mentions(source.config, batch.mentions)
    except QuerySyntaxError as error:
        failure = PermanentCollectorError(f"the query is invalid: {error.message} (at column {error.position + 1})")
        _record_failure(session, source, failure)
        return IngestResult(source_id=_id(source), fetched=0, failure=failure)
    inserted = insert_new_mentions(session, wanted, source_id=source.id)
    source.cursor = batch.cursor
    source.items_collected += len(inserted)
    source.last_run_at = utcnow()
    source.last_error = summarize_errors(batch.errors)
    session.add(source)
    session.flush()
    if batch.errors:
        log.warning("source %s skipped %d bad row(s): %s", source.id, len(batch.errors), source.last_error)
    return IngestResult(source_id=_id(source), fetched=len(batch.mentions), inserted_ids=inserted,
                        errors=batch.errors, more=batch.more, filtered_out=len(batch.mentions) - len(wanted))


def matching_mentions(config: dict[str, Any], mentions: Sequence[RawMention]) -> Sequence[RawMention]:
    """Native searches are broader than the query (listener.query_compile), so the whole query applies here."""
    text = config.get("query")
    if not text:
        return mentions
    if not isinstance(text, str):
        raise QuerySyntaxError("the query must be text", 0)
    query = parse(text)
    return [mention for mention in mentions if matches(
        query, text=f"{mention.title}\n{mention.text}" if mention.title else mention.text,
        language=mention.language, network=mention.network)]


def insert_new_mentions(session: Session, mentions: Sequence[RawMention], *, source_id: int | None) -> list[int]:
    """One INSERT .. ON CONFLICT DO NOTHING; returns the ids of rows that were new."""
    rows = _unique_rows(mentions, source_id)
    if not rows:
        return []
    statement = _insert_for(session).on_conflict_do_nothing(index_elements=["network", "external_id"])
    # executemany + RETURNING runs as SQLAlchemy's batched "insertmanyvalues", not one statement per row
    result = session.execute(statement.returning(col(Mention.id), sort_by_parameter_order=True), rows)
    return sorted(row[0] for row in result)


def _insert_for(session: Session) -> sqlite.Insert | postgresql.Insert:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(Mention)
    if dialect == "sqlite":
        return sqlite.insert(Mention)
    raise NotImplementedError(f"ingestion supports SQLite and PostgreSQL, not {dialect}")


def _unique_rows(mentions: Sequence[RawMention], source_id: int | None) -> list[dict[str, object]]:
    """The same post twice in one batch would make the database statement ambiguous: keep the first."""
    seen: dict[tuple[str, str], dict[str, object]] = {}
    now = utcnow()
    for mention in mentions:
        seen.setdefault((mention.network, mention.external_id), _row(mention, source_id, now))
    return list(seen.values())


def _row(mention: RawMention, source_id: int | None, now: object) -> dict[str, object]:
    return {
        "network": mention.network, "external_id": mention.external_id, "source_id": source_id,
        "author": mention.author, "author_id": mention.author_id, "title": mention.title, "text": mention.text,
        "rating": mention.rating, "url": mention.url, "language_hint": mention.language,
        "in_reply_to_brand": mention.in_reply_to_brand, "created_at": mention.created_at,
        "collected_at": now, "status": MentionStatus.new.value, "extra": mention.extra,
    }


def summarize_errors(errors: Sequence[RowError]) -> str | None:
    if not errors:
        return None
    shown = "; ".join(str(error) for error in errors[:MAX_ERRORS_SHOWN])
    more = f" (and {len(errors) - MAX_ERRORS_SHOWN} more)" if len(errors) > MAX_ERRORS_SHOWN else ""
    return f"{len(errors)} bad row(s) skipped: {shown}{more}"[:2000]


def _record_failure(session: Session, source: Source, error: CollectorError) -> None:
    source.last_error = str(error)[:2000]
    source.last_run_at = utcnow()
    if not error.transient:
        source.enabled = False
    record_event(session, "source.failed", source_id=source.id, error=str(error)[:500], transient=error.transient)
    session.add(source)
    session.flush()


def _id(source: Source) -> int:
    if source.id is None:
        raise ValueError("the source must be stored before ingesting into it")
    return source.id



@dataclass
class CollectionSummary:
    pages: int = 0
    fetched: int = 0
    inserted: int = 0
    errors: list[RowError] = field(default_factory=list)
    failure: CollectorError | None = None


def run_collection(
    session_factory: sessionmaker[Session], source_id: int, *, settings: Settings, max_pages: int = 100
) -> CollectionSummary:
    """Collect page after page, committing each page with its cursor, until the source has nothing more."""
    summary = CollectionSummary()
    for _ in range(max_pages):
        result = collect_page(session_factory, source_id, settings=settings)
        summary.pages += 1
        summary.fetched += result.fetched
        summary.inserted += len(result.inserted_ids)
        summary.errors.extend(result.errors)
        summary.failure = result.failure
        if result.failure or not result.more:
            break
    return summary
