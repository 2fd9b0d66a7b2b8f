"""Scheduled report digests: a weekly or monthly report emailed to a list of addresses, and one delivery row per
digest and period, written before sending, so a failed send is retried with back-off and shown, never lost."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column, utcnow


class DigestFrequency(enum.StrEnum):
    weekly = "weekly"  # Monday to Sunday, in the workspace's time zone
    monthly = "monthly"  # a calendar month, in the workspace's time zone


class DigestDeliveryStatus(enum.StrEnum):
    pending = "pending"  # not yet sent, or failed and waiting for `next_attempt_at`
    sent = "sent"  # the SMTP server accepted it
    failed = "failed"  # given up after the last attempt: `last_error` says why; an admin may retry it


class ReportDigest(SQLModel, table=True):
    __tablename__ = "report_digest"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    frequency: str = Field(default=DigestFrequency.weekly.value, max_length=16)
    recipients: list[str] = Field(default_factory=list, sa_column=json_column(nullable=False))
    # The report's filters as URL arguments (network, source, topic, ...), never the range: the period sets it.
    filters: dict[str, str] = Field(default_factory=dict, sa_column=json_column(nullable=False))
    paper: str = Field(default="a4", max_length=8)
    enabled: bool = Field(default=True)
    last_sent_period: str | None = Field(default=None, max_length=32)  # e.g. "2026-11-23" (the period's first day)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ReportDigestDelivery(SQLModel, table=True):
    __tablename__ = "report_digest_delivery"
    __table_args__ = (
        sa.UniqueConstraint("digest_id", "period", name="uq_report_digest_delivery_period"),
        sa.Index("ix_report_digest_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    digest_id: int = Field(foreign_key="report_digest.id", index=True)
    period: str = Field(max_length=32)  # the period's first day, ISO
    status: str = Field(default=DigestDeliveryStatus.pending.value, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    last_error: str | None = Field(default=None, max_length=2000)
    sent_at: datetime | None = Field(default=None, sa_column=utc_column())
    details: dict[str, Any] = Field(default_factory=dict, sa_column=json_column(nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
