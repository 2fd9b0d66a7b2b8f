"""A person's saved queue views: a name for a query string of the queue's filters ("My work", "Complaints in
Japanese"), listed beside the tabs. The query is stored as the queue reads it and parsed again on every use."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import utc_column, utcnow

MAX_VIEW_NAME = 60
MAX_VIEW_QUERY = 2000


class SavedView(SQLModel, table=True):
    __tablename__ = "saved_view"
    __table_args__ = (sa.UniqueConstraint("user_id", "name", name="uq_saved_view_user_name"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=MAX_VIEW_NAME)
    query: str = Field(max_length=MAX_VIEW_QUERY)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
