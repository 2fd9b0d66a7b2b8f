"""Saved replies (templates) and the replies drafted from them, with their posting state."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col

from models.base import json_column, utc_column, utcnow
from models.reply_states import UNFINISHED
from models.reply_states import ReplyStatus as ReplyStatus  # its home is the lifecycle module


class SavedReply(SQLModel, table=True):
    __tablename__ = "saved_reply"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    language: str = Field(max_length=8, index=True)
    topic: str | None = Field(default=None, max_length=32)
    sentiment: str | None = Field(default=None, max_length=16)
    network: str | None = Field(default=None, max_length=32)
    # What the mention says (responder.drafting.intents: complaint, question, mixed, praise, neutral) and where it
    # is answered (store: a review site without DMs; social); None means any.
    intent: str | None = Field(default=None, max_length=16)
    channel: str | None = Field(default=None, max_length=16)
    body: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    # Alternative wordings of `body`, taken in turn (by how many drafts it has made) so replies are not identical.
    variants: list[str] | None = Field(default=None, sa_column=json_column())
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class Reply(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mention.id", index=True)
    saved_reply_id: int | None = Field(default=None, foreign_key="saved_reply.id", index=True)
    text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    draft_reason: str | None = Field(default=None, max_length=500)  # why this saved reply was chosen
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
    # A source that requires two approvals: the first one, cleared when the text changes after it.
    first_approved_by_id: int | None = Field(default=None, foreign_key="user.id")
    first_approved_at: datetime | None = Field(default=None, sa_column=utc_column())
    posted_at: datetime | None = Field(default=None, sa_column=utc_column())
    # An approval held for undo: the posting worker claims the reply only from this time on (None: at once).
    post_after: datetime | None = Field(default=None, sa_column=utc_column())


# The review queue asks of each mention whether it has a reply still unfinished, and lists the mentions with an
# unfinished reply in a given state; partial indexes over the unfinished replies (a small share of all) answer both.
_open_reply = col(Reply.status).in_([sa.literal_column(f"'{status}'") for status in UNFINISHED])
sa.Index("ix_reply_open_mention", col(Reply.mention_id), col(Reply.status),
         postgresql_where=_open_reply, sqlite_where=_open_reply)
sa.Index("ix_reply_open_status", col(Reply.status), col(Reply.mention_id),
         postgresql_where=_open_reply, sqlite_where=_open_reply)
# A mention's first posted reply (its first response, for the reports): the posted replies by mention.
_posted = col(Reply.status) == sa.literal_column("'posted'")
sa.Index("ix_reply_posted_mention", col(Reply.mention_id), col(Reply.posted_at),
         postgresql_where=_posted, sqlite_where=_posted)
