"""Which mentions a report counts: created in the range, under the queue's filters."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col

from inbox.queue.filters import QueueFilters
from inbox.queue.filters import filter_conditions as queue_conditions
from models import Mention
from reports.request import ReportFilters


def in_range(since: datetime, until: datetime) -> list[sa.ColumnElement[bool]]:
    """created_at first: the range is what the report index (ix_mention_created_report) is walked by."""
    return [col(Mention.created_at) >= since, col(Mention.created_at) < until]


def filter_conditions(filters: ReportFilters) -> list[sa.ColumnElement[bool]]:
    """The queue's own filter conditions (network, source, language, sentiment, topic, complaint, question, rating,
    search), so that a report and the queue under the same filters count the same mentions."""
    return queue_conditions(QueueFilters(network=filters.network, source_id=filters.source_id,
                                         language=filters.language, sentiment=filters.sentiment, topic=filters.topic,
                                         complaint=filters.complaint, question=filters.question, rating=filters.rating,
                                         q=filters.q))


def scope(since: datetime, until: datetime, filters: ReportFilters) -> list[sa.ColumnElement[bool]]:
    return [*in_range(since, until), *filter_conditions(filters)]
