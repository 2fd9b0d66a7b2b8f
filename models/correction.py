"""Staff corrections of the model's judgement: append-only, the latest row per mention is the staff label.

Each row keeps the model's judgement as it stood when the staff member corrected it, so the workspace's own
corrected sample measures the model (``earful eval --corrections``) even though the mention now shows the staff label.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from models.base import json_column, utc_column, utcnow
from models.mention import Mention


class Correction(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_correction_mention_id_id", "mention_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mention.id")
    user_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))

    # The staff label.
    sentiment: str = Field(max_length=16)
    complaint: bool
    topics: list[str] = Field(default_factory=list, sa_column=json_column(nullable=False))

    # The model's judgement when the correction was made (None: the mention was not scored yet).
    language: str | None = Field(default=None, max_length=8)
    model_sentiment: str | None = Field(default=None, max_length=16)
    model_confidence: float | None = Field(default=None)
    model_complaint: float | None = Field(default=None)
    model_topics: list[str] | None = Field(default=None, sa_column=json_column())
    model_name: str | None = Field(default=None, max_length=200)
    model_version: str | None = Field(default=None, max_length=200)


MODEL_FIELDS = ("language", "model_sentiment", "model_confidence", "model_complaint", "model_topics", "model_name",
                "model_version")


def latest_corrections(session: Session, mention_ids: Iterable[int]) -> dict[int, Correction]:
    """The latest correction of each mention that has one (the only one that counts)."""
    ids = list(set(mention_ids))
    if not ids:
        return {}
    latest = (select(sa.func.max(col(Correction.id))).where(col(Correction.mention_id).in_(ids))
              .group_by(col(Correction.mention_id)))
    rows = session.exec(select(Correction).where(col(Correction.id).in_(latest.scalar_subquery())))
    return {row.mention_id: row for row in rows}


def latest_correction(session: Session, mention_id: int) -> Correction | None:
    return latest_corrections(session, [mention_id]).get(mention_id)


def record_model_judgement(correction: Correction, mention: Mention) -> None:
    """Copy the model's judgement from a mention whose columns still hold it (scored, never corrected)."""
    correction.language = mention.language
    correction.model_sentiment = mention.sentiment
    correction.model_confidence = mention.confidence
    correction.model_complaint = mention.complaint
    correction.model_topics = list(mention.topics or [])
    correction.model_name = mention.model_name
    correction.model_version = mention.model_version


def apply_correction(mention: Mention, correction: Correction) -> None:
    """Show the staff label in the mention's own columns, which the queue, drafting and reports read."""
    mention.sentiment = correction.sentiment
    mention.confidence = 1.0  # a person said so
    mention.complaint = 1.0 if correction.complaint else 0.0
    mention.topics = list(correction.topics)
