"""Four eyes on approval, superseded drafts, and saving over htmx (partial answers, 409 with both texts)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from models import AuditEvent, Reply, User
from tests.web.web_helpers import csrf_token, post_form
from web.queue.htmx import ALLOW_SELF_APPROVAL_KEY

HTMX = {"HX-Request": "true", "HX-Target": "reply"}


def _page_of(reply: Reply) -> str:
    return f"/mentions/{reply.mention_id}"


def _reload(db_session: Session, reply: Reply) -> Reply:
    db_session.expire_all()
    return db_session.get_one(Reply, reply.id)


def test_saving_records_the_editor(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
                                   make_draft: Callable[..., Reply]) -> None:
    agent = logged_in("agent")
    reply = make_draft()
    post_form(client, f"/replies/{reply.id}/save", {"text": "Mine now", "version": "1"}, token_from=_page_of(reply))
    assert _reload(db_session, reply).edited_by_id == agent.id


def test_approver_may_not_approve_their_own_last_edit(client: FlaskClient, db_session: Session,
                                                      logged_in: Callable[[str], User],
                                                      make_draft: Callable[..., Reply]) -> None:
    logged_in("approver")
    reply = make_draft()
    post_form(client, f"/replies/{reply.id}/save", {"text": "My wording", "version": "1"},
              token_from=_page_of(reply))
    html = client.get(_page_of(reply)).get_data(as_text=True)
    assert 'id="approve-button"' not in html and "another approver has to approve it" in html
    response = post_form(client, f"/replies/{reply.id}/approve", {"text": "My wording", "version": "2"},
                         token_from=_page_of(reply))
    assert response.status_code == 409
    assert "another approver has to approve it" in response.get_data(as_text=True)
    assert _reload(db_session, reply).status == "draft"


def test_approving_with_changes_counts_as_editing(client: FlaskClient, db_session: Session,
                                                  logged_in: Callable[[str], User],
                                                  make_draft: Callable[..., Reply]) -> None:
    logged_in("approver")
    reply = make_draft()
    response = post_form(client, f"/replies/{reply.id}/approve", {"text": "Rewritten", "version": "1"},
                         token_from=_page_of(reply))
    assert response.status_code == 409
    assert (_reload(db_session, reply).status, _reload(db_session, reply).text) == ("draft", reply.text)


def test_workspace_may_allow_self_approval(app: Flask, client: FlaskClient, db_session: Session,
                                          logged_in: Callable[[str], User],
                                          make_draft: Callable[..., Reply]) -> None:
    app.config[ALLOW_SELF_APPROVAL_KEY] = True
    approver = logged_in("approver")
    reply = make_draft()
    post_form(client, f"/replies/{reply.id}/save", {"text": "Mine", "version": "1"}, token_from=_page_of(reply))
    response = post_form(client, f"/replies/{reply.id}/approve", {"text": "Mine, final", "version": "2"},
                         token_from=_page_of(reply))
    assert response.status_code == 302
    stored = _reload(db_session, reply)
    assert (stored.status, stored.text, stored.edited_by_id) == ("approved", "Mine, final", approver.id)


def test_another_approver_approves_and_other_drafts_are_superseded(
        client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
        make_draft: Callable[..., Reply], make_user: Callable[..., User]) -> None:
    reply = make_draft()
    reply.edited_by_id = make_user(role="agent").id
    twin = Reply(mention_id=reply.mention_id, text="A second draft from a race", poster="manual")
    db_session.add(twin)
    db_session.flush()
    logged_in("approver")
    response = post_form(client, f"/replies/{reply.id}/approve", {"text": reply.text, "version": "1"},
                         token_from=_page_of(reply))
    assert response.status_code == 302
    assert _reload(db_session, reply).status == "approved"
    assert _reload(db_session, twin).status == "rejected"
    note = db_session.exec(select(AuditEvent).where(AuditEvent.reply_id == twin.id)
                           .order_by(col(AuditEvent.id).desc())).first()
    assert note is not None and note.details["note"] == f"superseded: reply {reply.id} was approved"


def test_htmx_save_answers_with_the_reply_section(client: FlaskClient, db_session: Session,
                                                  logged_in: Callable[[str], User],
                                                  make_draft: Callable[..., Reply]) -> None:
    logged_in("agent")
    reply = make_draft()
    token = csrf_token(client.get(_page_of(reply)).get_data(as_text=True))
    response = client.post(f"/replies/{reply.id}/save", headers=HTMX,
                           data={"csrf_token": token, "text": "Quick fix", "version": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="reply" id="reply"') and "<html" not in html
    assert "Draft saved." in html and 'name="version" value="2"' in html
    assert 'id="audit" aria-labelledby="audit-title" hx-swap-oob="true"' in html
    assert "Draft saved." not in client.get(_page_of(reply)).get_data(as_text=True)  # not flashed twice

    stale = client.post(f"/replies/{reply.id}/save", headers=HTMX,
                        data={"csrf_token": token, "text": "Late <edit>", "version": "1"})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert 'id="conflict"' in html and "Late &lt;edit&gt;" in html and "Quick fix" in html
    assert _reload(db_session, reply).text == "Quick fix"


def test_draft_shows_its_length_and_lint(client: FlaskClient, logged_in: Callable[[str], User],
                                         make_draft: Callable[..., Reply]) -> None:
    logged_in("agent")
    reply = make_draft(text="Hi {author}, see https://example.com/" + "a" * 300, network="x")
    html = client.get(_page_of(reply)).get_data(as_text=True)
    assert "X length: <span data-count>40</span> of 280" in html
    assert "unfilled variables: {author}" in html
