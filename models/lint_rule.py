"""Reply lint rules as data: admins edit phrases, limits, severity and whether a rule runs.

The defaults ship in responder/lint/rules.json; a row here is the workspace's version of one rule (by code).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column, utcnow


class LintRule(SQLModel, table=True):
    __tablename__ = "lint_rule"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    kind: str = Field(max_length=32)  # which check runs it, see responder.lint.checks.CHECKS
    networks: list[str] | None = Field(default=None, sa_column=json_column())  # None: every network
    languages: list[str] | None = Field(default=None, sa_column=json_column())  # None: every language
    params: dict[str, Any] = Field(default_factory=dict, sa_column=json_column(nullable=False))
    message: str = Field(max_length=500)
    severity: str = Field(default="warn", max_length=8)  # block | warn
    enabled: bool = Field(default=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
