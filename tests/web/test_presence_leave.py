"""Presence forgets a viewer who left: at once when the page says goodbye, soon after when it cannot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from flask.testing import FlaskClient
from sqlmodel import Session

from models import Mention, User
from tests.web.web_helpers import csrf_token, login
from web.queue.presence import other_viewers, record_leave, record_view

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


def test_leaving_the_mention_page_over_http(client: FlaskClient, logged_in: Callable[[str], User],
                                            make_mention: Callable[..., Mention],
                                            make_user: Callable[..., User]) -> None:
    logged_in("agent")
    colleague = make_user(role="viewer", email="colleague@example.com")
    mention = make_mention(status="needs_reply")
    other = client.application.test_client()
    login(other, colleague)
    page = other.get(f"/mentions/{mention.id}").get_data(as_text=True)
    assert f'data-leave-url="/mentions/{mention.id}/presence/leave"' in page
    assert "colleague@example.com" in client.get(f"/mentions/{mention.id}/presence").get_data(as_text=True)
    left = other.post(f"/mentions/{mention.id}/presence/leave", data={"csrf_token": csrf_token(page)})
    assert left.status_code == 204
    assert "colleague@example.com" not in client.get(f"/mentions/{mention.id}/presence").get_data(as_text=True)
    assert other.post(f"/mentions/{mention.id}/presence/leave").status_code == 400  # CSRF like any form
    assert "mention.viewed" not in client.get(f"/mentions/{mention.id}").get_data(as_text=True)
