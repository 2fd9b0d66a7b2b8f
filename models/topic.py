"""Complaint topics as data: admins edit each topic's description, keywords and example sentences.

The shipped taxonomy is sentiment/data/topics.json; migration 0011 stores it here, and scoring reads the active
rows each round (models.topic_store.taxonomy_spec).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column, utcnow


class Topic(SQLModel, table=True):
    __tablename__ = "topic"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)  # the key stored in mention.topics, e.g. "delivery"
    description: str = Field(max_length=500)
    keywords: dict[str, list[str]] = Field(default_factory=dict, sa_column=json_column(nullable=False))  # by language
    examples: dict[str, list[str]] = Field(default_factory=dict, sa_column=json_column(nullable=False))  # by language
    position: int = Field(default=0)  # the taxonomy's order: topics are listed and detected in it
    active: bool = Field(default=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
