"""Ingestion: store a fetched batch exactly once and advance the source's cursor in the same transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col

from listener.base import Batch, CollectorError, PermanentCollectorError, RawMention, RowError
from listener.ingest.bad_rows import record_bad_rows
from listener.ingest.duplicates import Candidate, mark_duplicates
from listener.ingest.revisions import revise_stored
from listener.ingest.store import store_page
from listener.query.language import QuerySyntaxError, matches, parse
from listener.registry import load_collector
from models import Source, record_event
from models.base import utcnow
from models.db import session_scope
from models.mention_text import title_and_text
from settings import Settings

log = logging.getLogger(__name__)
MAX_ERRORS_SHOWN = 5
# A run renews its claim after every page, so only a crashed run leaves a claim this old behind.
RUN_LEASE = timedelta(minutes=10)


@dataclass
class IngestResult:
    source_id: int
    fetched: int
    inserted_ids: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    more: bool = False
    failure: CollectorError | None = None
    filtered_out: int = 0
    duplicates_of: dict[int, int] = field(default_factory=dict)
    revised_ids: list[int] = field(default_factory=list)  # stored reviews their authors edited: to score again

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
    new = store_page(session, wanted, source_id=_id(source))
    revised = revise_stored(session, wanted, inserted={(row["network"], row["external_id"]) for row in new.values()},
                            now=utcnow())
    originals = mark_duplicates(session, [Candidate(row_id, row["created_at"], row["fingerprint"])
                                          for row_id, row in new.items()])
    inserted_ids = sorted(new)
    source.cursor = batch.cursor
    source.items_collected += len(new)
    source.last_run_at = utcnow()
    source.last_error = summarize_errors(batch.errors)
    session.add(source)
    record_bad_rows(session, _id(source), batch.errors)  # last_error is the latest run's; this stays till dismissed
    session.flush()
    if batch.errors:
        log.warning("source %s skipped %d bad row(s): %s", source.id, len(batch.errors), source.last_error)
    return IngestResult(source_id=_id(source), fetched=len(batch.mentions), inserted_ids=inserted_ids,
                        errors=batch.errors, more=batch.more, filtered_out=len(batch.mentions) - len(wanted),
                        duplicates_of=originals, revised_ids=revised)


def matching_mentions(config: dict[str, Any], mentions: Sequence[RawMention]) -> Sequence[RawMention]:
    """Native searches are broader than the query (listener.query.native), so the whole query applies here."""
    text = config.get("query")
    if not text:
        return mentions
    if not isinstance(text, str):
        raise QuerySyntaxError("the query must be text", 0)
    query = parse(text)
    return [mention for mention in mentions if matches(
        query, text=title_and_text(mention),
        language=mention.language, network=mention.network)]


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
        log.warning("source disabled source_id=%s collector=%s reason=%r", source.id, source.collector,
                    str(error)[:500])
    else:
        log.warning("source failed transient source_id=%s collector=%s retry_after=%s reason=%r", source.id,
                    source.collector, error.retry_after, str(error)[:500])
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
    revised: int = 0
    errors: list[RowError] = field(default_factory=list)
    failure: CollectorError | None = None
    already_running: bool = False


def run_collection(
    session_factory: sessionmaker[Session], source_id: int, *, settings: Settings, max_pages: int = 100
) -> CollectionSummary:
    """Collect page after page, committing each page with its cursor, until the source has nothing more.

    Only one run per source at a time: a second one returns at once with `already_running` set."""
    claim = claim_run(session_factory, source_id)
    if claim is None:
        with session_scope(session_factory) as session:
            session.get_one(Source, source_id)  # a source that does not exist is an error, not a busy one
        log.info("collection skipped source_id=%s already_running=1", source_id)
        return CollectionSummary(already_running=True)
    summary = CollectionSummary()
    try:
        for _ in range(max_pages):
            result = collect_page(session_factory, source_id, settings=settings)
            summary.pages += 1
            summary.fetched += result.fetched
            summary.inserted += len(result.inserted_ids)
            summary.revised += len(result.revised_ids)
            summary.errors.extend(result.errors)
            summary.failure = result.failure
            if result.failure or not result.more:
                break
            claim = renew_run(session_factory, source_id, claim)
            if claim is None:  # our lease ran out and another run took the source over
                break
    finally:
        if claim is not None:
            release_run(session_factory, source_id, claim)
    log.info("collection done source_id=%s pages=%d fetched=%d inserted=%d revised=%d bad_rows=%d failure=%s",
             source_id, summary.pages, summary.fetched, summary.inserted, summary.revised, len(summary.errors),
             _failure_kind(summary.failure))
    return summary


def _failure_kind(failure: CollectorError | None) -> str:
    if failure is None:
        return "none"
    return "transient" if failure.transient else "permanent"


def claim_run(session_factory: sessionmaker[Session], source_id: int, *, lease: timedelta = RUN_LEASE,
              ) -> datetime | None:
    """Take the source's run lock with a conditional UPDATE. Returns the claim (its start time, which
    renewing and releasing check) or None while another run's lease is live."""
    now = utcnow()
    free = col(Source.run_started_at).is_(None) | (col(Source.run_started_at) < now - lease)
    return now if _move_claim(session_factory, source_id, free, now) else None


def renew_run(session_factory: sessionmaker[Session], source_id: int, claim: datetime) -> datetime | None:
    now = utcnow()
    return now if _move_claim(session_factory, source_id, col(Source.run_started_at) == claim, now) else None


def release_run(session_factory: sessionmaker[Session], source_id: int, claim: datetime) -> None:
    """Release only our own claim: a run whose lease was taken over must not free the new holder's."""
    _move_claim(session_factory, source_id, col(Source.run_started_at) == claim, None)


def _move_claim(session_factory: sessionmaker[Session], source_id: int, held: sa.ColumnElement[bool],
                to: datetime | None) -> bool:
    statement = sa.update(Source).where(col(Source.id) == source_id, held).values(run_started_at=to)
    with session_scope(session_factory) as session:
        return session.exec(statement.execution_options(synchronize_session=False)).rowcount == 1
