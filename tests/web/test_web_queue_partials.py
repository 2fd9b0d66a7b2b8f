"""The queue over htmx (partial bodies, tab counts, sort and search arguments) and presence on a mention."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from inbox.queue.presence import other_viewers, record_view
from models import AuditEvent, Mention, User
from tests.web.web_helpers import login

MENTION_LINK = re.compile(r'href="/mentions/(\d+)"')
HTMX_QUEUE = {"HX-Request": "true", "HX-Target": "queue-body"}


def test_htmx_gets_the_queue_body_only(client: FlaskClient, logged_in: Callable[[str], User],
                                       make_mention: Callable[..., Mention]) -> None:
    logged_in("agent")
    kettle = make_mention(status="needs_reply", text="The kettle leaks")
    make_mention(status="needs_reply", text="The toaster burns")
    make_mention(status="ignored", text="kettle spam")
    response = client.get("/queue?q=KETTLE&tab=needs_reply", headers=HTMX_QUEUE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="queue-filters"' not in html
    assert MENTION_LINK.findall(html) == [str(kettle.id)]
    assert 'hx-get="/queue/counts?tab=needs_reply&amp;q=KETTLE"' in html  # not counted yet: fetched after the list
    assert re.search(r"Needs reply <span class=\"count\"></span>", html)
    assert 'id="filter-tab" name="tab" value="needs_reply" hx-swap-oob="true"' in html
    assert "HX-Request" in response.headers.get("Vary", "")
    counts = client.get("/queue/counts?tab=needs_reply&q=KETTLE", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert re.search(r"Needs reply <span class=\"count\">1</span>", counts)
    assert re.search(r"Ignored <span class=\"count\">1</span>", counts)
    assert 'id="results-count" hx-swap-oob="true">(1 matching)' in counts
    again = client.get("/queue?q=KETTLE&tab=ignored", headers=HTMX_QUEUE).get_data(as_text=True)
    assert re.search(r"Ignored <span class=\"count\">1</span>", again) and "data-counts-loader" not in again
    restore = client.get("/queue?q=kettle", headers={**HTMX_QUEUE, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)  # a history restore needs the whole page


def test_full_page_has_filters_and_working_links(client: FlaskClient, logged_in: Callable[[str], User],
                                                 make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    make_mention(status="needs_reply", sentiment="negative")
    html = client.get("/queue?sentiment=negative&sort=waiting").get_data(as_text=True)
    assert 'id="queue-filters"' in html and 'hx-get="/queue"' in html
    assert 'href="/queue?tab=awaiting&amp;sentiment=negative&amp;sort=waiting"' in html  # tabs keep filters
    assert 'form="bulk"' not in html  # viewers get no bulk actions


def test_sort_by_most_negative(client: FlaskClient, logged_in: Callable[[str], User],
                               make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    mild = make_mention(status="needs_reply", sentiment="negative", confidence=0.55)
    happy = make_mention(status="needs_reply", sentiment="positive", confidence=0.9)
    furious = make_mention(status="needs_reply", sentiment="negative", confidence=0.97)
    html = client.get("/queue?sort=negative").get_data(as_text=True)
    assert MENTION_LINK.findall(html) == [str(furious.id), str(mild.id), str(happy.id)]
    assert client.get("/queue?sort=negative&after=newest|2026-01-01T00:00:00+00:00|5").status_code == 400


def test_presence_shows_who_else_viewed_recently(client: FlaskClient, db_session: Session,
                                                 logged_in: Callable[[str], User],
                                                 make_mention: Callable[..., Mention],
                                                 make_user: Callable[..., User]) -> None:
    me = logged_in("agent")
    colleague = make_user(role="agent", email="colleague@example.com")
    mention = make_mention(status="needs_reply")
    assert mention.id is not None
    assert "Nobody else has this mention open" in client.get(f"/mentions/{mention.id}").get_data(as_text=True)

    other = client.application.test_client()
    login(other, colleague)
    other.get(f"/mentions/{mention.id}")
    other.get(f"/mentions/{mention.id}/presence")  # within a minute: no second event
    html = client.get(f"/mentions/{mention.id}/presence").get_data(as_text=True)
    assert "Also viewing now:" in html and "colleague@example.com" in html and me.email not in html
    views = db_session.exec(select(AuditEvent).where(AuditEvent.mention_id == mention.id,
                                                     AuditEvent.action == "mention.viewed")
                            .order_by(col(AuditEvent.id))).all()
    assert [view.actor for view in views] == [me.email, colleague.email]
    assert "mention.viewed" not in client.get(f"/mentions/{mention.id}").get_data(as_text=True)  # not in history


def test_presence_window_and_throttle(db_session: Session, make_mention: Callable[..., Mention],
                                      make_user: Callable[..., User]) -> None:
    viewer, colleague = make_user(role="agent"), make_user(role="agent")
    mention = make_mention(status="needs_reply")
    assert mention.id is not None
    start = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    assert record_view(db_session, mention.id, colleague, now=start)
    assert not record_view(db_session, mention.id, colleague, now=start + timedelta(seconds=59))
    assert record_view(db_session, mention.id, colleague, now=start + timedelta(seconds=61))
    db_session.flush()
    later = start + timedelta(seconds=61)
    assert other_viewers(db_session, mention.id, viewer, now=later + timedelta(minutes=1)) == [colleague.email]
    assert other_viewers(db_session, mention.id, viewer, now=later + timedelta(minutes=3)) == []
    assert other_viewers(db_session, mention.id, colleague, now=later) == []
