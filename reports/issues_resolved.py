"""Issues resolved: complaints that staff marked resolved, or that got a posted reply after which their author did
not complain again (same network and author id, any filter) within RESOLUTION_WINDOW. A complaint answered less
than RESOLUTION_WINDOW before `now` and not marked cannot be judged yet: it is pending, and counted as not resolved.
An author without an id cannot be followed, so an answered complaint of theirs counts as resolved once the window
has passed."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col

from models import Mention
from models.report_first_response import ReportFirstResponse
from reports.context import CURRENT, PREVIOUS, ReportContext, count_where, is_complaint
from reports.report import Comparison, Resolution

RESOLUTION_WINDOW = timedelta(days=7)


def resolution(context: ReportContext) -> Resolution:
    first = ReportFirstResponse  # each mention's first posted reply, kept by triggers
    later = aliased(Mention, name="later")
    posted = col(first.posted_at)
    dialect = context.dialect
    complained_again = sa.exists().where(
        col(later.author_id) == col(Mention.author_id), col(later.network) == col(Mention.network),
        is_complaint(col(later.complaint)), col(later.created_at) > posted,
        dialect.not_later_than(col(later.created_at), posted, RESOLUTION_WINDOW))
    marked = col(Mention.resolved_at).is_not(None)
    judged = sa.and_(posted.is_not(None), posted <= context.now - RESOLUTION_WINDOW)
    resolved = sa.or_(marked, sa.and_(judged, sa.not_(complained_again)))
    pending = sa.and_(sa.not_(marked), posted.is_not(None), posted > context.now - RESOLUTION_WINDOW)
    period = context.period().label("period")
    statement = (sa.select(period, sa.func.count().label("complaints"), count_where(resolved).label("resolved"),
                           count_where(marked).label("marked"), count_where(pending).label("pending"))
                 .select_from(Mention).outerjoin(first, col(first.mention_id) == col(Mention.id))
                 .where(*context.both_periods(), is_complaint()).group_by(period))
    found = {int(row.period): row for row in context.session.execute(statement)}
    now, before = found.get(CURRENT), found.get(PREVIOUS)
    complaints = (int(now.complaints) if now else 0, int(before.complaints) if before else 0)
    resolved_counts = (int(now.resolved) if now else 0, int(before.resolved) if before else 0)
    return Resolution(
        complaints=Comparison(*complaints), resolved=Comparison(*resolved_counts),
        marked=int(now.marked) if now else 0, pending=int(now.pending) if now else 0,
        share=Comparison(*(resolved_counts[i] / complaints[i] if complaints[i] else None for i in (0, 1))))
