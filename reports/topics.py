"""Complaints per topic (a mention's topics are a JSON list, expanded by the database: json_each on SQLite,
json_array_elements_text on PostgreSQL) and two example complaints per top topic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import col

from models import Mention
from reports.context import CURRENT, ReportContext, is_complaint
from reports.report import Comparison, ExampleMention, TopicComplaints

TOP_TOPICS = 10
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
    leading: dict[str, tuple[int, ...]]  # topic: ids of its example complaints now, in order
    # Topics whose clearest complaint is also their latest, with more than one complaint now: the second example
    # (the latest of the others) is looked up for the topics the report shows.
    second_pending: frozenset[str] = frozenset()


def complaint_topics(context: ReportContext) -> TopicCounts:
    """Complaints per topic and period, and each topic's examples now: the clearest complaint (highest complaint
    score, then the latest) and the latest of the others."""
    if context.dialect.name == "postgresql":
        return _hashed(context)
    return _ranked(context)


def _hashed(context: ReportContext) -> TopicCounts:
    """One hashed pass, no sort: the count, and the clearest and the latest complaint as the maximum of an array
    (arrays compare element by element); the rare topic whose two coincide gets its second example later."""
    expanded, topic = _topic_rows(context)
    period = context.period().label("period")
    epoch, ident = context.dialect.epoch(col(Mention.created_at)), sa.cast(col(Mention.id), sa.Float)
    clearest = sa.func.max(postgresql.array([sa.cast(col(Mention.complaint), sa.Float), epoch, ident]))
    latest = sa.func.max(postgresql.array([epoch, ident]))
    statement = (sa.select(period, topic.label("topic"), sa.func.count().label("complaints"),
                           clearest.label("clearest"), latest.label("latest"))
                 .select_from(Mention).join(expanded, sa.true())
                 .where(*context.both_periods(), is_complaint()).group_by(period, topic))
    counts: dict[str, list[int]] = {}
    leading: dict[str, tuple[int, ...]] = {}
    pending = set()
    for row in context.session.execute(statement):
        name = str(row.topic)
        counts.setdefault(name, [0, 0])[0 if row.period == CURRENT else 1] = int(row.complaints)
        if row.period != CURRENT:
            continue
        first, last = int(row.clearest[2]), int(row.latest[1])
        leading[name] = (first,) if first == last else (first, last)
        if first == last and row.complaints > 1:
            pending.add(name)
    return TopicCounts({name: (pair[0], pair[1]) for name, pair in counts.items()}, leading, frozenset(pending))


def _ranked(context: ReportContext) -> TopicCounts:
    """Window functions where arrays are missing (SQLite, small workspaces): each (period, topic)'s rows ranked by
    clearness and by recency, with the group's size alongside; only the first two of each ranking come back."""
    expanded, topic = _topic_rows(context)
    period = context.period()
    group = (period, topic)
    created, ident = col(Mention.created_at), col(Mention.id)
    ranked = (sa.select(period.label("period"), topic.label("topic"), ident.label("id"),
                        sa.func.count().over(partition_by=group).label("complaints"),
                        sa.func.row_number().over(partition_by=group, order_by=(
                            col(Mention.complaint).desc(), created.desc(), ident.desc())).label("clear_rank"),
                        sa.func.row_number().over(partition_by=group, order_by=(
                            created.desc(), ident.desc())).label("recent_rank"))
              .select_from(Mention).join(expanded, sa.true())
              .where(*context.both_periods(), is_complaint()).subquery("ranked_topics"))
    statement = sa.select(ranked).where(sa.or_(ranked.c.clear_rank == 1, ranked.c.recent_rank <= 2))
    counts: dict[str, list[int]] = {}
    clearest: dict[str, int] = {}
    recent: dict[str, dict[int, int]] = {}
    for row in context.session.execute(statement):
        name = str(row.topic)
        counts.setdefault(name, [0, 0])[0 if row.period == CURRENT else 1] = int(row.complaints)
        if row.period != CURRENT:
            continue
        if row.clear_rank == 1:
            clearest[name] = int(row.id)
        if row.recent_rank <= 2:
            recent.setdefault(name, {})[int(row.recent_rank)] = int(row.id)
    leading = {name: (first, *[mention_id for _rank, mention_id in sorted(recent.get(name, {}).items())
                               if mention_id != first][:1])
               for name, first in clearest.items()}
    return TopicCounts({name: (pair[0], pair[1]) for name, pair in counts.items()}, leading)


def _latest_other(context: ReportContext, name: str, clearest: int) -> int | None:
    """The latest complaint now about `name` other than `clearest`: newest first through the complaints' index,
    stopping at the first match."""
    expanded, topic = _topic_rows(context)
    statement = (sa.select(col(Mention.id)).select_from(Mention).join(expanded, sa.true())
                 .where(*context.current_only(), is_complaint(), topic == name, col(Mention.id) != clearest)
                 .order_by(col(Mention.created_at).desc(), col(Mention.id).desc()).limit(1))
    found = context.session.execute(statement).scalar()
    return None if found is None else int(found)


def top_topics(context: ReportContext, found: TopicCounts) -> tuple[TopicComplaints, ...]:
    counts = found.counts
    chosen = sorted((name for name, (now, _before) in counts.items() if now), key=lambda name: (-counts[name][0], name))
    chosen = chosen[:TOP_TOPICS]
    leading = {name: found.leading.get(name, ()) for name in chosen}
    for name in found.second_pending.intersection(chosen):
        second = _latest_other(context, name, leading[name][0])
        leading[name] += () if second is None else (second,)
    examples = _examples(context, leading)
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
