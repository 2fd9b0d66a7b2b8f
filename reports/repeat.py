"""Repeat complainers: authors (network and author id; display names are neither stable nor unique) with at least
REPEAT_COMPLAINTS complaints in the range, under the report's filters, with their complaints."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col

from models import Mention
from reports.authors import REPEAT_COMPLAINTS
from reports.context import CURRENT, PREVIOUS, ReportContext, is_complaint
from reports.report import Comparison, RepeatComplainer, RepeatComplainers

TOP_COMPLAINERS = 20
MAX_MENTIONS_PER_AUTHOR = 10


def repeat_complainers(context: ReportContext) -> RepeatComplainers:
    """One pass: the repeat complainers per period, ranked, with each period's totals as window aggregates."""
    period = context.period().label("period")
    per_author = (sa.select(period, col(Mention.network).label("network"), col(Mention.author_id).label("author_id"),
                            sa.func.count().label("complaints"))
                  .where(*context.both_periods(), is_complaint(), col(Mention.author_id).is_not(None))
                  .group_by(period, col(Mention.network), col(Mention.author_id))
                  .having(sa.func.count() >= REPEAT_COMPLAINTS).subquery("repeaters"))
    order = (per_author.c.complaints.desc(), per_author.c.network, per_author.c.author_id)
    ranked = sa.select(per_author,
                       sa.func.count().over(partition_by=per_author.c.period).label("authors"),
                       sa.func.sum(per_author.c.complaints).over(partition_by=per_author.c.period).label("total"),
                       sa.func.row_number().over(partition_by=per_author.c.period, order_by=order).label("rank")
                       ).subquery("ranked_repeaters")
    rows = context.session.execute(sa.select(ranked).where(ranked.c.rank <= TOP_COMPLAINERS)
                                   .order_by(ranked.c.period, ranked.c.rank)).all()
    totals = {int(row.period): (int(row.authors), int(row.total)) for row in rows}
    top = [row for row in rows if row.period == CURRENT]
    mentions = _their_complaints(context, [(row.network, row.author_id) for row in top])
    complainers = tuple(
        RepeatComplainer(row.network, row.author_id, mentions.get((row.network, row.author_id), ("", ()))[0],
                         int(row.complaints), mentions.get((row.network, row.author_id), ("", ()))[1])
        for row in top)
    current, previous = totals.get(CURRENT, (0, 0)), totals.get(PREVIOUS, (0, 0))
    return RepeatComplainers(Comparison(current[0], previous[0]), current[1], complainers)


def _their_complaints(context: ReportContext, authors: list[tuple[str, str]]
                      ) -> dict[tuple[str, str], tuple[str, tuple[int, ...]]]:
    """{author key: (newest display name, newest complaint ids)}."""
    if not authors:
        return {}
    order = (col(Mention.created_at).desc(), col(Mention.id).desc())
    ranked = (sa.select(col(Mention.network), col(Mention.author_id), col(Mention.author), col(Mention.id),
                        sa.func.row_number().over(partition_by=(col(Mention.network), col(Mention.author_id)),
                                                  order_by=order).label("rank"))
              .where(*context.current_only(), is_complaint(),
                     sa.tuple_(col(Mention.network), col(Mention.author_id)).in_(authors)).subquery("theirs"))
    found: dict[tuple[str, str], tuple[str, list[int]]] = {}
    for row in context.session.execute(sa.select(ranked).where(ranked.c.rank <= MAX_MENTIONS_PER_AUTHOR)
                                       .order_by(ranked.c.rank)):
        found.setdefault((row.network, row.author_id), (row.author, []))[1].append(int(row.id))
    return {key: (name, tuple(ids)) for key, (name, ids) in found.items()}



