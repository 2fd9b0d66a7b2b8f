"""A mention's text embedding, computed by a worker that holds the model, so the web process compares stored
vectors and never loads an encoder (responder.drafting.similar)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import utc_column, utcnow


class MentionEmbedding(SQLModel, table=True):
    __tablename__ = "mention_embedding"

    mention_id: int = Field(foreign_key="mention.id", primary_key=True)
    model: str = Field(max_length=200, index=True)  # vectors of different encoders are never compared
    vector: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))  # float32, L2-normalised
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
