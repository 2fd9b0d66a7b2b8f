"""Peak hours: mentions and complaints per weekday and hour of day in the workspace's zone, current period."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col

from models import Mention
from reports.context import ReportContext, count_where, is_complaint
from reports.report import PeakHours


def peak_hours(context: ReportContext) -> PeakHours:
    created = col(Mention.created_at)
    weekday = context.clock.weekday(created).label("weekday")
    hour = context.clock.hour_of_day(created).label("hour")
    statement = (sa.select(weekday, hour, sa.func.count().label("mentions"),
                           count_where(is_complaint()).label("complaints"))
                 .where(*context.current_only()).group_by(weekday, hour))
    mentions = [[0] * 24 for _ in range(7)]
    complaints = [[0] * 24 for _ in range(7)]
    for row in context.session.execute(statement):
        mentions[int(row.weekday)][int(row.hour)] = int(row.mentions)
        complaints[int(row.weekday)][int(row.hour)] = int(row.complaints)
    cells = [(mentions[day][hour_of_day], -day, -hour_of_day) for day in range(7) for hour_of_day in range(24)]
    most, day, hour_of_day = max(cells)
    return PeakHours(tuple(tuple(row) for row in mentions), tuple(tuple(row) for row in complaints),
                     (-day, -hour_of_day) if most else None)
