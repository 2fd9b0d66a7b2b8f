"""The saved-reply picker on the mention page: who sees it, and what using a saved reply does to the draft."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from models import AuditEvent, Reply, SavedReply, User
from tests.web.web_helpers import csrf_token, post_form

PICK_FORM = 'id="pick-form"'


def _page_of(reply: Reply) -> str:
    return f"/mentions/{reply.mention_id}"


def _pick_url(reply: Reply) -> str:
    return f"/replies/{reply.id}/use-saved-reply"


def _reload(db_session: Session, reply: Reply) -> Reply:
    db_session.expire_all()
    return db_session.get_one(Reply, reply.id)


def _actions(db_session: Session, reply: Reply) -> list[str]:
    statement = select(AuditEvent.action).where(AuditEvent.reply_id == reply.id).order_by(col(AuditEvent.id))
    return list(db_session.exec(statement).all())


def test_agents_see_the_picker_with_the_best_fit_first(
    client: FlaskClient, logged_in: Callable[[str], User], make_draft: Callable[..., Reply],
    make_saved_reply: Callable[..., SavedReply]
) -> None:
    logged_in("agent")
    make_saved_reply(name="Thank you", sentiment="positive", body="Thanks, {author}!")
    make_saved_reply(name="Late delivery", topic="delivery", body="Sorry {author}, {brand} is on it.")
    reply = make_draft(language="en", sentiment="negative", complaint=0.9, topics=["delivery"], author="ann")
    html = client.get(_page_of(reply)).get_data(as_text=True)
    assert PICK_FORM in html and '<summary>Use a saved reply' in html
    late, thanks = "Late delivery</bdi> (<bdi>en · delivery</bdi>)", "Thank you</bdi> (<bdi>en · positive</bdi>)"
    assert html.index("<legend>Fits this mention</legend>") < html.index(late)
    assert html.index(late) < html.index("<legend>Other replies in English</legend>")
    assert html.index("<legend>Other replies in English</legend>") < html.index(thanks)
    assert 'type="radio" name="saved_reply_id"' in html  # a plain list without JavaScript; app.js filters it
    assert "@ann, Lumo Home is on it." in html
    assert "Use this reply" in html


def test_viewers_and_closed_replies_get_no_picker(
    client: FlaskClient, db_session: Session, logged_in: Callable[[str], User], make_draft: Callable[..., Reply],
    make_saved_reply: Callable[..., SavedReply]
) -> None:
    make_saved_reply()
    reply = make_draft()
    logged_in("viewer")
    assert PICK_FORM not in client.get(_page_of(reply)).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/queue").get_data(as_text=True))})
    logged_in("agent")
    assert PICK_FORM in client.get(_page_of(reply)).get_data(as_text=True)
    reply.status = "manual"
    db_session.flush()
    assert PICK_FORM not in client.get(_page_of(reply)).get_data(as_text=True)


def test_using_a_saved_reply_replaces_the_draft_and_redirects(
    client: FlaskClient, db_session: Session, logged_in: Callable[[str], User], make_draft: Callable[..., Reply],
    make_saved_reply: Callable[..., SavedReply]
) -> None:
    user = logged_in("agent")
    saved = make_saved_reply(name="Order lookup", body="Hi {author}, what is your order number? {?order number}")
    reply = make_draft(author="ann", network="reddit")
    response = post_form(client, _pick_url(reply), {"saved_reply_id": str(saved.id), "version": "1"},
                         token_from=_page_of(reply))
    assert response.status_code == 302 and response.location == _page_of(reply) + "#reply"
    stored = _reload(db_session, reply)
    assert stored.text == "Hi ann, what is your order number? {?order number}"
    assert (stored.version, stored.saved_reply_id, stored.edited_by_id) == (2, saved.id, user.id)
    assert _actions(db_session, reply) == ["reply.saved_reply_used"]
    html = client.get(_page_of(reply)).get_data(as_text=True)
    assert "The draft now uses the saved reply &#39;Order lookup&#39;." in html
    assert 'name="version" value="2"' in html and "Order number" in html  # the prompt to fill in


def test_a_stale_form_shows_the_conflict_and_changes_nothing(
    client: FlaskClient, db_session: Session, logged_in: Callable[[str], User], make_draft: Callable[..., Reply],
    make_saved_reply: Callable[..., SavedReply]
) -> None:
    logged_in("agent")
    saved = make_saved_reply()
    reply = make_draft(text="Someone else's newer text")
    reply.version = 3
    db_session.flush()
    response = post_form(client, _pick_url(reply), {"saved_reply_id": str(saved.id), "version": "2"},
                         token_from=_page_of(reply))
    assert response.status_code == 302
    stored = _reload(db_session, reply)
    assert (stored.text, stored.version, stored.saved_reply_id) == ("Someone else's newer text", 3, None)
    assert _actions(db_session, reply) == []
    assert "Someone changed this draft since you loaded it" in client.get(_page_of(reply)).get_data(as_text=True)


def test_an_inactive_or_unknown_saved_reply_is_refused(
    client: FlaskClient, db_session: Session, logged_in: Callable[[str], User], make_draft: Callable[..., Reply],
    make_saved_reply: Callable[..., SavedReply]
) -> None:
    logged_in("agent")
    retired = make_saved_reply(name="Retired", active=False)
    reply = make_draft()
    response = post_form(client, _pick_url(reply), {"saved_reply_id": str(retired.id), "version": "1"},
                         token_from=_page_of(reply))
    assert response.status_code == 302
    assert "switched off" in client.get(_page_of(reply)).get_data(as_text=True)
    for unknown in ("2000000000", "", "abc"):
        response = post_form(client, _pick_url(reply), {"saved_reply_id": unknown, "version": "1"},
                             token_from=_page_of(reply))
        assert response.status_code == 400
    assert (_reload(db_session, reply).version, _actions(db_session, reply)) == (1, [])


def test_viewers_are_refused_and_a_missing_csrf_token_is_rejected(
    client: FlaskClient, db_session: Session, logged_in: Callable[[str], User], make_draft: Callable[..., Reply],
    make_saved_reply: Callable[..., SavedReply]
) -> None:
    saved = make_saved_reply()
    reply = make_draft()
    form = {"saved_reply_id": str(saved.id), "version": "1"}
    logged_in("viewer")
    assert post_form(client, _pick_url(reply), form, token_from=_page_of(reply)).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/queue").get_data(as_text=True))})
    logged_in("agent")
    assert client.post(_pick_url(reply), data=form).status_code == 400
    assert (_reload(db_session, reply).version, _actions(db_session, reply)) == (1, [])
