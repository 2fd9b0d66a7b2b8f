"""Editing, approving, rejecting, redrafting and confirming replies through the mention page's forms."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from models import AuditEvent, Mention, Reply, User
from responder.replies.service import approve, post_reply
from settings import Settings
from tests.web.web_helpers import RecordingDispatcher, csrf_token, login, post_form
from web import create_app


def _page_of(reply: Reply) -> str:
    return f"/mentions/{reply.mention_id}"


def _actions(db_session: Session, reply: Reply) -> list[str]:
    statement = select(AuditEvent.action).where(AuditEvent.reply_id == reply.id).order_by(col(AuditEvent.id))
    return list(db_session.exec(statement).all())


def _reload(db_session: Session, reply: Reply) -> Reply:
    db_session.expire_all()
    return db_session.get_one(Reply, reply.id)


def test_agent_sees_editor_without_approve(client: FlaskClient, logged_in: Callable[[str], User],
                                           make_draft: Callable[..., Reply]) -> None:
    logged_in("agent")
    reply = make_draft(text="Draft <b>text</b>")
    html = client.get(_page_of(reply)).get_data(as_text=True)
    assert 'name="version" value="1"' in html
    assert "Draft &lt;b&gt;text&lt;/b&gt;" in html
    assert "Save" in html
    assert "approve-button" not in html and "reject-button" not in html


def test_viewer_sees_no_forms(client: FlaskClient, logged_in: Callable[[str], User],
                              make_draft: Callable[..., Reply]) -> None:
    logged_in("viewer")
    reply = make_draft()
    html = client.get(_page_of(reply)).get_data(as_text=True)
    assert html.count('<form method="post"') == 1 and 'action="/logout"' in html  # only the logout button
    assert "<textarea" not in html


def test_save_edits_the_draft(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
                              make_draft: Callable[..., Reply]) -> None:
    user = logged_in("agent")
    reply = make_draft()
    response = post_form(client, f"/replies/{reply.id}/save", {"text": "Edited reply", "version": "1"},
                         token_from=_page_of(reply))
    assert response.status_code == 302 and response.location == _page_of(reply)
    stored = _reload(db_session, reply)
    assert (stored.text, stored.version, stored.status) == ("Edited reply", 2, "draft")
    event = db_session.exec(select(AuditEvent).where(AuditEvent.reply_id == reply.id)).one()
    assert (event.action, event.actor_id, event.details["text"]) == ("reply.edited", user.id, "Edited reply")
    assert "Draft saved." in client.get(_page_of(reply)).get_data(as_text=True)


def test_approve_saves_text_and_dispatches_post(client: FlaskClient, db_session: Session,
                                                dispatcher: RecordingDispatcher, logged_in: Callable[[str], User],
                                                make_draft: Callable[..., Reply]) -> None:
    user = logged_in("approver")
    reply = make_draft()
    response = post_form(client, f"/replies/{reply.id}/approve", {"text": reply.text + "\r\n", "version": "1"},
                         token_from=_page_of(reply))
    assert response.status_code == 302
    stored = _reload(db_session, reply)
    assert (stored.status, stored.text, stored.approved_by_id) == ("approved", reply.text, user.id)
    assert dispatcher.calls == [("post_reply", reply.id)]
    assert _actions(db_session, reply) == ["reply.approved"]
    html = client.get(_page_of(reply)).get_data(as_text=True)
    assert "queued for posting" in html
    assert "reply.approved" in html and user.email in html  # the audit trail


def test_stale_version_is_409_with_both_texts(client: FlaskClient, db_session: Session,
                                              dispatcher: RecordingDispatcher, logged_in: Callable[[str], User],
                                              make_draft: Callable[..., Reply]) -> None:
    logged_in("approver")
    reply = make_draft(text="Original")
    token = csrf_token(client.get(_page_of(reply)).get_data(as_text=True))
    assert client.post(f"/replies/{reply.id}/save",
                       data={"csrf_token": token, "text": "Colleague's <edit>", "version": "1"}).status_code == 302
    for action in ("save", "approve"):
        response = client.post(f"/replies/{reply.id}/{action}",
                               data={"csrf_token": token, "text": "My late edit", "version": "1"})
        assert response.status_code == 409, action
        html = response.get_data(as_text=True)
        assert "Colleague&#39;s &lt;edit&gt;" in html and "My late edit" in html
        assert 'name="version" value="2"' in html
    stored = _reload(db_session, reply)
    assert (stored.text, stored.status, stored.version) == ("Colleague's <edit>", "draft", 2)
    assert dispatcher.calls == []


def test_reject_then_redraft(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
                             make_draft: Callable[..., Reply], make_saved_reply: Callable[..., object]) -> None:
    logged_in("approver")
    make_saved_reply()
    reply = make_draft(sentiment="negative", complaint=0.9)  # the saved reply apologises: only to a complaint
    response = post_form(client, f"/replies/{reply.id}/reject", {"note": "Too generic"}, token_from=_page_of(reply))
    assert response.status_code == 302
    assert _reload(db_session, reply).status == "rejected"
    html = client.get(_page_of(reply)).get_data(as_text=True)
    assert "New draft" in html and "Too generic" in html

    response = post_form(client, f"/mentions/{reply.mention_id}/redraft", token_from=_page_of(reply))
    assert response.status_code == 302
    replies = db_session.exec(select(Reply).where(Reply.mention_id == reply.mention_id)
                              .order_by(col(Reply.id))).all()
    assert [r.status for r in replies] == ["rejected", "draft"]
    assert "we're sorry" in replies[1].text

    # A second redraft while one is open is a state conflict, not a second draft.
    assert post_form(client, f"/mentions/{reply.mention_id}/redraft", token_from=_page_of(reply)).status_code == 409


def test_acting_on_a_closed_reply_is_409(client: FlaskClient, logged_in: Callable[[str], User],
                                         make_draft: Callable[..., Reply]) -> None:
    logged_in("approver")
    reply = make_draft()
    assert post_form(client, f"/replies/{reply.id}/reject", token_from=_page_of(reply)).status_code == 302
    response = post_form(client, f"/replies/{reply.id}/approve", {"text": "x", "version": "2"},
                         token_from=_page_of(reply))
    assert response.status_code == 409
    assert "this needs draft" in response.get_data(as_text=True)


def _ready_to_paste(db_session: Session, make_draft: Callable[..., Reply], approver: User,
                    session_factory: sessionmaker[Session], settings: Settings) -> Reply:
    reply = make_draft(text="Paste me")
    approve(db_session, reply, user=approver, expected_version=reply.version)
    db_session.flush()
    post_reply(session_factory, reply.id, settings=settings)
    db_session.refresh(reply)
    assert reply.status == "manual"
    return reply


def test_manual_reply_is_confirmed_posted(client: FlaskClient, db_session: Session,
                                          logged_in: Callable[[str], User], make_draft: Callable[..., Reply],
                                          make_user: Callable[..., User], session_factory: sessionmaker[Session],
                                          settings: Settings) -> None:
    logged_in("agent")
    reply = _ready_to_paste(db_session, make_draft, make_user(role="approver"), session_factory, settings)
    html = client.get(_page_of(reply)).get_data(as_text=True)
    assert 'data-copy-target="manual-text"' in html and "readonly" in html and "I posted it" in html
    response = post_form(client, f"/replies/{reply.id}/confirm",
                         {"permalink": "https://x.com/brand/status/1"}, token_from=_page_of(reply))
    assert response.status_code == 302
    stored = _reload(db_session, reply)
    assert (stored.status, stored.platform_reply_id) == ("posted", "https://x.com/brand/status/1")
    assert db_session.get_one(Mention, reply.mention_id).status == "replied"
    assert _actions(db_session, reply)[-1] == "reply.posted"
    html = client.get(_page_of(reply)).get_data(as_text=True)
    assert "Status: posted" in html and "https://x.com/brand/status/1" in html


def test_bad_version_field_is_400(client: FlaskClient, logged_in: Callable[[str], User],
                                  make_draft: Callable[..., Reply]) -> None:
    logged_in("agent")
    reply = make_draft()
    response = post_form(client, f"/replies/{reply.id}/save", {"text": "x", "version": "one"},
                         token_from=_page_of(reply))
    assert response.status_code == 400


def _post_routes(app: Flask) -> list[str]:
    return [rule.rule for rule in app.url_map.iter_rules()
            if "POST" in (rule.methods or set()) and rule.endpoint.startswith("queue.")]


@pytest.mark.parametrize("role", ["viewer", "agent"])
def test_roles_below_the_requirement_get_403(app: Flask, client: FlaskClient, db_session: Session,
                                             logged_in: Callable[[str], User], make_draft: Callable[..., Reply],
                                             role: str) -> None:
    logged_in(role)
    reply = make_draft()
    agent_allowed = {"/replies/<int:reply_id>/save", "/replies/<int:reply_id>/confirm",
                     "/mentions/<int:mention_id>/redraft", "/mentions/<int:mention_id>/assign",
                     "/mentions/<int:mention_id>/ignore", "/mentions/<int:mention_id>/escalate", "/queue/bulk"}
    # Anyone signed in keeps their own settings: their saved queue views and their time zone.
    own_settings = {"/queue/views", "/queue/views/<int:view_id>/delete", "/account/time-zone"}
    routes = _post_routes(app)
    assert len(routes) == 14
    for route in routes:
        if route == "/mentions/<int:mention_id>/presence/leave":  # any viewer leaves the page they viewed
            continue
        if route in own_settings:
            continue
        if role == "agent" and route in agent_allowed:
            continue
        url = route.replace("<int:reply_id>", str(reply.id)).replace("<int:mention_id>", str(reply.mention_id))
        response = post_form(client, url, {"text": "hijack", "version": "1", "note": "x"},
                             token_from=_page_of(reply))
        assert response.status_code == 403, url
    stored = _reload(db_session, reply)
    assert (stored.status, stored.version) == ("draft", 1)


class BrokenDispatcher(RecordingDispatcher):
    def post_reply(self, reply_id: int) -> None:
        raise ConnectionError("broker down")


def test_approval_stays_but_a_failed_enqueue_is_reported(settings: Settings,
                                                          session_factory: sessionmaker[Session],
                                                          db_session: Session, make_user: Callable[..., User],
                                                          make_draft: Callable[..., Reply]) -> None:
    app = create_app(settings, session_factory=session_factory, dispatcher=BrokenDispatcher())
    client = app.test_client()
    login(client, make_user(role="approver"))
    reply = make_draft()
    response = post_form(client, f"/replies/{reply.id}/approve", {"text": reply.text, "version": "1"},
                         token_from=_page_of(reply))
    assert response.status_code == 302
    assert _reload(db_session, reply).status == "approved"
    assert "queuing it for posting failed" in client.get(_page_of(reply)).get_data(as_text=True)
