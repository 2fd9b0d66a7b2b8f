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


def _aggregates() -> list[sa.Label[Any]]:
    sentiment, rating = col(Mention.sentiment), col(Mention.rating)
    return [sa.func.count().label("mentions"),
            *(count_where(sentiment == sql_constant(label)).label(label)
              for label in ("positive", "neutral", "negative")),
            count_where(is_complaint()).label("complaints"),
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
