"""Saved replies (templates) and the replies drafted from them, with their posting state."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import utc_column, utcnow


class ReplyStatus(StrEnum):
    draft = "draft"
    approved = "approved"
    posting = "posting"
    manual = "manual"  # ready to paste by hand; waits for the operator to confirm
    posted = "posted"
    failed = "failed"
    unknown = "unknown"
    rejected = "rejected"


OPEN_REPLY_STATUSES = (ReplyStatus.draft.value, ReplyStatus.approved.value, ReplyStatus.posting.value,
                       ReplyStatus.manual.value, ReplyStatus.unknown.value)


class SavedReply(SQLModel, table=True):
    __tablename__ = "saved_reply"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    language: str = Field(max_length=8, index=True)
    topic: str | None = Field(default=None, max_length=32)
    sentiment: str | None = Field(default=None, max_length=16)
    network: str | None = Field(default=None, max_length=32)
    body: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class Reply(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mention.id", index=True)
    saved_reply_id: int | None = Field(default=None, foreign_key="saved_reply.id")
    text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    status: str = Field(default=ReplyStatus.draft.value, max_length=16, index=True)
    poster: str = Field(default="manual", max_length=32)
    version: int = Field(default=1)
    platform_reply_id: str | None = Field(default=None, max_length=200)
    error: str | None = Field(default=None, max_length=2000)
    approved_by_id: int | None = Field(default=None, foreign_key="user.id")
    edited_by_id: int | None = Field(default=None, foreign_key="user.id")
    attempts: int = Field(default=0)
    posting_started_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    approved_at: datetime | None = Field(default=None, sa_column=utc_column())
    posted_at: datetime | None = Field(default=None, sa_column=utc_column())
