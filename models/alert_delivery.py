"""Alert notification channels and the delivery outbox: one row per message per channel, written before sending."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column, utcnow


class DeliveryStatus(enum.StrEnum):
    pending = "pending"  # committed, not yet tried (or a transient refusal: certainly not received)
    sending = "sending"  # claimed by a worker until `claimed_until`
    sent = "sent"  # the receiver accepted it: never sent again
    failed = "failed"  # refused for good, or given up after many tries: `last_error` says why
    unknown = "unknown"  # may have arrived (timeout, worker died mid-send): resent with the same delivery id


CLAIMABLE = (DeliveryStatus.pending.value, DeliveryStatus.unknown.value)


class AlertChannel(SQLModel, table=True):
    __tablename__ = "alert_channel"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=32)  # the key in alerts.channels.CHANNELS
    # Per kind: {"to": [...]} for email, {"url": ...} for Slack/Teams, {"url", "secret"} for the signed webhook.
    config: dict[str, Any] = Field(default_factory=dict, sa_column=json_column(nullable=False))
    enabled: bool = Field(default=True)
    disabled_reason: str | None = Field(default=None, max_length=2000)
    disabled_at: datetime | None = Field(default=None, sa_column=utc_column())
    last_sent_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class AlertDelivery(SQLModel, table=True):
    __tablename__ = "alert_delivery"
    __table_args__ = (
        sa.UniqueConstraint("channel_id", "dedupe_key", name="uq_alert_delivery_channel_key"),
        sa.Index("ix_alert_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Sent in every message (header, Message-ID, JSON field) so a receiver can drop a repeat.
    delivery_id: str = Field(max_length=36, unique=True)
    channel_id: int = Field(foreign_key="alert_channel.id", index=True)
    alert_id: int | None = Field(default=None, index=True)  # the alert it tells about, when there is one
    # What the caller means by "this message" (e.g. "alert:7:opened"): enqueueing it twice is a no-op.
    dedupe_key: str = Field(max_length=200)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=json_column(nullable=False))
    status: str = Field(default=DeliveryStatus.pending.value, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    claimed_until: datetime | None = Field(default=None, sa_column=utc_column())
    last_error: str | None = Field(default=None, max_length=2000)
    sent_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
