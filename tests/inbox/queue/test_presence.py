"""Presence forgets a viewer who left: at once when the page says goodbye, soon after when it cannot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlmodel import Session

from inbox.queue.presence import other_viewers, record_leave, record_view
from models import Mention, User

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def test_a_viewer_who_left_is_gone_at_once_and_back_when_they_return(
        db_session: Session, make_mention: Callable[..., Mention], make_user: Callable[..., User]) -> None:
    viewer, colleague = make_user(role="agent"), make_user(role="agent")
    mention = make_mention(status="needs_reply")
    assert mention.id is not None
    assert record_view(db_session, mention.id, colleague, now=START)
    record_leave(db_session, mention.id, colleague, now=START + timedelta(seconds=10))
    db_session.flush()
    assert other_viewers(db_session, mention.id, viewer, now=START + timedelta(seconds=11)) == []
    assert record_view(db_session, mention.id, colleague, now=START + timedelta(seconds=20))  # not throttled
    db_session.flush()
    assert other_viewers(db_session, mention.id, viewer, now=START + timedelta(seconds=21)) == [colleague.email]


def test_a_page_that_could_not_say_goodbye_expires_after_a_throttle_and_a_poll(
        db_session: Session, make_mention: Callable[..., Mention], make_user: Callable[..., User]) -> None:
    viewer, colleague = make_user(role="agent"), make_user(role="agent")
    mention = make_mention(status="needs_reply")
    assert mention.id is not None
    record_view(db_session, mention.id, colleague, now=START)
    db_session.flush()
    assert other_viewers(db_session, mention.id, viewer, now=START + timedelta(seconds=90)) == [colleague.email]
    assert other_viewers(db_session, mention.id, viewer, now=START + timedelta(seconds=110)) == []
