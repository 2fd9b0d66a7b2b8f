"""Complaints per topic (a mention's topics are a JSON list, expanded by the database: json_each on SQLite,
json_array_elements_text on PostgreSQL) and two example complaints per top topic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from models import Mention
from reports.context import CURRENT, ReportContext, is_complaint
from reports.report import Comparison, ExampleMention, TopicComplaints

TOP_TOPICS = 10
EXAMPLES_PER_TOPIC = 2
EXAMPLE_TEXT_LENGTH = 280


def _topic_rows(context: ReportContext) -> tuple[Any, sa.ColumnElement[str]]:
    """A FROM item yielding one row per (mention, topic), and its topic column."""
    topics = col(Mention.topics)
    if context.dialect.name == "sqlite":
        listed = sa.case((sa.func.json_type(topics) == "array", topics), else_=sa.literal("[]"))
        expanded = sa.func.json_each(listed).table_valued("value")
    else:  # a JSON null or a scalar would make json_array_elements_text fail: read those as no topics
        listed = sa.case((sa.func.json_typeof(topics) == "array", topics), else_=sa.cast(sa.literal("[]"), sa.JSON))
        expanded = sa.func.json_array_elements_text(listed).table_valued("value")
        # Byte order: ranking the complaints within each topic sorts on it, and the locale's collation is slow.
        return expanded, sa.cast(expanded.c.value, sa.String).collate("C")
    return expanded, sa.cast(expanded.c.value, sa.String)


@dataclass(frozen=True)
class TopicCounts:
    counts: dict[str, tuple[int, int]]  # topic: (complaints now, in the previous period)
    leading: dict[str, tuple[int, ...]]  # topic: ids of its first complaints now, most confident first


def complaint_topics(context: ReportContext) -> TopicCounts:
    """Complaints per topic and period, and each topic's leading complaints, in one pass: the rows are ranked within
    (period, topic) with the group's size alongside, and only the first EXAMPLES_PER_TOPIC of each come back."""
    expanded, topic = _topic_rows(context)
    period = context.period()
    group = (period, topic)
    order = (col(Mention.complaint).desc(), col(Mention.created_at).desc(), col(Mention.id).desc())
    ranked = (sa.select(period.label("period"), topic.label("topic"), col(Mention.id).label("id"),
                        sa.func.count().over(partition_by=group).label("complaints"),
                        sa.func.row_number().over(partition_by=group, order_by=order).label("rank"))
              .select_from(Mention).join(expanded, sa.true())
              .where(*context.both_periods(), is_complaint()).subquery("ranked_topics"))
    statement = sa.select(ranked).where(ranked.c.rank <= EXAMPLES_PER_TOPIC).order_by(ranked.c.rank)
    counts: dict[str, list[int]] = {}
    leading: dict[str, list[int]] = {}
    for row in context.session.execute(statement):
        name = str(row.topic)
        counts.setdefault(name, [0, 0])[0 if row.period == CURRENT else 1] = int(row.complaints)
        if row.period == CURRENT:
            leading.setdefault(name, []).append(int(row.id))
    return TopicCounts({name: (pair[0], pair[1]) for name, pair in counts.items()},
                       {name: tuple(ids) for name, ids in leading.items()})


def top_topics(context: ReportContext, found: TopicCounts) -> tuple[TopicComplaints, ...]:
    counts = found.counts
    chosen = sorted((name for name, (now, _before) in counts.items() if now), key=lambda name: (-counts[name][0], name))
    chosen = chosen[:TOP_TOPICS]
    examples = _examples(context, {name: found.leading.get(name, ()) for name in chosen})
    return tuple(TopicComplaints(name, Comparison(counts[name][0], counts[name][1]), examples.get(name, ()))
                 for name in chosen)


def _examples(context: ReportContext, leading: dict[str, tuple[int, ...]]) -> dict[str, tuple[ExampleMention, ...]]:
    ids = {mention_id for mention_ids in leading.values() for mention_id in mention_ids}
    if not ids:
        return {}
    statement = sa.select(col(Mention.id), col(Mention.text), col(Mention.url), col(Mention.network),
                          col(Mention.created_at)).where(col(Mention.id).in_(sorted(ids)))
    mentions = {int(row.id): ExampleMention(int(row.id), _shorten(row.text), row.url, row.network, row.created_at)
                for row in context.session.execute(statement)}
    return {name: tuple(mentions[mention_id] for mention_id in mention_ids if mention_id in mentions)
            for name, mention_ids in leading.items()}


def _shorten(text: str) -> str:
    return text if len(text) <= EXAMPLE_TEXT_LENGTH else text[: EXAMPLE_TEXT_LENGTH - 1].rstrip() + "…"
