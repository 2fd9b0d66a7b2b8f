"""What drafting reads besides saved replies: the admin's FAQ answers and the declared incident.

A question whose keywords match an active FAQ entry in its language gets that entry's answer in public
(responder.drafting.faq). While an incident is declared (responder.drafting.incident), complaints on its topic (every
complaint when it has none) get its one short reply pointing to the public notice instead of a per-person one.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column, utcnow


class FaqEntry(SQLModel, table=True):
    __tablename__ = "faq_entry"

    id: int | None = Field(default=None, primary_key=True)
    language: str = Field(max_length=8, index=True)
    question: str = Field(max_length=300)  # what it answers, as people read it in the list
    keywords: list[str] = Field(default_factory=list, sa_column=json_column(nullable=False))  # all must appear
    answer: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class Incident(SQLModel, table=True):
    """A declared incident; the active one is the one not yet ended (at most one at a time)."""

    __tablename__ = "incident"

    id: int | None = Field(default=None, primary_key=True)
    topic: str | None = Field(default=None, max_length=64)  # None: every complaint
    notice_url: str = Field(max_length=2000)
    replies: dict[str, str] = Field(default_factory=dict, sa_column=json_column(nullable=False))  # language -> text
    alert_id: int | None = Field(default=None, foreign_key="alert.id")  # the alert that prompted it, if any
    started_by_id: int | None = Field(default=None, foreign_key="user.id")
    started_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    ended_by_id: int | None = Field(default=None, foreign_key="user.id")
    ended_at: datetime | None = Field(default=None, sa_column=utc_column())


# At most one active incident (migration 0024): every row not yet ended has the same key. Autogenerate skips
# expression indexes, so the migration is what builds it; this keeps create_all() in step.
_one_active = sa.Index("uq_incident_one_active", sa.text("(ended_at IS NULL)"), unique=True,
                       postgresql_where=sa.text("ended_at IS NULL"), sqlite_where=sa.text("ended_at IS NULL"))
Incident.__table__.append_constraint(_one_active)  # type: ignore[attr-defined]  # no column to find it by
