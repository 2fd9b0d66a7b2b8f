"""A post or review heard on a network, with the model's judgement of it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column, utcnow


class MentionStatus(StrEnum):
    new = "new"  # collected, not yet scored
    needs_reply = "needs_reply"
    no_reply = "no_reply"
    replied = "replied"
    ignored = "ignored"


class Mention(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("network", "external_id", name="uq_mention_network_external_id"),
        sa.Index("ix_mention_status_created", "status", "created_at", "id"),
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
    topics: list[str] | None = Field(default=None, sa_column=json_column())
    reason: str | None = Field(default=None, max_length=500)
    model_name: str | None = Field(default=None, max_length=200)
    model_version: str | None = Field(default=None, max_length=200)
    scored_at: datetime | None = Field(default=None, sa_column=utc_column())
    extra: dict[str, Any] | None = Field(default=None, sa_column=json_column())
    duplicate_of_id: int | None = Field(default=None, foreign_key="mention.id", index=True)
    fingerprint: str | None = Field(default=None, max_length=64)  # sha256 of the normalised text
    assignee_id: int | None = Field(default=None, foreign_key="user.id", index=True)


class MentionSource(SQLModel, table=True):
    """Every source that heard a mention: the same post found by two sources is one mention linked to both."""

    __tablename__ = "mention_source"

    mention_id: int = Field(foreign_key="mention.id", primary_key=True)
    source_id: int = Field(foreign_key="source.id", primary_key=True, index=True)
    first_seen_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
