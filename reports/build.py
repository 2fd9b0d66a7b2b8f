"""Assembling a Report from the section queries (see reports.report.build_report)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from listener.platforms import NETWORK_NAMES
from listener.sources import coverage
from models import Source
from models.base import utcnow
from models.business_hours import BusinessCalendar, CalendarSettings
from reports import mention_counts
from reports.changes import CountPair, SharePair, what_changed
from reports.context import CURRENT, PREVIOUS, ReportContext
from reports.issues_resolved import resolution
from reports.mention_counts import MentionCounts
from reports.parallel import run_sections
from reports.peaks import peak_hours
from reports.repeat import repeat_complainers
from reports.report import (
    Changes,
    Comparison,
    ComplaintPoint,
    Complaints,
    NetworkVolume,
    RatingPoint,
    Ratings,
    Report,
    Responsiveness,
    Sentiment,
    SentimentGroup,
    SentimentPoint,
    SourceVolume,
    TopicComplaints,
    Volume,
    VolumePoint,
)
from reports.request import ReportRequest
from reports.responsiveness import responsiveness
from reports.topics import TopicCounts, complaint_topics, top_topics

Pair = tuple[MentionCounts, MentionCounts]


def assemble(session: Session, request: ReportRequest, settings: CalendarSettings, *,
             now: datetime | None = None) -> Report:
    calendar = BusinessCalendar.from_settings(settings)
    _tune(session)
    context = ReportContext.create(session, request, calendar, float(settings.sla_business_hours) * 3600.0,
                                   now or utcnow())
    found = run_sections(context, {  # slowest first: the lanes end together
        "answers": responsiveness, "topics": _topics, "resolution": resolution, "counted": mention_counts.all_counts,
        "repeat": repeat_complainers, "sources": _sources}, _tune)
    counted, answers = found["counted"], found["answers"]
    topic_counts, top = found["topics"]
    totals = mention_counts.totals(counted.networks)  # network is NOT NULL: every mention is in one network's row
    series = counted.series
    networks = mention_counts.split_periods(counted.networks)
    languages = mention_counts.split_periods(counted.languages)
    sources = mention_counts.split_periods(counted.sources)
    current, previous = totals[CURRENT], totals[PREVIOUS]
    return Report(
        request=request, previous_request=context.previous, generated_at=context.now, bucket=context.bucket_size,
        volume=_volume(context, found["sources"], current, previous, series, networks, sources),
        sentiment=_sentiment(context, current, previous, series, networks, languages),
        complaints=_complaints(context, current, previous, series, top),
        responsiveness=answers, resolution=found["resolution"], repeat_complainers=found["repeat"],
        peak_hours=peak_hours(counted.heatmap), ratings=_ratings(context, current, previous, series),
        changes=_changes(current, previous, networks, topic_counts, answers),
    )


def _tune(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    # Compiling these short aggregates with JIT costs seconds and saves milliseconds (the planner's row
    # estimates for the JSON topic expansion are far too high); this transaction only.
    session.execute(sa.text("SET LOCAL jit = off"))
    session.execute(sa.text("SET LOCAL work_mem = '64MB'"))  # the percentile sorts stay in memory
    # The business calendar (a few hundred days) is joined on computed day numbers the planner cannot
    # estimate; it then sorts the range's mentions for merge joins where hashing the small side is far cheaper.
    session.execute(sa.text("SET LOCAL enable_mergejoin = off"))


def _topics(context: ReportContext) -> tuple[TopicCounts, tuple[TopicComplaints, ...]]:
    counts = complaint_topics(context)
    return counts, top_topics(context, counts)


def _sources(context: ReportContext) -> dict[int, Source]:
    return {source.id: source for source in context.session.exec(select(Source)).all() if source.id is not None}


def _volume(context: ReportContext, known: dict[int, Source], current: MentionCounts, previous: MentionCounts,
            series: dict[int, MentionCounts], networks: dict[object, Pair], sources: dict[object, Pair]) -> Volume:
    points = tuple(VolumePoint(bucket, series.get(key, mention_counts.EMPTY).mentions)
                   for key, bucket in context.buckets)
    by_network = tuple(NetworkVolume(str(name), Comparison(now.mentions, before.mentions))
                       for name, (now, before) in _by_current(networks, lambda counts: counts.mentions))
    by_source = []
    for key, (now, before) in _by_current(sources, lambda counts: counts.mentions):
        source = known.get(key) if isinstance(key, int) else None
        by_source.append(SourceVolume(
            source_id=source.id if source else None, name=source.name if source else "No source (imported)",
            collector=source.collector if source else "", mentions=Comparison(now.mentions, before.mentions),
            coverage=coverage(source.collector) if source else ""))
    return Volume(Comparison(current.mentions, previous.mentions), points, by_network, tuple(by_source))


def _sentiment(context: ReportContext, current: MentionCounts, previous: MentionCounts,
               series: dict[int, MentionCounts], networks: dict[object, Pair],
               languages: dict[object, Pair]) -> Sentiment:
    def groups(found: dict[object, Pair]) -> tuple[SentimentGroup, ...]:
        return tuple(SentimentGroup("" if name is None else str(name), now.sentiment,
                                    Comparison(now.sentiment.net, before.sentiment.net))
                     for name, (now, before) in _by_current(found, lambda counts: counts.mentions) if now.mentions)

    points = tuple(SentimentPoint(bucket, series.get(key, mention_counts.EMPTY).sentiment)
                   for key, bucket in context.buckets)
    return Sentiment(current.sentiment, previous.sentiment, Comparison(current.sentiment.net, previous.sentiment.net),
                     points, groups(networks), groups(languages))


def _complaints(context: ReportContext, current: MentionCounts, previous: MentionCounts,
                series: dict[int, MentionCounts], topics: tuple[TopicComplaints, ...]) -> Complaints:
    points = tuple(ComplaintPoint(bucket, series.get(key, mention_counts.EMPTY).mentions,
                                  series.get(key, mention_counts.EMPTY).complaints) for key, bucket in context.buckets)
    return Complaints(Comparison(current.complaints, previous.complaints),
                      Comparison(_share(current.complaints, current.mentions),
                                 _share(previous.complaints, previous.mentions)), points, topics)


def _ratings(context: ReportContext, current: MentionCounts, previous: MentionCounts,
             series: dict[int, MentionCounts]) -> Ratings:
    points = tuple(RatingPoint(bucket, series.get(key, mention_counts.EMPTY).rated,
                               series.get(key, mention_counts.EMPTY).average_rating) for key, bucket in context.buckets)
    return Ratings(Comparison(current.rated, previous.rated),
                   Comparison(current.average_rating, previous.average_rating), points, current.stars,
                   previous.stars, Comparison(current.promoter_score, previous.promoter_score))


def _changes(current: MentionCounts, previous: MentionCounts, networks: dict[object, Pair],
             topics: TopicCounts, answers: Responsiveness) -> Changes:
    counts = [CountPair("Mentions", "mentions", current.mentions, previous.mentions),
              CountPair("Complaints", "complaints", current.complaints, previous.complaints),
              CountPair("Negative mentions", "negative", current.negative, previous.negative),
              *(CountPair(f"Mentions on {NETWORK_NAMES.get(str(name), name)}", f"network:{name}", now.mentions,
                          before.mentions)
                for name, (now, before) in networks.items()),
              *(CountPair(f"Complaints about {name}", f"topic:{name}", now, before)
                for name, (now, before) in topics.counts.items())]
    now_answers, before_answers = answers.current, answers.previous
    shares = [SharePair("Complaint share", "share:complaint", current.complaints, current.mentions,
                        previous.complaints, previous.mentions),
              SharePair("Negative share (of scored)", "share:negative", current.negative,
                        current.sentiment.scored, previous.negative, previous.sentiment.scored),
              SharePair("Positive share (of scored)", "share:positive", current.positive,
                        current.sentiment.scored, previous.positive, previous.sentiment.scored),
              SharePair("Response rate", "share:response_rate", now_answers.answered, now_answers.needed,
                        before_answers.answered, before_answers.needed),
              SharePair("Answered within SLA", "share:sla", now_answers.within_sla, now_answers.sla_decided,
                        before_answers.within_sla, before_answers.sla_decided),
              SharePair("5-star share (of rated)", "share:promoters", current.stars[4], current.rated,
                        previous.stars[4], previous.rated)]
    return what_changed(counts, shares)


def _by_current(found: dict[object, Pair], measure: Callable[[MentionCounts], int]) -> list[tuple[object, Pair]]:
    return sorted(found.items(), key=lambda item: (-measure(item[1][0]), -measure(item[1][1]), str(item[0])))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None



