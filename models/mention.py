"""A post or review heard on a network, with the model's judgement of it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.sql.elements import Grouping
from sqlmodel import Field, SQLModel, col

from models.base import json_column, utc_column, utcnow
from models.complaint import COMPLAINT_THRESHOLD


class MentionStatus(StrEnum):
    new = "new"  # collected, not yet scored; or scored, and drafting has not decided yet (awaiting_draft)
    needs_reply = "needs_reply"
    no_reply = "no_reply"
    replied = "replied"
    ignored = "ignored"


SENTIMENT_LABELS = ("negative", "neutral", "positive")


# The columns the queue filters on, carried in its indexes on PostgreSQL (INCLUDE) so that a filtered tab is
# walked in the index alone: rows are read from the table only for the page found (see inbox/queue/queries.py).
CARD_FILTER_COLUMNS = ("network", "language", "sentiment", "confidence", "complaint", "rating", "assignee_id", "topics")


class Mention(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("network", "external_id", name="uq_mention_network_external_id"),
        sa.Index("ix_mention_status_created", "status", "created_at", "id", postgresql_include=CARD_FILTER_COLUMNS),
        sa.Index("ix_mention_fingerprint_created", "fingerprint", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    network: str = Field(max_length=32)
    external_id: str = Field(max_length=128)
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    author: str = Field(default="", max_length=200)
    author_id: str | None = Field(default=None, max_length=128, index=True)
    title: str | None = Field(default=None, max_length=500)
    text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    rating: int | None = Field(default=None, ge=1, le=5)
    url: str | None = Field(default=None, max_length=2000)
    language_hint: str | None = Field(default=None, max_length=8)
    in_reply_to_brand: bool | None = Field(default=None)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    collected_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    status: str = Field(default=MentionStatus.new.value, max_length=16)

    language: str | None = Field(default=None, max_length=8)
    sentiment: str | None = Field(default=None, max_length=16, index=True)
    confidence: float | None = Field(default=None)
    complaint: float | None = Field(default=None)
    # The text asks something (models.questions); None when not scored, or scored before migration 0023.
    question: bool | None = Field(default=None)
    topics: list[str] | None = Field(default=None, sa_column=json_column())
    reason: str | None = Field(default=None, max_length=500)
    model_name: str | None = Field(default=None, max_length=200)
    model_version: str | None = Field(default=None, max_length=200)
    scored_at: datetime | None = Field(default=None, sa_column=utc_column())
    extra: dict[str, Any] | None = Field(default=None, sa_column=json_column())
    duplicate_of_id: int | None = Field(default=None, foreign_key="mention.id", index=True)
    fingerprint: str | None = Field(default=None, max_length=64)  # sha256 of the normalised text
    assignee_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    # When a new version of a review arrived after it had been answered (see listener.ingest.revisions)
    edited_after_reply_at: datetime | None = Field(default=None, sa_column=utc_column())
    # Staff marked the complaint resolved (reports.resolution; audited); cleared when unmarked.
    resolved_at: datetime | None = Field(default=None, sa_column=utc_column())
    resolved_by_id: int | None = Field(default=None, foreign_key="user.id")


# The review queue's sort keys and search text, and the indexes that serve them. Constants are written into the
# SQL (never bound) so that a query spelling the same expression matches the index on PostgreSQL and SQLite alike.
CLOSED_STATUSES = (MentionStatus.ignored.value, MentionStatus.replied.value)


def sql_constant(value: str | float) -> sa.ColumnElement[Any]:
    """A constant of the code's own (a status, a score), written into the SQL; never a user's value."""
    return sa.literal_column(f"'{value}'" if isinstance(value, str) else repr(float(value)))


def negativity() -> sa.ColumnElement[float]:
    """Confident negatives first, then less confident ones, neutral, positive, and unscored last."""
    sentiment, confidence = col(Mention.sentiment), sa.func.coalesce(col(Mention.confidence), sql_constant(0.0))
    score = sa.case((sentiment == sql_constant("negative"), sql_constant(2.0) + confidence),
                    (sentiment == sql_constant("neutral"), sql_constant(1.0)),
                    (sentiment == sql_constant("positive"), sql_constant(1.0) - confidence), else_=sql_constant(-1.0))
    return sa.type_coerce(Grouping(score), sa.Float)  # parenthesised: an index on an expression needs them


def is_open() -> sa.ColumnElement[bool]:
    """Not yet ignored or replied to: where a reply in progress decides the tab."""
    return col(Mention.status).not_in([sql_constant(status) for status in CLOSED_STATUSES])


def awaiting_score() -> sa.ColumnElement[bool]:
    """Collected (or edited since) and not scored yet: what the scorer reads."""
    return sa.and_(col(Mention.status) == MentionStatus.new.value, col(Mention.scored_at).is_(None))


def awaiting_draft() -> sa.ColumnElement[bool]:
    """Scored, and drafting has not yet decided between needs_reply (with a draft) and no_reply."""
    return sa.and_(col(Mention.status) == MentionStatus.new.value, col(Mention.scored_at).is_not(None))


def search_document() -> sa.ColumnElement[str]:
    """What the queue's search looks in: text, title and author as one string (one trigram index on PostgreSQL)."""
    text, title, author = col(Mention.text), col(Mention.title), col(Mention.author)
    return sa.type_coerce(text + sql_constant(" ") + sa.func.coalesce(title, sql_constant("")) + sql_constant(" ")
                          + author, sa.Text)


def _pg_index_key(expression: sa.ColumnElement[Any], operator_class: str) -> sa.TextClause:
    # PostgreSQL reflects an index expression re-written (casts, line breaks), so Alembic cannot compare it; an
    # explicit operator class makes Alembic skip the comparison instead of reporting a difference.
    dialect = PGDialect()  # type: ignore[no-untyped-call]
    sql = expression.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return sa.text(f"{sql} {operator_class}")


_BY_NEGATIVITY_INCLUDES = [*CARD_FILTER_COLUMNS, "created_at"]  # a date filter under the "most negative" sort
# SQLite gets these from the migration (its autogenerate skips expression indexes either way).
sa.Index("ix_mention_status_negativity", col(Mention.status), _pg_index_key(negativity(), "float8_ops"),
         col(Mention.id), postgresql_include=_BY_NEGATIVITY_INCLUDES).ddl_if(dialect="postgresql")
sa.Index("ix_mention_open_negativity", _pg_index_key(negativity(), "float8_ops"), col(Mention.id),
         postgresql_where=is_open(), postgresql_include=_BY_NEGATIVITY_INCLUDES).ddl_if(dialect="postgresql")
_search_index = sa.Index("ix_mention_search_trgm", _pg_index_key(Grouping(search_document()), "gin_trgm_ops"),
                         postgresql_using="gin").ddl_if(dialect="postgresql")
Mention.__table__.append_constraint(_search_index)  # type: ignore[attr-defined]  # no column to find it by
_cjk_search_index = sa.Index("ix_mention_search_cjk",
                             _pg_index_key(sa.func.earful_cjk_bigrams(Grouping(search_document())), "array_ops"),
                             postgresql_using="gin").ddl_if(dialect="postgresql")
Mention.__table__.append_constraint(_cjk_search_index)  # type: ignore[attr-defined]  # see models.cjk_search
sa.Index("ix_mention_open_created", col(Mention.created_at), col(Mention.id),
         postgresql_where=is_open(), sqlite_where=is_open(), postgresql_include=CARD_FILTER_COLUMNS)
# The reports read a range of created_at; on PostgreSQL the columns they group by ride along (index-only counts).
REPORT_COLUMNS = ("network", "source_id", "language", "sentiment", "complaint", "rating", "status", "author_id",
                  "topics", "resolved_at")
sa.Index("ix_mention_created_report", col(Mention.created_at), col(Mention.id), postgresql_include=REPORT_COLUMNS)
# Whether an author complained again within days of a reply (reports.issues_resolved), probed per complaint.
_complaint = col(Mention.complaint) >= sql_constant(COMPLAINT_THRESHOLD)
sa.Index("ix_mention_author_complaints", col(Mention.author_id), col(Mention.network), col(Mention.created_at),
         postgresql_where=_complaint, sqlite_where=_complaint)
# A range's complaints (reports: topics, issues resolved, repeat complainers): a third of the mentions, read from the
# index alone on PostgreSQL instead of the whole table.
COMPLAINT_REPORT_COLUMNS = ("id", "complaint", "network", "author_id", "resolved_at", "topics")
sa.Index("ix_mention_complaints_created", col(Mention.created_at), postgresql_where=_complaint,
         sqlite_where=_complaint, postgresql_include=COMPLAINT_REPORT_COLUMNS)


class MentionSource(SQLModel, table=True):
    """Every source that heard a mention: the same post found by two sources is one mention linked to both."""

    __tablename__ = "mention_source"

    mention_id: int = Field(foreign_key="mention.id", primary_key=True)
    source_id: int = Field(foreign_key="source.id", primary_key=True, index=True)
    first_seen_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class MentionVersion(SQLModel, table=True):
    """What a review said before its author edited it: the mention holds the newest version, this the earlier ones
    (number 1 is the first heard), with how the earlier text was scored."""

    __tablename__ = "mention_version"
    __table_args__ = (sa.UniqueConstraint("mention_id", "number", name="uq_mention_version_number"),)

    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mention.id")  # the unique constraint's index finds a mention's versions
    number: int
    title: str | None = Field(default=None, max_length=500)
    text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    rating: int | None = Field(default=None)
    extra: dict[str, Any] | None = Field(default=None, sa_column=json_column())
    sentiment: str | None = Field(default=None, max_length=16)
    confidence: float | None = Field(default=None)
    superseded_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
