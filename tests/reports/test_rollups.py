"""The kept tables (report_mention_hour, report_first_response) give exactly the report the mentions and replies
give, on a randomised dataset, and stay exact through re-scoring, moves, deletions and reply changes made through
the ORM and through plain UPDATE/DELETE statements (the triggers see both)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import Mention, MentionSource, Reply, User
from models.report_first_response import ReportFirstResponse
from models.report_mention_hour import ReportMentionHour
from reports import first_response, rollup_counts
from reports.report import Report, build_report
from reports.request import ReportFilters, for_dates
from tests.reports.test_report import NOW, Calendar, World, generate

CASES = [
    pytest.param("UTC", date(2026, 11, 1), date(2026, 11, 14), ReportFilters(), id="utc"),
    pytest.param("Europe/Paris", date(2026, 10, 20), date(2026, 11, 2), ReportFilters(), id="paris-dst"),
    pytest.param("America/New_York", date(2026, 7, 1), date(2026, 11, 15), ReportFilters(network="x"),
                 id="new-york-weeks-network"),
    pytest.param("UTC", date(2026, 11, 10), date(2026, 11, 10), ReportFilters(language="en"), id="one-day-hours"),
]


@pytest.mark.parametrize(("zone_name", "first", "last", "filters"), CASES)
def test_the_rollups_give_the_report_the_mentions_give(db_session: Session, make_user: Callable[..., User],
                                                       monkeypatch: pytest.MonkeyPatch, zone_name: str, first: date,
                                                       last: date, filters: ReportFilters) -> None:
    request = for_dates(first, last, zone_name, filters=filters)
    previous = request.previous()
    world = generate(db_session, make_user, seed=len(zone_name) + first.day, start=previous.since - timedelta(days=1),
                     days=(request.until - previous.since).days + 2, count=220)
    settings = Calendar(workspace_timezone=zone_name)
    rng = random.Random(first.toordinal())
    assert rollup_counts.usable_for(request, zone_name)

    def both() -> tuple[Report, Report]:
        from_rollups = build_report(db_session, request, settings, now=NOW)
        with monkeypatch.context() as patched:
            patched.setattr(rollup_counts, "usable", lambda context: False)
            from_mentions = build_report(db_session, request, settings, now=NOW)
        return from_rollups, from_mentions

    from_rollups, from_mentions = both()
    assert (from_rollups.volume.total.current or 0) > 0
    assert from_rollups == from_mentions
    _assert_kept_tables_exact(db_session)

    _rescore_move_and_delete(db_session, world, rng)
    _change_replies(db_session, world, rng)
    db_session.expire_all()
    from_rollups, from_mentions = both()
    assert from_rollups == from_mentions
    _assert_kept_tables_exact(db_session)


def test_a_zone_off_the_hour_reads_the_mentions(db_session: Session) -> None:
    request = for_dates(date(2026, 11, 1), date(2026, 11, 7), "Asia/Kolkata")
    assert not rollup_counts.usable_for(request, "Asia/Kolkata")
    assert not rollup_counts.usable_for(for_dates(date(2026, 11, 1), date(2026, 11, 7), "UTC",
                                                  filters=ReportFilters(sentiment="negative")), "UTC")


def _rescore_move_and_delete(session: Session, world: World, rng: random.Random) -> None:
    mentions = list(world.mentions)
    rng.shuffle(mentions)
    for mention in mentions[:30]:  # re-scored through the ORM
        mention.sentiment = rng.choice(["positive", "neutral", "negative", None])
        mention.complaint = rng.choice([None, 0.2, 0.5, 0.9])
        mention.rating = rng.choice([None, 1, 3, 5])
        session.add(mention)
    for mention in mentions[30:40]:  # moved in time, network and language
        mention.created_at = mention.created_at + timedelta(hours=rng.randrange(-48, 48), minutes=7)
        mention.network = rng.choice(["x", "reddit"])
        mention.language = rng.choice(["en", None, "de"])
        session.add(mention)
    session.flush()
    ids = [mention.id for mention in mentions[40:50]]
    session.execute(sa.update(Mention).where(col(Mention.id).in_(ids))  # a plain UPDATE, as bulk writers do
                    .values(sentiment="negative", complaint=0.75, language="es"))
    gone = [mention.id for mention in mentions[50:60]]
    session.execute(sa.delete(Reply).where(col(Reply.mention_id).in_(gone)))
    session.execute(sa.delete(MentionSource).where(col(MentionSource.mention_id).in_(gone)))
    session.execute(sa.delete(Mention).where(col(Mention.id).in_(gone)))
    session.flush()
    world.mentions[:] = [mention for mention in world.mentions if mention.id not in gone]


def _change_replies(session: Session, world: World, rng: random.Random) -> None:
    live = {mention.id for mention in world.mentions}
    replies = list(session.exec(select(Reply).where(col(Reply.mention_id).in_(live)).order_by(col(Reply.id))))
    rng.shuffle(replies)
    for reply in replies[:10]:  # an earlier reply posted, or a later one
        mention = next(mention for mention in world.mentions if mention.id == reply.mention_id)
        session.add(Reply(mention_id=reply.mention_id, text="Again", status="posted",
                          posted_at=mention.created_at + timedelta(minutes=rng.randrange(1, 600)),
                          edited_by_id=world.agents[0].id))
    ids = [reply.id for reply in replies[10:20]]
    session.execute(sa.update(Reply).where(col(Reply.id).in_(ids))  # as reply_states' conditional transitions do
                    .values(status=rng.choice(["posted", "failed"]), posted_at=NOW - timedelta(days=3)))
    session.execute(sa.delete(Reply).where(col(Reply.id).in_([reply.id for reply in replies[20:25]])))
    for reply in replies[25:30]:
        reply.approved_by_id = world.agents[1].id
        session.add(reply)
    session.flush()


def _assert_kept_tables_exact(session: Session) -> None:
    """The tables as the triggers left them equal the tables rebuilt from scratch."""
    kept_hours, kept_first = _hour_totals(session), _first_rows(session)
    connection = session.connection()
    first_response.rebuild(connection)
    rollup_counts.rebuild(connection)
    session.expire_all()
    assert _first_rows(session) == kept_first
    assert _hour_totals(session) == kept_hours


def _hour_totals(session: Session) -> dict[tuple[datetime, str, int | None, str | None], tuple[int, ...]]:
    totals: dict[tuple[datetime, str, int | None, str | None], Counter[int]] = {}
    for row in session.exec(select(ReportMentionHour)):
        found = totals.setdefault((row.hour_start, row.network, row.source_id, row.language), Counter())
        for index, name in enumerate(rollup_counts.MEASURES):
            found[index] += getattr(row, name)
    return {key: tuple(found[index] for index in range(len(rollup_counts.MEASURES)))
            for key, found in totals.items() if any(found.values())}


def _first_rows(session: Session) -> set[tuple[int, int, datetime, int | None]]:
    return {(row.mention_id, row.reply_id, row.posted_at, row.agent_id)
            for row in session.exec(select(ReportFirstResponse))}
