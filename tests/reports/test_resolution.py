"""Marking a complaint resolved: audited, reversible, and counted by the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone

import pytest
from sqlmodel import Session, col, select

from models import AuditEvent, Mention, User
from reports.report import build_report
from reports.request import for_dates
from reports.resolution import ResolutionError, mark_resolved, unmark_resolved
from settings import Settings

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)


def test_marking_and_unmarking_is_audited(db_session: Session, make_mention: Callable[..., Mention],
                                          make_user: Callable[..., User]) -> None:
    agent = make_user(role="agent")
    mention = make_mention(complaint=0.9)
    mark_resolved(db_session, mention, agent, now=NOW)
    assert (mention.resolved_at, mention.resolved_by_id) == (NOW, agent.id)
    with pytest.raises(ResolutionError, match="already marked"):
        mark_resolved(db_session, mention, agent)
    unmark_resolved(db_session, mention, agent)
    assert (mention.resolved_at, mention.resolved_by_id) == (None, None)
    with pytest.raises(ResolutionError, match="not marked"):
        unmark_resolved(db_session, mention, agent)
    db_session.flush()
    events = db_session.exec(select(AuditEvent).where(AuditEvent.mention_id == mention.id)
                             .order_by(col(AuditEvent.id))).all()
    assert [(event.action, event.actor) for event in events] == [("mention.resolved", agent.email),
                                                                 ("mention.unresolved", agent.email)]
    assert events[1].details["was_resolved_by_id"] == agent.id


def test_viewers_cannot_mark(db_session: Session, make_mention: Callable[..., Mention],
                             make_user: Callable[..., User]) -> None:
    mention = make_mention(complaint=0.9)
    with pytest.raises(ResolutionError, match="cannot change"):
        mark_resolved(db_session, mention, make_user(role="viewer"))
    assert mention.resolved_at is None


def test_a_marked_complaint_counts_as_resolved(db_session: Session, make_mention: Callable[..., Mention],
                                              make_user: Callable[..., User], settings: Settings) -> None:
    complaints = [make_mention(complaint=0.9, status="needs_reply") for _ in range(4)]
    mark_resolved(db_session, complaints[0], make_user(role="agent"), now=NOW)
    db_session.flush()
    report = build_report(db_session, for_dates(date(2026, 11, 1), date(2026, 11, 14)), settings, now=NOW)
    resolution = report.resolution
    assert (resolution.complaints.current, resolution.resolved.current, resolution.marked) == (4, 1, 1)
    assert resolution.share.current == 0.25
