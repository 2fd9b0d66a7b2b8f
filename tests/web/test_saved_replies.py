"""The admin-only saved replies pages (real CSRF), and the drafting parts of the mention page: why this draft,
filling in prompted fields, and the optional model rewrite (replayed from tests/cassettes/llm/)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
import vcr
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from models import AuditEvent, Mention, Reply, SavedReply, User
from responder.drafting.llm import LlmConfigError
from settings import Settings
from tests.responder.test_llm import CASSETTES, DRAFT, REWRITE, same_chat_request
from tests.web.web_helpers import RecordingDispatcher, login, post_form
from web import create_app

FORM = {"name": "Late (en)", "language": "en", "topic": "delivery", "sentiment": "", "network": "",
        "body": "Sorry {author}, order {?order number} is late. - {agent}", "variants": "So sorry {author}!"}


def _reload(db_session: Session, row: Any) -> Any:
    db_session.expire_all()
    return db_session.get_one(type(row), row.id)


# --- admin pages -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/saved-replies", "/saved-replies/new"])
def test_only_admins_manage_saved_replies(client: FlaskClient, logged_in: Callable[[str], User], path: str) -> None:
    assert client.get(path).status_code == 302  # to the login page
    logged_in("approver")
    assert client.get(path).status_code == 403


def test_agents_cannot_change_a_saved_reply(client: FlaskClient, logged_in: Callable[[str], User],
                                            make_saved_reply: Callable[..., SavedReply],
                                            db_session: Session) -> None:
    saved = make_saved_reply()
    logged_in("agent")
    assert post_form(client, f"/saved-replies/{saved.id}/active", {"active": "0"}).status_code == 403
    assert post_form(client, f"/saved-replies/{saved.id}/edit", {**FORM}).status_code == 403
    assert _reload(db_session, saved).active


def test_the_list_filters_by_language_topic_sentiment_and_network(
    client: FlaskClient, logged_in: Callable[[str], User], make_saved_reply: Callable[..., SavedReply]
) -> None:
    logged_in("admin")
    make_saved_reply(name="EN general")
    make_saved_reply(name="JA delivery", language="ja", topic="delivery", variants=["二つ目"])
    make_saved_reply(name="EN thanks on X", sentiment="positive", network="x")
    make_saved_reply(name="EN retired", active=False)
    html = client.get("/saved-replies").get_data(as_text=True)
    assert all(name in html for name in ("EN general", "JA delivery", "EN thanks on X"))
    assert "EN retired" not in html and 'href="/saved-replies"' in html  # the nav link
    assert _names(client, "?language=ja") == ["JA delivery"]
    assert _names(client, "?topic=any&language=en") == ["EN general", "EN thanks on X"]
    assert _names(client, "?sentiment=positive&network=x") == ["EN thanks on X"]
    assert "EN retired" in _names(client, "?inactive=1")


def _names(client: FlaskClient, query: str) -> list[str]:
    html = client.get("/saved-replies" + query).get_data(as_text=True)
    return [part.split("</bdi>")[0] for part in html.split('<th scope="row"><bdi>')[1:]]


def test_adding_a_saved_reply_needs_csrf_and_a_valid_template(
    client: FlaskClient, db_session: Session, logged_in: Callable[[str], User]
) -> None:
    logged_in("admin")
    assert client.post("/saved-replies/new", data=FORM).status_code == 400  # no CSRF token
    bad = post_form(client, "/saved-replies/new", {**FORM, "body": "Hi {authr}"}, token_from="/saved-replies/new")
    assert bad.status_code == 400 and "unknown variable {authr}" in bad.get_data(as_text=True)
    assert "Hi {authr}" in bad.get_data(as_text=True)  # the admin's input is kept
    assert db_session.exec(select(SavedReply)).all() == []
    response = post_form(client, "/saved-replies/new", FORM, token_from="/saved-replies/new")
    assert response.status_code == 302 and response.location == "/saved-replies"
    saved = db_session.exec(select(SavedReply)).one()
    assert (saved.name, saved.topic, saved.sentiment, saved.variants) == ("Late (en)", "delivery", None,
                                                                          ["So sorry {author}!"])
    assert db_session.exec(select(AuditEvent.action)).all() == ["saved_reply.created"]


def test_editing_and_deactivating_a_saved_reply(client: FlaskClient, db_session: Session,
                                                logged_in: Callable[[str], User],
                                                make_saved_reply: Callable[..., SavedReply]) -> None:
    logged_in("admin")
    saved = make_saved_reply(variants=["Two {author}", "Three {author}"])
    page = client.get(f"/saved-replies/{saved.id}/edit").get_data(as_text=True)
    assert "Two {author}\n---\nThree {author}</textarea>" in page
    response = post_form(client, f"/saved-replies/{saved.id}/edit", {**FORM, "variants": ""},
                         token_from=f"/saved-replies/{saved.id}/edit")
    assert response.status_code == 302
    saved = _reload(db_session, saved)
    assert (saved.name, saved.variants) == ("Late (en)", None)
    assert post_form(client, f"/saved-replies/{saved.id}/active", {"active": "0"}).status_code == 302
    assert not _reload(db_session, saved).active
    assert post_form(client, f"/saved-replies/{saved.id}/active", {"active": "maybe"}).status_code == 400
    assert client.get("/saved-replies/999/edit").status_code == 404


# --- the mention page ------------------------------------------------------------------------------------------

def _draft(db_session: Session, make_mention: Callable[..., Mention], reply_text: str, **mention: Any) -> Reply:
    reply = Reply(mention_id=make_mention(status="needs_reply", **mention).id, text=reply_text, poster="manual",
                  draft_reason="en · delivery complaint · negative · matched saved reply 'Late <en>' on language")
    db_session.add(reply)
    db_session.flush()
    return reply


def test_the_mention_page_says_why_and_asks_for_each_prompted_field(
    client: FlaskClient, db_session: Session, logged_in: Callable[[str], User], make_mention: Callable[..., Mention]
) -> None:
    logged_in("approver")
    reply = _draft(db_session, make_mention, "Order {?order number} by {?date}. - {agent}")
    html = client.get(f"/mentions/{reply.mention_id}").get_data(as_text=True)
    assert "Why this draft:" in html and "matched saved reply &#39;Late &lt;en&gt;&#39; on language" in html
    assert html.count('name="label"') == 2 and 'value="order number"' in html and 'value="date"' in html
    assert 'id="assist-form"' not in html  # generative drafting is off by default
    page = f"/mentions/{reply.mention_id}"
    response = post_form(client, f"/replies/{reply.id}/fill", {"version": "1", "label": "order number",
                                                                "value": "LH-4411"}, token_from=page)
    assert response.status_code == 302
    reply = _reload(db_session, reply)
    assert reply.text.startswith("Order LH-4411 by {?date}. - ") and reply.edited_by_id is None
    stale = post_form(client, f"/replies/{reply.id}/fill", {"version": "1", "label": "date", "value": "Nov 9"},
                      token_from=page)
    assert stale.status_code == 302 and "{?date}" in _reload(db_session, reply).text
    unpaired = client.post(f"/replies/{reply.id}/fill", data={"version": "2", "label": ["date", "x"],
                                                              "value": "Nov 9"})
    assert unpaired.status_code == 400


def test_viewers_cannot_fill_in(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
                                make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    reply = _draft(db_session, make_mention, "Order {?order number}")
    assert 'id="fill-form"' not in client.get(f"/mentions/{reply.mention_id}").get_data(as_text=True)
    assert post_form(client, f"/replies/{reply.id}/fill", {"version": "1"}).status_code == 403


@pytest.fixture()
def llm_app(settings: Settings, session_factory: sessionmaker[Session]) -> Flask:
    configured = settings.model_copy(update={"llm_base_url": "http://llm.test:8080", "llm_model": "care-writer-7b"})
    app = create_app(configured, session_factory=session_factory, dispatcher=RecordingDispatcher())
    app.config["TESTING"] = True
    return app


def test_an_agent_asks_the_model_to_rewrite_the_draft(
    llm_app: Flask, db_session: Session, make_user: Callable[..., User], make_mention: Callable[..., Mention]
) -> None:
    client = llm_app.test_client()
    agent = make_user(role="agent")
    assert login(client, agent).status_code == 302
    reply = _draft(db_session, make_mention, DRAFT, author="ann", language="en",
                   text="@lumohome my order is two weeks late, where is it?",
                   created_at=datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc))
    page = f"/mentions/{reply.mention_id}"
    assert 'id="assist-form"' in client.get(page).get_data(as_text=True)
    player = vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="none",
                     match_on=["method", "scheme", "host", "port", "path", "chat"])
    player.register_matcher("chat", same_chat_request)
    with player.use_cassette("chat_ok.yaml") as played:
        response = post_form(client, f"/replies/{reply.id}/assist", {"version": "1"}, token_from=page)
    assert response.status_code == 302 and played.play_count == 1
    reply = _reload(db_session, reply)
    assert (reply.text, reply.status, reply.edited_by_id) == (REWRITE, "draft", agent.id)
    actions = db_session.exec(select(AuditEvent.action).where(AuditEvent.reply_id == reply.id)
                              .order_by(col(AuditEvent.id))).all()
    assert actions == ["reply.edited", "reply.assisted"]


def test_the_rewrite_route_is_absent_when_generative_drafting_is_off(
    client: FlaskClient, db_session: Session, logged_in: Callable[[str], User], make_mention: Callable[..., Mention]
) -> None:
    logged_in("agent")
    reply = _draft(db_session, make_mention, DRAFT)
    assert post_form(client, f"/replies/{reply.id}/assist", {"version": "1"}).status_code == 404


def test_a_half_configured_model_stops_the_app_at_boot(settings: Settings,
                                                       session_factory: sessionmaker[Session]) -> None:
    broken = settings.model_copy(update={"llm_base_url": "http://llm.test:8080"})
    with pytest.raises(LlmConfigError, match="LLM_MODEL is empty"):
        create_app(broken, session_factory=session_factory, dispatcher=RecordingDispatcher())
