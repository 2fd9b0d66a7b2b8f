"""What a rule counts: a metric (mentions, negative mentions, complaints) with optional filters and a listening
query, as series keys in `alert_series_bucket`.

A series is named by a key: "complaints", "complaints|topic=delivery", "negative|network=x". Every scored mention
is counted in the overall series and in one series per value of each dimension (topic, network, source,
language). A rule with one filter reads one of those; a rule with several filters or a listening query gets series
of its own ("r7.3f9a1c~negative", and "r7.3f9a1c~negative|topic=delivery" when it runs per topic), counted by
`matches` as mentions are scored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from listener.query.language import Query, matches, parse
from models import Mention
from models.complaint import is_complaint
from models.mention_text import title_and_text

COUNTED_METRICS = ("mentions", "negative", "complaints")
DIMENSIONS = ("topic", "network", "source", "language")
BUCKET_SIZES = (300, 3600)


def series_key(metric: str, dimension: str | None = None, value: str | None = None) -> str:
    return metric if dimension is None else f"{metric}|{dimension}={value}"


def metric_applies(metric: str, mention: Mention) -> bool:
    if metric == "negative":
        return mention.sentiment == "negative"
    if metric == "complaints":
        return is_complaint(mention)
    return True


def dimension_values(mention: Mention, dimension: str) -> list[str]:
    if dimension == "topic":
        return sorted(set(mention.topics or []))
    if dimension == "network":
        return [mention.network]
    if dimension == "source":
        return [str(mention.source_id)] if mention.source_id is not None else []
    return [mention.language] if mention.language else []


def standard_keys(mention: Mention) -> list[str]:
    """The series every scored mention is counted in, whatever the rules."""
    keys = []
    for metric in COUNTED_METRICS:
        if metric_applies(metric, mention):
            keys.append(metric)
            keys.extend(series_key(metric, dimension, value)
                        for dimension in DIMENSIONS for value in dimension_values(mention, dimension))
    return keys


@dataclass(frozen=True)
class SeriesScope:
    metric: str
    per: str | None = None
    topic: str | None = None
    network: str | None = None
    source_id: int | None = None
    language: str | None = None
    query: str | None = None
    rule_id: int | None = None

    @property
    def filters(self) -> list[tuple[str, str]]:
        given = (("topic", self.topic), ("network", self.network),
                 ("source", None if self.source_id is None else str(self.source_id)), ("language", self.language))
        return [(dimension, value) for dimension, value in given if value is not None]

    @property
    def custom(self) -> bool:
        """Needs series of its own: the standard ones carry one dimension at a time and no query."""
        narrowing = len(self.filters) + (1 if self.query else 0)
        return bool(self.query) or narrowing > 1 or (narrowing == 1 and self.per is not None)

    @cached_property
    def parsed_query(self) -> Query | None:
        return parse(self.query) if self.query else None

    @property
    def base(self) -> str:
        if self.custom:
            definition = repr((self.metric, self.per, self.filters, self.query))
            digest = hashlib.sha256(definition.encode()).hexdigest()[:8]
            return f"r{self.rule_id}.{digest}~{self.metric}"
        if self.filters:
            return series_key(self.metric, *self.filters[0])
        return self.metric

    def key_prefix(self) -> str | None:
        """Keys of a rule that runs per value start with this; None for a rule with one series."""
        return None if self.per is None else f"{self.base}|{self.per}="

    def matches(self, mention: Mention) -> bool:
        if not metric_applies(self.metric, mention):
            return False
        for dimension, value in self.filters:
            if value not in dimension_values(mention, dimension):
                return False
        query = self.parsed_query
        return query is None or matches(query, text=title_and_text(mention), language=mention.language,
                                        network=mention.network)

    def custom_keys(self, mention: Mention) -> list[str]:
        if not self.custom or not self.matches(mention):
            return []
        if self.per is None:
            return [self.base]
        return [series_key(self.base, self.per, value) for value in dimension_values(mention, self.per)]


def mention_keys(mention: Mention, custom: Iterable[SeriesScope]) -> list[str]:
    keys = standard_keys(mention)
    for scope in custom:
        keys.extend(scope.custom_keys(mention))
    return sorted(set(keys))
