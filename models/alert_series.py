"""Counts of mentions per series and time bucket, kept up to date as mentions are scored (alerts.series).

`alert_series_contribution` remembers which series each mention was counted in, so a mention scored again
(an edited review) moves its counts instead of adding them twice; `alert_series_watermark` is how far the
scored mentions have been read.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, json_column, utc_column, utcnow


class AlertSeriesBucket(SQLModel, table=True):
    __tablename__ = "alert_series_bucket"

    series_key: str = Field(max_length=200, primary_key=True)  # "complaints|topic=delivery" (alerts.series)
    bucket_seconds: int = Field(primary_key=True)  # 300 or 3600
    bucket_start: datetime = Field(sa_column=sa.Column(UTCDateTime(), primary_key=True, nullable=False))
    count: int = Field(default=0)


class AlertSeriesContribution(SQLModel, table=True):
    __tablename__ = "alert_series_contribution"

    mention_id: int = Field(sa_column=sa.Column(sa.Integer(), sa.ForeignKey("mention.id", ondelete="CASCADE"),
                                                primary_key=True))
    bucket_time: datetime = Field(sa_column=utc_column(nullable=False))  # the mention's time when it was counted
    keys: list[str] = Field(default_factory=list, sa_column=json_column(nullable=False))
    scored_at: datetime = Field(sa_column=utc_column(nullable=False))  # the scoring that was counted


class AlertSeriesWatermark(SQLModel, table=True):
    __tablename__ = "alert_series_watermark"

    id: int = Field(default=1, primary_key=True)
    scored_at: datetime | None = Field(default=None, sa_column=utc_column())
    mention_id: int = Field(default=0)
    corrected_at: datetime | None = Field(default=None, sa_column=utc_column())  # staff relabels read up to here
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
