"""Mention counts per UTC hour, network, source and language, kept by database triggers on `mention` (migration
0022): the reports' volume, sentiment, complaint, rating and peak-hour counts read these rows instead of every
mention of the range when the request allows it (reports.rollup_counts).

Every insert, delete and change of a counted column (created_at, network, source_id, language, sentiment,
complaint, rating) moves its mention's contribution, in the writer's own transaction, so the counts always equal
the mentions'. A key may have more than one row (rows are found with IS NOT DISTINCT FROM, not a unique index,
since source and language may be NULL): readers sum. Rows whose mentions reach zero are deleted. Loads that switch
triggers off (bench/web_data.py) rebuild it afterwards with reports.rollup_counts.rebuild.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col

from models.base import utc_column


class ReportMentionHour(SQLModel, table=True):
    __tablename__ = "report_mention_hour"

    id: int | None = Field(default=None, primary_key=True)
    hour_start: datetime = Field(sa_column=utc_column(nullable=False))  # created_at truncated to the UTC hour
    network: str = Field(max_length=32)
    source_id: int | None = Field(default=None)
    language: str | None = Field(default=None, max_length=8)
    mentions: int = Field(default=0)
    positive: int = Field(default=0)
    neutral: int = Field(default=0)
    negative: int = Field(default=0)
    complaints: int = Field(default=0)
    rated: int = Field(default=0)
    rating_sum: int = Field(default=0)
    stars_1: int = Field(default=0)
    stars_2: int = Field(default=0)
    stars_3: int = Field(default=0)
    stars_4: int = Field(default=0)
    stars_5: int = Field(default=0)


sa.Index("ix_report_mention_hour_key", col(ReportMentionHour.hour_start), col(ReportMentionHour.network),
         col(ReportMentionHour.language), col(ReportMentionHour.source_id))
