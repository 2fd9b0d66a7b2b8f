"""A reputation report: every section's figures for a request, with the previous period alongside.

Times are aware UTC datetimes; `label`s are already written in the workspace's time zone. Shares are fractions
(0..1), durations business minutes, counts ints; None means "no data to compute it from" (show a dash)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from models.business_hours import CalendarSettings
from reports.request import ReportRequest

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class BucketSize(StrEnum):
    hour = "hour"
    day = "day"
    week = "week"


@dataclass(frozen=True)
class Comparison:
    """A figure for the report's period and for the previous one of the same length."""

    current: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def relative_change(self) -> float | None:
        """(current - previous) / previous; None when the previous figure is 0 or missing."""
        if self.current is None or not self.previous:
            return None
        return (self.current - self.previous) / self.previous


@dataclass(frozen=True)
class TimeBucket:
    start: datetime  # UTC
    end: datetime  # UTC, exclusive
    label: str  # in the workspace's zone: "2026-11-03 14:00", "2026-11-03", "week of 2026-11-02"


@dataclass(frozen=True)
class ExampleMention:
    id: int
    text: str  # shortened to EXAMPLE_TEXT_LENGTH characters
    url: str | None  # the post on its network; the mention page is /mentions/<id>
    network: str
    created_at: datetime


# --- Volume ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VolumePoint:
    bucket: TimeBucket
    mentions: int


@dataclass(frozen=True)
class NetworkVolume:
    network: str
    mentions: Comparison


@dataclass(frozen=True)
class SourceVolume:
    source_id: int | None  # None: mentions with no source (imported)
    name: str
    collector: str
    mentions: Comparison
    coverage: str  # what the platform does not let this source see; "" when nothing to say


@dataclass(frozen=True)
class Volume:
    total: Comparison
    series: tuple[VolumePoint, ...]
    by_network: tuple[NetworkVolume, ...]  # most mentions first
    by_source: tuple[SourceVolume, ...]


# --- Sentiment ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SentimentCounts:
    positive: int
    neutral: int
    negative: int
    unscored: int  # not yet scored: left out of shares and net sentiment

    @property
    def scored(self) -> int:
        return self.positive + self.neutral + self.negative

    @property
    def net(self) -> float | None:
        """(positive - negative) / scored, from -1 to 1; None with nothing scored."""
        return (self.positive - self.negative) / self.scored if self.scored else None


@dataclass(frozen=True)
class SentimentPoint:
    bucket: TimeBucket
    counts: SentimentCounts


@dataclass(frozen=True)
class SentimentGroup:
    key: str  # a network or a language ("" for unknown language)
    counts: SentimentCounts
    net: Comparison


@dataclass(frozen=True)
class Sentiment:
    counts: SentimentCounts
    previous_counts: SentimentCounts
    net: Comparison
    series: tuple[SentimentPoint, ...]
    by_network: tuple[SentimentGroup, ...]
    by_language: tuple[SentimentGroup, ...]


# --- Complaints -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComplaintPoint:
    bucket: TimeBucket
    mentions: int
    complaints: int

    @property
    def share(self) -> float | None:
        return self.complaints / self.mentions if self.mentions else None


@dataclass(frozen=True)
class TopicComplaints:
    topic: str
    complaints: Comparison
    examples: tuple[ExampleMention, ...]  # at most two: the most confident complaints, newest first on ties


@dataclass(frozen=True)
class Complaints:
    total: Comparison
    share: Comparison  # complaints / mentions
    series: tuple[ComplaintPoint, ...]
    top_topics: tuple[TopicComplaints, ...]  # most complaints first, at most TOP_TOPICS


# --- Responsiveness -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResponseFigures:
    """Mentions that needed a reply (status needs_reply or replied, or answered anyway), how many got a posted
    reply, and the business minutes from the mention to its first posted reply."""

    needed: int
    answered: int
    median_minutes: float | None
    p90_minutes: float | None
    within_sla: int  # answered within the SLA
    sla_decided: int  # answered, or unanswered and already past the SLA: the share's denominator

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.needed if self.needed else None

    @property
    def sla_share(self) -> float | None:
        return self.within_sla / self.sla_decided if self.sla_decided else None


@dataclass(frozen=True)
class ResponseGroup:
    key: str  # a network, or an agent's email
    user_id: int | None  # the agent, for the by-agent rows
    current: ResponseFigures
    previous: ResponseFigures


@dataclass(frozen=True)
class Responsiveness:
    sla_minutes: int
    current: ResponseFigures
    previous: ResponseFigures
    response_rate: Comparison
    median_minutes: Comparison
    p90_minutes: Comparison
    sla_share: Comparison
    by_network: tuple[ResponseGroup, ...]
    by_agent: tuple[ResponseGroup, ...]  # the agent who approved (else last edited) the first posted reply


# --- Issues resolved ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Resolution:
    complaints: Comparison
    resolved: Comparison  # marked resolved by staff, or answered and no new complaint by the author within 7 days
    marked: int  # of the resolved, marked by staff
    pending: int  # answered less than 7 days ago and not marked: cannot be judged yet
    share: Comparison  # resolved / complaints


# --- Repeat complainers ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RepeatComplainer:
    network: str
    author_id: str
    author: str  # the newest display name
    complaints: int
    mention_ids: tuple[int, ...]  # newest first, at most MAX_MENTIONS_PER_AUTHOR


@dataclass(frozen=True)
class RepeatComplainers:
    authors: Comparison  # how many authors complained twice or more
    complaints: int  # complaints by those authors in the range
    top: tuple[RepeatComplainer, ...]  # most complaints first, at most TOP_COMPLAINERS


# --- Peak hours -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PeakHours:
    mentions: tuple[tuple[int, ...], ...]  # [weekday 0=Mon..6][hour 0..23], in the workspace's zone
    complaints: tuple[tuple[int, ...], ...]
    busiest: tuple[int, int] | None  # (weekday, hour) with the most mentions


# --- Ratings --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RatingPoint:
    bucket: TimeBucket
    rated: int
    average: float | None


@dataclass(frozen=True)
class Ratings:
    rated: Comparison  # mentions with a star rating (reviews)
    average: Comparison
    series: tuple[RatingPoint, ...]
    distribution: tuple[int, int, int, int, int]  # mentions with 1..5 stars
    previous_distribution: tuple[int, int, int, int, int]
    promoter_score: Comparison  # (5-star - 1-to-3-star) / rated x 100; derived from ratings, not asked as NPS


# --- What changed ---------------------------------------------------------------------------------------------

class TestKind(StrEnum):
    __test__ = False  # not a pytest class, despite its name

    poisson = "poisson"  # two counts over equal periods: exact binomial test of k1 given k1 + k2 (p = 1/2)
    two_proportion = "two_proportion"  # two shares: two-sided z test with pooled variance


@dataclass(frozen=True)
class Movement:
    name: str  # "Complaints about delivery", "Response rate", ...
    metric: str  # stable key: "mentions", "complaints", "topic:delivery", "network:reddit", "share:complaint", ...
    current: float
    previous: float
    test: TestKind
    p_value: float  # unadjusted, two-sided
    adjusted_p_value: float  # Holm-adjusted over every movement tested
    beyond_noise: bool  # adjusted_p_value < ALPHA

    @property
    def change(self) -> float:
        return self.current - self.previous


@dataclass(frozen=True)
class Changes:
    alpha: float
    correction: str  # "Holm-Bonferroni over N comparisons"
    movements: tuple[Movement, ...]  # the largest first (by p-value, then size), at most TOP_MOVEMENTS
    tested: int


@dataclass(frozen=True)
class Report:
    request: ReportRequest
    previous_request: ReportRequest
    generated_at: datetime
    bucket: BucketSize
    volume: Volume
    sentiment: Sentiment
    complaints: Complaints
    responsiveness: Responsiveness
    resolution: Resolution
    repeat_complainers: RepeatComplainers
    peak_hours: PeakHours
    ratings: Ratings
    changes: Changes


def build_report(session: Session, request: ReportRequest, settings: CalendarSettings, *,
                 now: datetime | None = None) -> Report:
    """Every section for `request` and for its previous period, by SQL aggregates. `settings` gives the business
    calendar and SLA (settings.Settings will do); `now` (default: the clock) decides which unanswered mentions are
    already past the SLA and which answered complaints are still within their 7-day resolution window."""
    from reports.build import assemble  # the section queries import this module's dataclasses

    return assemble(session, request, settings, now=now)
