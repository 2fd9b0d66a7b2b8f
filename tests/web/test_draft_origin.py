"""Once the words of a draft differ from its saved reply, "Why this draft" and the picker say it was edited from it."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session

from models import Mention, Reply, SavedReply, User
from responder.drafting.filling import fill_in
from responder.drafting.picking import draft_origin, use_saved_reply
from responder.drafting.variables import Workspace
from responder.replies import service
from tests.web.web_helpers import csrf_token

IN_USE = 'Late delivery</bdi> (<bdi>en · delivery</bdi>) <span class="chip">in use</span>'
EDITED = 'Late delivery</bdi> (<bdi>en · delivery</bdi>) <span class="chip">the draft was edited from it</span>'


def _drafted(db_session: Session, make_mention: Callable[..., Mention],
             make_saved_reply: Callable[..., SavedReply]) -> Reply:
    make_saved_reply(name="Late delivery", topic="delivery",
                     body="Sorry {author}, order {?order number} is on its way.")
    mention = make_mention(status="needs_reply", language="en", sentiment="negative", complaint=0.9,
                           topics=["delivery"], author="ann")
    reply = service.draft_reply(db_session, mention, brand="Lumo Home")
    assert reply is not None
    return reply


def _save(client: FlaskClient, reply: Reply, text: str) -> None:
    page = client.get(f"/mentions/{reply.mention_id}").get_data(as_text=True)
    response = client.post(f"/replies/{reply.id}/save",
                           data={"csrf_token": csrf_token(page), "text": text, "version": str(reply.version)})
    assert response.status_code in (200, 302)


def test_the_page_says_a_draft_was_edited_from_its_saved_reply(
        client: FlaskClient, logged_in: Callable[[str], User], db_session: Session,
        make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply]) -> None:
    logged_in("agent")
    reply = _drafted(db_session, make_mention, make_saved_reply)
    html = client.get(f"/mentions/{reply.mention_id}").get_data(as_text=True)
    assert IN_USE in html and "edited by hand" not in html
    _save(client, reply, "Ann, we found it: it arrives tomorrow.")
    html = client.get(f"/mentions/{reply.mention_id}").get_data(as_text=True)
    assert EDITED in html and IN_USE not in html
    reason = html.split('id="draft-reason"')[1].split("</p>")[0]
    assert "edited by hand from the saved reply" in reason and "Late delivery" in reason


def test_filling_in_is_not_editing_and_a_new_pick_starts_over(
        db_session: Session, make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply],
        make_user: Callable[..., User]) -> None:
    agent = make_user(role="agent")
    reply = _drafted(db_session, make_mention, make_saved_reply)
    assert not draft_origin(db_session, reply).edited
    fill_in(db_session, reply, {"order number": "LH-1"}, user=agent, expected_version=reply.version)
    assert not draft_origin(db_session, reply).edited
    service.edit_draft(db_session, reply, reply.text, user=agent, expected_version=reply.version)  # saved unchanged
    assert not draft_origin(db_session, reply).edited
    service.edit_draft(db_session, reply, "Our own words.", user=agent, expected_version=reply.version)
    origin = draft_origin(db_session, reply)
    assert origin.edited and origin.saved_reply_name == "Late delivery"
    saved = db_session.get_one(SavedReply, reply.saved_reply_id)
    use_saved_reply(db_session, reply, saved, user=agent, expected_version=reply.version,
                    workspace=Workspace(brand="Lumo Home"))
    assert not draft_origin(db_session, reply).edited
