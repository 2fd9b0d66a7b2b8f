"""Relabelling from the mention page: roles, CSRF, the stored correction, and the page and queue showing it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone

from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from models import AuditEvent, Correction, Mention, User
from tests.web.web_helpers import csrf_token

MENTION_LINK = re.compile(r'href="/mentions/(\d+)"')


def scored_mention(make_mention: Callable[..., Mention], **fields: object) -> Mention:
    return make_mention(**{"status": "needs_reply", "sentiment": "positive", "confidence": 0.83, "complaint": 0.12,
                           "topics": [], "language": "en", "model_name": "earful-e5-small", "model_version": "v1",
                           "scored_at": datetime(2026, 11, 5, 15, 0, tzinfo=timezone.utc), **fields})


def page(client: FlaskClient, mention: Mention) -> str:
    response = client.get(f"/mentions/{mention.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def relabel(client: FlaskClient, mention: Mention, **form: str | list[str]) -> TestResponse:
    token = csrf_token(page(client, mention))
    return client.post(f"/mentions/{mention.id}/relabel", data={"csrf_token": token, **form})


def test_an_agent_relabels_and_the_page_says_who(client: FlaskClient, logged_in: Callable[[str], User],
                                                 make_mention: Callable[..., Mention], db_session: Session) -> None:
    agent = logged_in("agent")
    mention = scored_mention(make_mention)
    html = page(client, mention)
    assert f'action="/mentions/{mention.id}/relabel"' in html
    assert 'name="topic" value="delivery"' in html and 'name="topic" value="app_bug"' in html
    assert "nobody has corrected them" in html

    response = relabel(client, mention, sentiment="negative", complaint="yes", topic=["refund", "delivery"])
    assert response.status_code == 302
    correction = db_session.exec(select(Correction).where(Correction.mention_id == mention.id)).one()
    assert (correction.sentiment, correction.complaint, correction.topics) == ("negative", True,
                                                                               ["delivery", "refund"])
    assert (correction.model_sentiment, correction.model_confidence, correction.user_id) == ("positive", 0.83,
                                                                                            agent.id)

    html = page(client, mention)
    assert f"Corrected by {agent.email}" in html and "The model said positive (83% confident)" in html
    assert "<dt>Sentiment</dt><dd>Negative" in html and "delivery, refund" in html  # the human label
    assert "Labels saved; the queue now uses them." in html and "mention.relabelled" in html  # flash, history
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "mention.relabelled")).one()
    assert event.mention_id == mention.id and event.actor_id == agent.id


def test_the_queue_filters_by_the_staff_label(client: FlaskClient, logged_in: Callable[[str], User],
                                              make_mention: Callable[..., Mention]) -> None:
    logged_in("agent")
    mention = scored_mention(make_mention)
    relabel(client, mention, sentiment="negative", complaint="yes", topic="delivery")
    negative = client.get("/queue?sentiment=negative&complaint=yes&topic=delivery").get_data(as_text=True)
    assert MENTION_LINK.findall(negative) == [str(mention.id)]
    assert MENTION_LINK.findall(client.get("/queue?sentiment=positive").get_data(as_text=True)) == []


def test_a_viewer_sees_the_labels_but_cannot_relabel(client: FlaskClient, logged_in: Callable[[str], User],
                                                     make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    mention = scored_mention(make_mention)
    html = page(client, mention)
    assert "nobody has corrected them" in html and "/relabel" not in html and 'name="sentiment"' not in html
    response = relabel(client, mention, sentiment="negative", complaint="yes")
    assert response.status_code == 403


def test_relabel_needs_the_csrf_token(client: FlaskClient, logged_in: Callable[[str], User],
                                      make_mention: Callable[..., Mention], db_session: Session) -> None:
    logged_in("agent")
    mention = scored_mention(make_mention)
    response = client.post(f"/mentions/{mention.id}/relabel", data={"sentiment": "negative", "complaint": "yes"})
    assert response.status_code == 400
    assert db_session.exec(select(Correction)).all() == []


def test_bad_labels_get_a_clear_error(client: FlaskClient, logged_in: Callable[[str], User],
                                      make_mention: Callable[..., Mention], db_session: Session) -> None:
    logged_in("agent")
    mention = scored_mention(make_mention)
    for form, message in (({"sentiment": "furious", "complaint": "yes"}, "Sentiment must be one of"),
                          ({"sentiment": "negative"}, "Say whether the mention is a complaint"),
                          ({"sentiment": "negative", "complaint": "no", "topic": "<script>"}, "Unknown topic")):
        response = relabel(client, mention, **form)
        assert response.status_code == 400
        body = response.get_data(as_text=True)
        assert message in body and "<script>" not in body
    assert db_session.exec(select(Correction)).all() == []
    assert client.post("/mentions/999999/relabel", data={"csrf_token": csrf_token(page(client, mention)),
                                                         "sentiment": "negative", "complaint": "no"}).status_code == 404


def test_relabelling_twice_with_the_same_labels_records_once(client: FlaskClient, logged_in: Callable[[str], User],
                                                             make_mention: Callable[..., Mention],
                                                             db_session: Session) -> None:
    logged_in("agent")
    mention = scored_mention(make_mention)
    relabel(client, mention, sentiment="neutral", complaint="no")
    relabel(client, mention, sentiment="neutral", complaint="no")
    assert len(db_session.exec(select(Correction)).all()) == 1
    assert "Those are already the labels." in page(client, mention)
