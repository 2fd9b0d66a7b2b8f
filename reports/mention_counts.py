"""The counts most sections are made of, as one GROUP BY over the range: mentions, each sentiment, complaints and
star ratings, per period and per whatever key a section groups by (a bucket, a network, a language, a source)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from models import Mention
from models.mention import sql_constant
from reports import rollup_counts
from reports.context import CURRENT, PREVIOUS, ReportContext, count_where, is_complaint
from reports.report import SentimentCounts

STARS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class MentionCounts:
    mentions: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    complaints: int = 0
    rated: int = 0
    rating_sum: int = 0
    stars: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    def __add__(self, other: MentionCounts) -> MentionCounts:
        stars = tuple(mine + theirs for mine, theirs in zip(self.stars, other.stars, strict=True))
        return MentionCounts(self.mentions + other.mentions, self.positive + other.positive,
                             self.neutral + other.neutral, self.negative + other.negative,
                             self.complaints + other.complaints, self.rated + other.rated,
                             self.rating_sum + other.rating_sum, (stars[0], stars[1], stars[2], stars[3], stars[4]))

    @property
    def sentiment(self) -> SentimentCounts:
        unscored = self.mentions - self.positive - self.neutral - self.negative
        return SentimentCounts(self.positive, self.neutral, self.negative, unscored)

    @property
    def average_rating(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None

    @property
    def promoter_score(self) -> float | None:
        """(5 stars - 1 to 3 stars) / rated x 100, from -100 to 100."""
        if not self.rated:
            return None
        return (self.stars[4] - sum(self.stars[:3])) / self.rated * 100.0


EMPTY = MentionCounts()


def _aggregates(sentiment: Any = None, rating: Any = None, complaint: Any = None) -> list[sa.Label[Any]]:
    sentiment = col(Mention.sentiment) if sentiment is None else sentiment
    rating = col(Mention.rating) if rating is None else rating
    return [sa.func.count().label("mentions"),
            *(count_where(sentiment == sql_constant(label)).label(label)
              for label in ("positive", "neutral", "negative")),
            count_where(is_complaint(complaint)).label("complaints"),
            sa.func.count(rating).label("rated"),
            sa.func.coalesce(sa.func.sum(rating), 0).label("rating_sum"),
            *(count_where(rating == stars).label(f"stars_{stars}") for stars in STARS)]


def _counts(row: Any) -> MentionCounts:
    stars = tuple(int(getattr(row, f"stars_{stars}")) for stars in STARS)
    return MentionCounts(int(row.mentions), int(row.positive), int(row.neutral), int(row.negative),
                         int(row.complaints), int(row.rated), int(row.rating_sum),
                         (stars[0], stars[1], stars[2], stars[3], stars[4]))


def by_bucket(context: ReportContext) -> dict[int, MentionCounts]:
    """{bucket key: counts} over the current period (buckets with no mention are absent)."""
    from reports.buckets import bucket_key

    key = bucket_key(context.clock, context.bucket_size, col(Mention.created_at)).label("bucket")
    statement = sa.select(key, *_aggregates()).where(*context.current_only()).group_by(key)
    return {int(row.bucket): _counts(row) for row in context.session.execute(statement)}


def by_key(context: ReportContext, column: Any) -> dict[tuple[int, Hashable], MentionCounts]:
    """{(period, value): counts} for a column such as Mention.network."""
    period, value = context.period().label("period"), column.label("value")
    statement = sa.select(period, value, *_aggregates()).where(*context.both_periods()).group_by(period, value)
    return {(int(row.period), row.value): _counts(row) for row in context.session.execute(statement)}


def totals(found: dict[tuple[int, Hashable], MentionCounts]) -> dict[int, MentionCounts]:
    """{CURRENT: counts, PREVIOUS: counts} summed from by_key's answer over a column every mention has a value of
    (the network): the period totals without another scan."""
    summed = {CURRENT: EMPTY, PREVIOUS: EMPTY}
    for (period, _value), counts in found.items():
        summed[period] = summed[period] + counts
    return summed


def split_periods(found: dict[tuple[int, Hashable], MentionCounts]) -> dict[Hashable, tuple[MentionCounts,
                                                                                           MentionCounts]]:
    """{value: (current, previous)} from by_key's answer."""
    values = {value for _period, value in found}
    return {value: (found.get((CURRENT, value), EMPTY), found.get((PREVIOUS, value), EMPTY)) for value in values}


@dataclass(frozen=True)
class AllCounts:
    """Every plain count the report needs: per (period, network / language / source), per bucket of the current
    period, and mentions and complaints per (weekday, hour) of the current period."""

    networks: dict[tuple[int, Hashable], MentionCounts]
    languages: dict[tuple[int, Hashable], MentionCounts]
    sources: dict[tuple[int, Hashable], MentionCounts]
    series: dict[int, MentionCounts]
    heatmap: dict[tuple[int, int], MentionCounts]


def all_counts(context: ReportContext) -> AllCounts:
    """From the hourly counts the triggers keep (reports.rollup_counts) when the request allows it, else from the
    mentions: one scan on PostgreSQL (GROUPING SETS, each set hashed in the same pass); a statement per grouping
    on SQLite, which has no grouping sets. The same counts either way."""
    if rollup_counts.usable(context):
        return grouped_counts(context, *rollup_counts.keyed_rows(context))
    if context.dialect.name != "postgresql":
        from reports.peaks import heatmap_counts

        return AllCounts(by_key(context, col(Mention.network)), by_key(context, col(Mention.language)),
                         by_key(context, col(Mention.source_id)), by_bucket(context), heatmap_counts(context))
    from reports.buckets import bucket_key

    created = col(Mention.created_at)
    cell = context.clock.weekday(created) * 24 + context.clock.hour_of_day(created)
    # OFFSET 0 keeps the keys a subquery's columns: the planner then guesses a few hundred values for each
    # instead of one per created_at, so it hashes every grouping set in one pass within work_mem (it would
    # otherwise sort the range once per set).
    keyed = (sa.select(context.period().label("period"), col(Mention.network).label("network"),
                       col(Mention.language).label("language"), col(Mention.source_id).label("source_id"),
                       bucket_key(context.clock, context.bucket_size, created).label("bucket"), cell.label("cell"),
                       col(Mention.sentiment).label("sentiment"), col(Mention.complaint).label("complaint"),
                       col(Mention.rating).label("rating"))
             .where(*context.both_periods()).offset(0).subquery("keyed"))
    return grouped_counts(context, keyed, _aggregates(keyed.c.sentiment, keyed.c.rating, keyed.c.complaint))


KEYS = ("network", "language", "source_id", "bucket", "cell")


def grouped_counts(context: ReportContext, keyed: sa.Subquery, aggregates: list[sa.Label[Any]],
                   having: sa.ColumnElement[bool] | None = None) -> AllCounts:
    """AllCounts from rows with the columns period, network, language, source_id, bucket and cell: one statement
    with GROUPING SETS on PostgreSQL, one per grouping on SQLite (which has none)."""
    keys = tuple(keyed.c[name] for name in KEYS)
    if context.dialect.name != "postgresql":
        return _grouped_one_by_one(context, keyed, aggregates, having)
    sets = sa.func.grouping_sets(*(sa.tuple_(keyed.c.period, key) for key in keys))
    statement = (sa.select(*(sa.func.grouping(key).label(f"g_{key.name}") for key in keys), keyed.c.period, *keys,
                           *aggregates)
                 .group_by(sets))
    if having is not None:
        statement = statement.having(having)
    rows = context.session.execute(statement).all()
    found = AllCounts({}, {}, {}, {}, {})
    for row in rows:
        counts, row_period = _counts(row), int(row.period)
        if row.g_network == 0:
            found.networks[(row_period, row.network)] = counts
        elif row.g_language == 0:
            found.languages[(row_period, row.language)] = counts
        elif row.g_source_id == 0:
            found.sources[(row_period, row.source_id)] = counts
        elif row_period == CURRENT and row.g_bucket == 0:
            found.series[int(row.bucket)] = counts
        elif row_period == CURRENT and row.g_cell == 0:
            found.heatmap[divmod(int(row.cell), 24)] = counts
    return found


def _grouped_one_by_one(context: ReportContext, keyed: sa.Subquery, aggregates: list[sa.Label[Any]],
                        having: sa.ColumnElement[bool] | None) -> AllCounts:
    found = AllCounts({}, {}, {}, {}, {})
    for name, into in (("network", found.networks), ("language", found.languages), ("source_id", found.sources)):
        statement = sa.select(keyed.c.period, keyed.c[name].label("value"), *aggregates) \
            .group_by(keyed.c.period, keyed.c[name])
        for row in context.session.execute(statement if having is None else statement.having(having)):
            into[(int(row.period), row.value)] = _counts(row)
    for name in ("bucket", "cell"):
        statement = sa.select(keyed.c[name].label("value"), *aggregates).where(keyed.c.period == CURRENT) \
            .group_by(keyed.c[name])
        for row in context.session.execute(statement if having is None else statement.having(having)):
            if name == "bucket":
                found.series[int(row.value)] = _counts(row)
            else:
                found.heatmap[divmod(int(row.value), 24)] = _counts(row)
    return found
