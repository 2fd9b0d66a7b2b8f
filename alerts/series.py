"""Series kept incrementally: each run reads the mentions scored since a watermark and adds them to their buckets
with one grouped upsert, in the same transaction that moves the watermark, so a worker killed mid-run leaves
nothing half-counted and the next run does the work again.

A mention scored again (its review was edited) is never counted twice: `alert_series_contribution` remembers the
series and bucket it was counted in, and a rescoring moves the difference (e.g. -1 negative, +1 mentions only).
The same ledger makes re-reading harmless, so each run also re-reads a short overlap before the watermark: a
scorer's transaction that committed late with an earlier `scored_at` is still counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from alerts.scope import BUCKET_SIZES, SeriesScope, mention_keys
from models import Correction, Mention
from models.alert_series import AlertSeriesBucket, AlertSeriesContribution, AlertSeriesWatermark
from models.base import utcnow

OVERLAP = timedelta(minutes=10)
BATCH = 5000
UPSERT_CHUNK = 500
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

BucketId = tuple[str, int, datetime]  # series key, bucket seconds, bucket start


@dataclass(frozen=True)
class IngestResult:
    read: int  # mentions read (new and the overlap)
    changed: int  # mentions whose contribution changed
    buckets: int  # bucket rows touched
    more: bool  # the batch was full: run again


def bucket_start(at: datetime, seconds: int) -> datetime:
    at = at.astimezone(timezone.utc)
    offset = int((at - EPOCH).total_seconds()) // seconds * seconds
    return EPOCH + timedelta(seconds=offset)


def bucket_ids(keys: Iterable[str], at: datetime) -> list[BucketId]:
    return [(key, size, bucket_start(at, size)) for key in keys for size in BUCKET_SIZES]


def ingest_scored(session: Session, custom: Sequence[SeriesScope] = (), *, limit: int = BATCH) -> IngestResult:
    """Count the mentions scored since the watermark. The caller commits (once)."""
    mark = _locked_watermark(session)
    newest = _new_mentions(session, mark, limit)
    mentions = _late_mentions(session, mark) + newest
    mentions += _corrected_mentions(session, mark, {mention.id for mention in mentions})
    deltas, changed = _contributions(session, mentions, custom)
    touched = upsert_counts(session, deltas)
    if newest:
        last = max(newest, key=lambda mention: (mention.scored_at or EPOCH, mention.id or 0))
        mark.scored_at, mark.mention_id = last.scored_at, last.id or 0
    mark.updated_at = utcnow()
    session.add(mark)
    session.flush()
    return IngestResult(read=len(mentions), changed=changed, buckets=touched, more=len(newest) == limit)


def _after(mention: Mention, mark: AlertSeriesWatermark) -> bool:
    if mark.scored_at is None:
        return True
    return (mention.scored_at or EPOCH, mention.id or 0) > (mark.scored_at, mark.mention_id)


def _new_mentions(session: Session, mark: AlertSeriesWatermark, limit: int) -> list[Mention]:
    scored = col(Mention.scored_at)
    statement = select(Mention).where(scored.is_not(None))
    if mark.scored_at is not None:
        statement = statement.where(sa.or_(scored > mark.scored_at,
                                           sa.and_(scored == mark.scored_at, col(Mention.id) > mark.mention_id)))
    return list(session.exec(statement.order_by(scored, col(Mention.id)).limit(limit)))


def _corrected_mentions(session: Session, mark: AlertSeriesWatermark, seen: set[int | None]) -> list[Mention]:
    """Mentions staff relabelled since the last run (a correction writes the labels onto the mention without
    touching scored_at): counted again under their new labels. Re-reading the overlap is harmless (the ledger)."""
    at = col(Correction.at)
    recent = select(Correction.mention_id, at)
    if mark.corrected_at is not None:
        recent = recent.where(at >= mark.corrected_at - OVERLAP)
    rows = session.exec(recent).all()
    if not rows:
        return []
    mark.corrected_at = max(max(when for _, when in rows), mark.corrected_at or EPOCH)
    ids = {mention_id for mention_id, _ in rows} - seen
    return list(session.exec(select(Mention).where(col(Mention.id).in_(ids), col(Mention.scored_at).is_not(None)))
                ) if ids else []


def _late_mentions(session: Session, mark: AlertSeriesWatermark) -> list[Mention]:
    """Scored just before the watermark but not counted (or counted for an older scoring): a scorer's transaction
    that committed after a run had read past its `scored_at`."""
    if mark.scored_at is None:
        return []
    scored, ledger = col(Mention.scored_at), AlertSeriesContribution
    statement = (select(Mention).outerjoin(ledger, col(ledger.mention_id) == col(Mention.id))
                 .where(scored >= mark.scored_at - OVERLAP, scored <= mark.scored_at,
                        sa.or_(col(ledger.mention_id).is_(None), col(ledger.scored_at) != scored)))
    return [mention for mention in session.exec(statement) if not _after(mention, mark)]


def _locked_watermark(session: Session) -> AlertSeriesWatermark:
    """The one watermark row, locked for the run (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already
    serialises writers), so two runs never count the same mentions at once."""
    table = AlertSeriesWatermark.__table__  # type: ignore[attr-defined]
    _insert(session, table, [{"id": 1, "mention_id": 0, "updated_at": utcnow()}],
            conflict=("id",), update=None)
    return session.exec(select(AlertSeriesWatermark).where(col(AlertSeriesWatermark.id) == 1)
                        .with_for_update().execution_options(populate_existing=True)).one()


def _contributions(session: Session, mentions: Sequence[Mention],
                   custom: Sequence[SeriesScope]) -> tuple[Counter[BucketId], int]:
    ids = [mention.id for mention in mentions if mention.id is not None]
    ledger = {row.mention_id: row for row in session.exec(
        select(AlertSeriesContribution).where(col(AlertSeriesContribution.mention_id).in_(ids)))} if ids else {}
    deltas: Counter[BucketId] = Counter()
    changed = 0
    for mention in mentions:
        keys = mention_keys(mention, custom)
        previous = ledger.get(mention.id or 0)
        if (previous is not None and previous.keys == keys and previous.bucket_time == mention.created_at
                and previous.scored_at == mention.scored_at):
            continue
        changed += 1
        if previous is not None:
            deltas.subtract(bucket_ids(previous.keys, previous.bucket_time))
            previous.keys, previous.bucket_time = keys, mention.created_at
            previous.scored_at = mention.scored_at or utcnow()
            session.add(previous)
        else:
            session.add(AlertSeriesContribution(mention_id=mention.id or 0, bucket_time=mention.created_at, keys=keys,
                                                scored_at=mention.scored_at or utcnow()))
        deltas.update(bucket_ids(keys, mention.created_at))
    return deltas, changed


def upsert_counts(session: Session, deltas: Counter[BucketId]) -> int:
    """Add each delta to its bucket with INSERT ... ON CONFLICT DO UPDATE (PostgreSQL and SQLite alike)."""
    rows = [{"series_key": key, "bucket_seconds": size, "bucket_start": start, "count": delta}
            for (key, size, start), delta in sorted(deltas.items()) if delta != 0]
    table = AlertSeriesBucket.__table__  # type: ignore[attr-defined]
    for chunk in range(0, len(rows), UPSERT_CHUNK):
        _insert(session, table, rows[chunk:chunk + UPSERT_CHUNK],
                conflict=("series_key", "bucket_seconds", "bucket_start"), update="count")
    return len(rows)


def _insert(session: Session, table: object, rows: list[dict[str, object]], *, conflict: tuple[str, ...],
            update: str | None) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)  # type: ignore[arg-type]
    if update is None:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    else:
        column = statement.table.c[update]
        statement = statement.on_conflict_do_update(index_elements=list(conflict),
                                                    set_={update: column + statement.excluded[update]})
    session.execute(statement, rows)


def add_custom_series(session: Session, scope: SeriesScope, *, since: datetime) -> int:
    """Count a new rule's own series over the mentions already counted since `since` (its detector's warm-up),
    recording them in the ledger so a later rescoring moves them too. Returns the mentions counted."""
    _locked_watermark(session)
    rows = session.exec(select(Mention, AlertSeriesContribution)
                        .join(AlertSeriesContribution, col(AlertSeriesContribution.mention_id) == col(Mention.id))
                        .where(col(AlertSeriesContribution.bucket_time) >= since)).all()
    deltas: Counter[BucketId] = Counter()
    counted = 0
    for mention, ledger in rows:
        new = [key for key in scope.custom_keys(mention) if key not in ledger.keys]
        if new:
            counted += 1
            ledger.keys = sorted({*ledger.keys, *new})
            session.add(ledger)
            deltas.update(bucket_ids(new, ledger.bucket_time))
    upsert_counts(session, deltas)
    session.flush()
    return counted


def recompute_counts(session: Session, custom: Sequence[SeriesScope] = ()) -> Counter[BucketId]:
    """Every bucket counted from scratch from the scored mentions: what the incremental counts must equal."""
    counts: Counter[BucketId] = Counter()
    for mention in session.exec(select(Mention).where(col(Mention.scored_at).is_not(None))):
        counts.update(bucket_ids(mention_keys(mention, custom), mention.created_at))
    return counts


def stored_counts(session: Session) -> Counter[BucketId]:
    rows = session.exec(select(AlertSeriesBucket).where(col(AlertSeriesBucket.count) != 0)).all()
    return Counter({(row.series_key, row.bucket_seconds, row.bucket_start): row.count for row in rows})


def series_points(session: Session, series_key: str, bucket_seconds: int, start: datetime,
                  end: datetime) -> list[tuple[datetime, int]]:
    """The counts of one series from `start` to `end` (bucket starts), gaps filled with zeros."""
    first, step = bucket_start(start, bucket_seconds), timedelta(seconds=bucket_seconds)
    counts = dict(session.exec(select(AlertSeriesBucket.bucket_start, AlertSeriesBucket.count).where(
        col(AlertSeriesBucket.series_key) == series_key, col(AlertSeriesBucket.bucket_seconds) == bucket_seconds,
        col(AlertSeriesBucket.bucket_start) >= first, col(AlertSeriesBucket.bucket_start) < end)).all())
    points, at = [], first
    while at < end:
        points.append((at, int(counts.get(at, 0))))
        at += step
    return points


def series_keys_with_prefix(session: Session, prefix: str, bucket_seconds: int) -> list[str]:
    statement = (select(AlertSeriesBucket.series_key).distinct()
                 .where(col(AlertSeriesBucket.bucket_seconds) == bucket_seconds,
                        col(AlertSeriesBucket.series_key).startswith(prefix, autoescape=True)))
    return sorted(session.exec(statement).all())


def first_bucket(session: Session, series_key: str, bucket_seconds: int) -> datetime | None:
    return session.exec(select(sa.func.min(AlertSeriesBucket.bucket_start)).where(
        col(AlertSeriesBucket.series_key) == series_key, col(AlertSeriesBucket.bucket_seconds) == bucket_seconds,
        col(AlertSeriesBucket.count) > 0)).one()


RETENTION = {300: timedelta(days=14), 3600: timedelta(days=400)}


def prune_buckets(session: Session, *, now: datetime) -> int:
    """Drop buckets past their retention: 5-minute ones after two weeks (detectors learn from one), hourly ones
    after about a year (charts and reports of the year)."""
    removed = 0
    for size, keep in RETENTION.items():
        result = session.execute(sa.delete(AlertSeriesBucket).where(
            col(AlertSeriesBucket.bucket_seconds) == size, col(AlertSeriesBucket.bucket_start) < now - keep))
        removed += result.rowcount  # type: ignore[attr-defined]
    return removed


def negative_share_points(session: Session, bucket_seconds: int, start: datetime, end: datetime, *,
                          dimension: str | None = None,
                          value: str | None = None) -> list[tuple[datetime, float | None]]:
    """Negative mentions over all mentions per bucket (None where nothing was heard), from the two count series;
    e.g. dimension="topic", value="delivery" for one topic."""
    suffix = "" if dimension is None else f"|{dimension}={value}"
    negative = series_points(session, f"negative{suffix}", bucket_seconds, start, end)
    mentions = series_points(session, f"mentions{suffix}", bucket_seconds, start, end)
    return [(at, (bad / total) if total else None) for (at, bad), (_, total) in zip(negative, mentions, strict=True)]
