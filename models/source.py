"""A configured listening source: one collector on one network, with its checkpointed cursor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column, utcnow


class Source(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    collector: str = Field(max_length=32, index=True)
    network: str = Field(max_length=32)
    config: dict[str, Any] = Field(default_factory=dict, sa_column=json_column(nullable=False))
    cursor: dict[str, Any] | None = Field(default=None, sa_column=json_column())
    enabled: bool = Field(default=True)
    require_second_approval: bool = Field(default=False)  # replies to its mentions need two approvers
    items_collected: int = Field(default=0)
    last_run_at: datetime | None = Field(default=None, sa_column=utc_column())
    last_error: str | None = Field(default=None, max_length=2000)
    run_started_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
