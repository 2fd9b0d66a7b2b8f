"""Every figure of build_report against a plain-Python reference over the same generated mentions and replies."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import Session

from listener.sources import coverage
from models import Mention, Reply, Source, User
from models.business_hours import BusinessCalendar
from reports.report import BucketSize, Report, build_report
from reports.request import Preset, ReportFilters, ReportRequest, for_dates, for_preset
from tests.reports import reference

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
NETWORKS = ("x", "reddit", "trustpilot")
TOPICS = ("delivery", "billing", "app")


@dataclass(frozen=True)
class Calendar:
    workspace_timezone: str = "UTC"
    business_days: str = "mon-fri"
    business_hours: str = "09:00-17:00"
    holidays: str = ""
    sla_business_hours: float = 4.0
    holiday_country: str = ""
    year_end_closure: bool = True


@dataclass
class World:
    mentions: list[Mention]
    replies: list[Reply]
    agents: list[User]


def generate(session: Session, make_user: Callable[..., User], seed: int, *, start: datetime, days: int,
             count: int = 160, with_replies: bool = True) -> World:
    rng = random.Random(seed)
    agents = [make_user(role="agent"), make_user(role="approver")]
    authors = [f"author{index}" for index in range(25)]
    mentions, replies = [], []
    for index in range(count):
        created = start + timedelta(minutes=rng.randrange(days * 24 * 60))
        network = rng.choice(NETWORKS)
        mention = Mention(
            network=network, external_id=f"gen-{seed}-{index}", author=rng.choice(authors),
            author_id=rng.choice([*authors, None]), text=f"mention {index} " + "words " * rng.randrange(80),
            created_at=created, status=rng.choice(["new", "needs_reply", "replied", "no_reply", "ignored"]),
            sentiment=rng.choice(["positive", "neutral", "negative", None]),
            complaint=rng.choice([None, 0.1, 0.49, 0.5, 0.8, 0.95]),
            topics=rng.choice([None, [], ["delivery"], ["billing", "delivery"], ["app"]]),
            rating=rng.choice([None, None, 1, 2, 3, 4, 5]) if network == "trustpilot" else None,
            language=rng.choice(["en", "fr", None]), url=f"https://example.com/{index}",
            resolved_at=NOW - timedelta(days=1) if rng.random() < 0.05 else None)
        session.add(mention)
        mentions.append(mention)
    session.flush()
    for mention in mentions if with_replies else []:
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            posted = mention.created_at + timedelta(minutes=rng.randrange(1, 5 * 24 * 60))
            reply = Reply(mention_id=mention.id or 0, text="Sorry about that.",
                          status=rng.choice(["posted", "posted", "posted", "draft", "failed"]),
                          posted_at=posted if posted < NOW else None, approved_by_id=rng.choice(agents).id)
            session.add(reply)
            replies.append(reply)
    session.flush()
    return World(mentions, replies, agents)


CASES = [
    pytest.param("UTC", date(2026, 11, 1), date(2026, 11, 14), id="utc-days"),
    pytest.param("America/New_York", date(2026, 10, 25), date(2026, 11, 7), id="new-york-dst-end"),
    pytest.param("Asia/Kolkata", date(2026, 11, 16), date(2026, 11, 17), id="kolkata-hours"),
    pytest.param("Europe/Paris", date(2026, 7, 1), date(2026, 10, 31), id="paris-weeks-dst"),
]


@pytest.mark.parametrize(("zone_name", "first", "last"), CASES)
def test_every_figure_matches_the_reference(db_session: Session, make_user: Callable[..., User], zone_name: str,
                                            first: date, last: date) -> None:
    request = for_dates(first, last, zone_name)
    previous = request.previous()
    world = generate(db_session, make_user, seed=sum(map(ord, zone_name)), start=previous.since - timedelta(days=2),
                     days=(request.until - previous.since).days + 4)
    settings = Calendar(workspace_timezone=zone_name)
    report = build_report(db_session, request, settings, now=NOW)
    _check(report, world, request, settings)


def _check(report: Report, world: World, request: ReportRequest, settings: Calendar) -> None:
    zone = request.zone
    previous = request.previous()
    current_mentions = reference.in_range(world.mentions, request.since, request.until)
    previous_mentions = reference.in_range(world.mentions, previous.since, previous.until)

    # Volume
    assert (report.volume.total.current, report.volume.total.previous) == (len(current_mentions),
                                                                            len(previous_mentions))
    assert sum(point.mentions for point in report.volume.series) == len(current_mentions)
    series = {point.bucket.label: point.mentions for point in report.volume.series if point.mentions}
    assert series == dict(reference.bucket_series(current_mentions, zone, report.bucket.value))
    complaint_series = {point.bucket.label: point.complaints for point in report.complaints.series if point.complaints}
    assert complaint_series == dict(reference.bucket_series(reference.complaints(current_mentions), zone,
                                                            report.bucket.value))
    networks = Counter(m.network for m in current_mentions)
    assert {n.network: n.mentions.current for n in report.volume.by_network if n.mentions.current} == dict(networks)

    # Sentiment
    sentiments = Counter(m.sentiment for m in current_mentions)
    counts = report.sentiment.counts
    assert (counts.positive, counts.neutral, counts.negative, counts.unscored) == (
        sentiments["positive"], sentiments["neutral"], sentiments["negative"], sentiments[None])
    assert report.sentiment.net.current == pytest.approx(reference.sentiment_net(current_mentions))
    assert report.sentiment.net.previous == pytest.approx(reference.sentiment_net(previous_mentions))
    for group in report.sentiment.by_language:
        subset = [m for m in current_mentions if (m.language or "") == group.key]
        assert group.net.current == pytest.approx(reference.sentiment_net(subset))

    # Complaints
    current_complaints = reference.complaints(current_mentions)
    assert report.complaints.total.current == len(current_complaints)
    assert report.complaints.total.previous == len(reference.complaints(previous_mentions))
    assert report.complaints.share.current == pytest.approx(
        len(current_complaints) / len(current_mentions) if current_mentions else None)
    topics_now, topics_before = (reference.topic_counts(current_mentions),
                                 reference.topic_counts(previous_mentions))
    for topic in report.complaints.top_topics:
        assert topic.complaints.current == topics_now[topic.topic]
        assert topic.complaints.previous == topics_before.get(topic.topic, 0)
        about = [m for m in current_complaints if topic.topic in (m.topics or [])]
        clearest = max(about, key=lambda m: (m.complaint or 0, m.created_at, m.id or 0))
        others = [m for m in about if m is not clearest]
        expected = [clearest, *([max(others, key=lambda m: (m.created_at, m.id or 0))] if others else [])]
        assert [example.id for example in topic.examples] == [m.id for m in expected]
    assert {t.topic for t in report.complaints.top_topics} == set(topics_now)

    # Responsiveness
    answers = reference.first_answers(world.replies)
    calendar = BusinessCalendar.from_settings(settings)
    sla = settings.sla_business_hours * 60
    for figures, mentions in ((report.responsiveness.current, current_mentions),
                              (report.responsiveness.previous, previous_mentions)):
        expected_responses = reference.responses(mentions, answers, calendar, sla, NOW)
        assert (figures.needed, figures.answered, figures.within_sla, figures.sla_decided) == (
            expected_responses.needed, expected_responses.answered, expected_responses.within_sla,
            expected_responses.decided)
        assert figures.median_minutes == pytest.approx(expected_responses.median, abs=1e-3)
        assert figures.p90_minutes == pytest.approx(expected_responses.p90, abs=1e-3)
    for network in report.responsiveness.by_network:
        subset = [m for m in current_mentions if m.network == network.key]
        expected_responses = reference.responses(subset, answers, calendar, sla, NOW)
        assert network.current.answered == expected_responses.answered
        assert network.current.median_minutes == pytest.approx(expected_responses.median, abs=1e-3)
    for agent in report.responsiveness.by_agent:
        agent_answers = {key: answer for key, answer in answers.items() if answer.agent_id == agent.user_id}
        subset = [m for m in current_mentions if m.id in agent_answers]
        expected_responses = reference.responses(subset, agent_answers, calendar, sla, NOW)
        assert agent.current.answered == expected_responses.answered
        assert agent.current.p90_minutes == pytest.approx(expected_responses.p90, abs=1e-3)

    # Issues resolved
    found, marked, pending = reference.resolved(current_mentions, world.mentions, answers, NOW)
    assert (report.resolution.resolved.current, report.resolution.marked, report.resolution.pending) == (
        found, marked, pending)

    # Repeat complainers
    repeaters = reference.repeaters(current_mentions)
    assert report.repeat_complainers.authors.current == len(repeaters)
    assert report.repeat_complainers.authors.previous == len(reference.repeaters(previous_mentions))
    for complainer in report.repeat_complainers.top:
        assert complainer.complaints == repeaters[(complainer.network, complainer.author_id)]
        assert len(complainer.mention_ids) == min(complainer.complaints, 10)

    # Peak hours
    assert [list(row) for row in report.peak_hours.mentions] == reference.heatmap(current_mentions, zone)
    assert [list(row) for row in report.peak_hours.complaints] == reference.heatmap(current_complaints, zone)

    # Ratings
    ratings = [m.rating for m in current_mentions if m.rating]
    assert report.ratings.rated.current == len(ratings)
    assert report.ratings.average.current == pytest.approx(sum(ratings) / len(ratings) if ratings else None)
    assert report.ratings.distribution == tuple(ratings.count(stars) for stars in range(1, 6))
    if ratings:
        promoters, detractors = ratings.count(5), sum(1 for r in ratings if r <= 3)
        assert report.ratings.promoter_score.current == pytest.approx((promoters - detractors) / len(ratings) * 100)

    # What changed: every movement states its test, and the counts it tested are the report's
    movements = {movement.metric: movement for movement in report.changes.movements}
    if "mentions" in movements:
        assert movements["mentions"].current == len(current_mentions)
    assert all(0.0 <= m.p_value <= m.adjusted_p_value <= 1.0 for m in report.changes.movements)


def test_a_filtered_report_counts_what_the_queue_would(db_session: Session, make_user: Callable[..., User]) -> None:
    request = for_dates(date(2026, 11, 1), date(2026, 11, 14), "UTC", filters=ReportFilters(network="reddit"))
    world = generate(db_session, make_user, seed=7, start=datetime(2026, 10, 16, tzinfo=timezone.utc), days=30)
    report = build_report(db_session, request, Calendar(), now=NOW)
    reddit = [m for m in world.mentions if m.network == "reddit"]
    _check(report, World(reddit, world.replies, world.agents), request, Calendar())
    assert [n.network for n in report.volume.by_network] == ["reddit"]


def test_an_empty_range_reports_nothing_without_failing(db_session: Session) -> None:
    report = build_report(db_session, for_dates(date(2020, 1, 1), date(2020, 1, 7), "Europe/Paris"), Calendar(),
                          now=NOW)
    assert report.volume.total.current == 0 and report.sentiment.net.current is None
    assert report.responsiveness.current.response_rate is None and report.responsiveness.current.median_minutes is None
    assert report.ratings.average.current is None and report.peak_hours.busiest is None
    assert report.changes.movements == () and len(report.volume.series) == 7


def test_a_range_with_no_replies(db_session: Session, make_user: Callable[..., User]) -> None:
    request = for_dates(date(2026, 11, 1), date(2026, 11, 14), "UTC")
    world = generate(db_session, make_user, seed=3, start=datetime(2026, 10, 16, tzinfo=timezone.utc), days=30,
                     with_replies=False)
    report = build_report(db_session, request, Calendar(), now=NOW)
    _check(report, world, request, Calendar())
    assert report.responsiveness.current.answered == 0 and report.responsiveness.by_agent == ()


def test_first_response_is_counted_in_business_minutes(db_session: Session,
                                                       make_mention: Callable[..., Mention]) -> None:
    friday_night = datetime(2026, 11, 6, 23, 50, tzinfo=timezone.utc)
    mention = make_mention(status="replied", created_at=friday_night)
    db_session.add(Reply(mention_id=mention.id or 0, text="Hello", status="posted",
                         posted_at=datetime(2026, 11, 9, 9, 10, tzinfo=timezone.utc)))
    db_session.flush()
    report = build_report(db_session, for_dates(date(2026, 11, 2), date(2026, 11, 8), "UTC"), Calendar(), now=NOW)
    assert report.responsiveness.current.median_minutes == pytest.approx(10.0)
    assert report.responsiveness.current.within_sla == 1


def test_sources_carry_their_coverage_note(db_session: Session, make_mention: Callable[..., Mention],
                                           make_source: Callable[..., Source]) -> None:
    search = make_source(name="X search", collector="x_search", network="x")
    play = make_source(name="Play reviews", collector="googleplay", network="googleplay")
    for _ in range(3):
        make_mention(source_id=search.id)
    make_mention(source_id=play.id, network="googleplay", rating=2)
    make_mention(source_id=None)
    report = build_report(db_session, for_dates(date(2026, 11, 1), date(2026, 11, 14)), Calendar(), now=NOW)
    rows = [(row.name, row.mentions.current, row.coverage) for row in report.volume.by_source]
    assert rows == [("X search", 3, coverage("x_search")), ("Play reviews", 1, coverage("googleplay")),
                    ("No source (imported)", 1, "")]
    assert "7 days" in rows[0][2]
    only_play = build_report(db_session, for_dates(date(2026, 11, 1), date(2026, 11, 14),
                                                   filters=ReportFilters(source_id=play.id, rating=2)), Calendar(),
                             now=NOW)
    assert only_play.volume.total.current == 1 and only_play.ratings.distribution == (0, 1, 0, 0, 0)


def test_today_is_compared_with_yesterday_up_to_the_same_time(db_session: Session,
                                                              make_mention: Callable[..., Mention]) -> None:
    now = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)
    for hour in (1, 9, 14):  # today, before now
        make_mention(created_at=now.replace(hour=hour))
    make_mention(created_at=now.replace(hour=16))  # later today: not yet in the range
    for hour in (2, 10):  # yesterday, before the same time
        make_mention(created_at=now.replace(day=19, hour=hour))
    make_mention(created_at=now.replace(day=19, hour=20))  # yesterday evening: outside the comparison
    report = build_report(db_session, for_preset(Preset.today, "UTC", now=now), Calendar(), now=now)
    assert (report.volume.total.current, report.volume.total.previous) == (3, 2)
    assert report.bucket is BucketSize.hour and len(report.volume.series) == 15
