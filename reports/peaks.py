"""Peak hours: mentions and complaints per weekday and hour of day in the workspace's zone, current period."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col

from models import Mention
from reports.context import ReportContext, count_where, is_complaint
from reports.mention_counts import MentionCounts
from reports.report import PeakHours


def heatmap_counts(context: ReportContext) -> dict[tuple[int, int], MentionCounts]:
    """{(weekday, hour): counts} of the current period, mentions and complaints only."""
    created = col(Mention.created_at)
    weekday = context.clock.weekday(created).label("weekday")
    hour = context.clock.hour_of_day(created).label("hour")
    statement = (sa.select(weekday, hour, sa.func.count().label("mentions"),
                           count_where(is_complaint()).label("complaints"))
                 .where(*context.current_only()).group_by(weekday, hour))
    return {(int(row.weekday), int(row.hour)): MentionCounts(mentions=int(row.mentions),
                                                             complaints=int(row.complaints))
            for row in context.session.execute(statement)}


def peak_hours(cells: dict[tuple[int, int], MentionCounts]) -> PeakHours:
    mentions = [[0] * 24 for _ in range(7)]
    complaints = [[0] * 24 for _ in range(7)]
    for (day, hour_of_day), counts in cells.items():
        mentions[day][hour_of_day] = counts.mentions
        complaints[day][hour_of_day] = counts.complaints
    ranked = [(mentions[day][hour_of_day], -day, -hour_of_day) for day in range(7) for hour_of_day in range(24)]
    most, day, hour_of_day = max(ranked)
    return PeakHours(tuple(tuple(row) for row in mentions), tuple(tuple(row) for row in complaints),
                     (-day, -hour_of_day) if most else None)
