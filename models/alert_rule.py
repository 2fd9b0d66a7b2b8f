"""Alert rules (what to watch, how sensitively, whom to tell), their detectors' state, and alerts (incidents)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column, utcnow


class AlertStatus(enum.StrEnum):
    open = "open"  # the spike is on (or the SLA is breached)
    closed = "closed"  # the series went back to normal by itself
    resolved = "resolved"  # staff said it is handled


class AlertRule(SQLModel, table=True):
    __tablename__ = "alert_rule"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    metric: str = Field(max_length=16)  # mentions | negative | complaints | sla (alerts.rules.METRICS)
    per: str | None = Field(default=None, max_length=16)  # one detector per topic/network/source/language value
    topic: str | None = Field(default=None, max_length=64)
    network: str | None = Field(default=None, max_length=32)
    source_id: int | None = Field(default=None, foreign_key="source.id")
    language: str | None = Field(default=None, max_length=8)
    query: str | None = Field(default=None, max_length=1000)  # the listening query language (listener.query.language)
    bucket_seconds: int = Field(default=300)
    false_alarms_per_month: float = Field(default=1.0)
    min_count: int = Field(default=5)
    cooldown_minutes: int = Field(default=720)  # alerts.detector.DetectorConfig: one incident per 12 hours
    sla_hours: float | None = Field(default=None)  # sla rules: business hours a complaint may wait
    # None: every enabled channel; []: in the app only.
    channel_ids: list[int] | None = Field(default=None, sa_column=json_column())
    enabled: bool = Field(default=True)
    builtin: str | None = Field(default=None, max_length=32, unique=True)  # the default it was created as
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class AlertDetectorState(SQLModel, table=True):
    """One detector per rule and series (a rule `per` topic has one per topic), resumed bucket by bucket."""

    __tablename__ = "alert_detector_state"

    rule_id: int = Field(sa_column=sa.Column(sa.Integer(), sa.ForeignKey("alert_rule.id", ondelete="CASCADE"),
                                             primary_key=True))
    series_key: str = Field(max_length=200, primary_key=True)
    state: dict[str, Any] = Field(default_factory=dict, sa_column=json_column(nullable=False))
    last_bucket: datetime | None = Field(default=None, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class Alert(SQLModel, table=True):
    """One incident: opened on the first alarming bucket, updated while it lasts, closed when normal again."""

    __tablename__ = "alert"
    __table_args__ = (sa.Index("ix_alert_rule_series_status", "rule_id", "series_key", "status"),
                      sa.Index("ix_alert_status_opened", "status", "opened_at"))

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="alert_rule.id")
    series_key: str = Field(max_length=200)
    title: str = Field(max_length=200)
    series_label: str = Field(max_length=200)  # what was counted, in words
    status: str = Field(default=AlertStatus.open.value, max_length=16)
    opened_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=utc_column())
    window_start: datetime = Field(sa_column=utc_column(nullable=False))
    window_end: datetime = Field(sa_column=utc_column(nullable=False))
    observed: float = Field(default=0.0)  # counted over the window
    expected: float = Field(default=0.0)  # what the detector expected over the same window
    p_value: float | None = Field(default=None)
    score: float | None = Field(default=None)  # -log10 of the smallest p-value seen
    notified_observed: float = Field(default=0.0)  # observed when the last message went out
    updates_sent: int = Field(default=0)
    acknowledged_at: datetime | None = Field(default=None, sa_column=utc_column())
    acknowledged_by_id: int | None = Field(default=None, foreign_key="user.id")
    muted_until: datetime | None = Field(default=None, sa_column=utc_column())
    muted_by_id: int | None = Field(default=None, foreign_key="user.id")
    resolved_at: datetime | None = Field(default=None, sa_column=utc_column())
    resolved_by_id: int | None = Field(default=None, foreign_key="user.id")
    mention_id: int | None = Field(default=None, foreign_key="mention.id")  # an SLA alert's oldest complaint
    evidence: dict[str, Any] | None = Field(default=None, sa_column=json_column())
    message: dict[str, Any] | None = Field(default=None, sa_column=json_column())  # the last AlertMessage sent
