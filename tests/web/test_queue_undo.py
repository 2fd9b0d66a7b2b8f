"""Approve with an undo window (the page's Approve with JavaScript, and `a`): the reply is held, shown with what will
be posted and an Undo; the posting worker claims it only after the window, exactly once; Undo inside the window
returns it to a draft, on the record; after the window Undo is refused. The plain form still posts at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from listener.platforms.spec import PosterSpec
from models import AuditEvent, Reply, User
from models.base import utcnow
from models.reply_states import Move, transition
from responder.posters import POSTERS
from responder.replies.posting import hold_over, seconds_held
from responder.replies.service import post_reply
from responder.replies.undo import UNDO_SECONDS, approve_with_undo, just_released, undo_approval, undo_seconds_left
from settings import Settings
from tests.responder.fakes import FakePoster
from tests.web.web_helpers import RecordingDispatcher, csrf_token, post_form

APPROVE_HTMX = {"HX-Request": "true", "HX-Target": "reply"}


@pytest.fixture(autouse=True)
def fake_poster(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(POSTERS, "fake", PosterSpec("tests.responder.fakes:FakePoster"))
    monkeypatch.setattr(FakePoster, "posts", [])
    yield


def _reload(db_session: Session, reply: Reply) -> Reply:
    db_session.expire_all()
    return db_session.get_one(Reply, reply.id)


def _actions(db_session: Session, reply: Reply) -> list[str]:
    statement = select(AuditEvent.action).where(AuditEvent.reply_id == reply.id).order_by(col(AuditEvent.id))
    return list(db_session.exec(statement).all())


def _page_of(reply: Reply) -> str:
    return f"/mentions/{reply.mention_id}"


def _approve_over_htmx(client: FlaskClient, reply: Reply, text: str) -> str:
    token_page = client.get(_page_of(reply)).get_data(as_text=True)
    response = client.post(f"/replies/{reply.id}/approve", headers=APPROVE_HTMX,
                           data={"csrf_token": csrf_token(token_page), "text": text, "version": str(reply.version)})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_approving_over_htmx_holds_the_reply_and_shows_what_will_be_posted(
        client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
        make_draft: Callable[..., Reply], dispatcher: RecordingDispatcher) -> None:
    approver = logged_in("approver")
    reply = make_draft(text="So sorry, a new kettle is on its way.")
    before = utcnow()
    html = _approve_over_htmx(client, reply, reply.text)
    after = utcnow()
    stored = _reload(db_session, reply)
    assert (stored.status, stored.approved_by_id) == ("approved", approver.id)
    assert stored.post_after is not None
    # Bounded by the request's own start and end, so a slow request on a busy machine is not a failure.
    window = timedelta(seconds=UNDO_SECONDS)
    assert before + window <= stored.post_after <= after + window
    assert "<html" not in html and 'id="held"' in html and 'id="undo-button"' in html
    assert "So sorry, a new kettle is on its way." in html and "seconds" in html
    assert f'hx-post="/replies/{reply.id}/undo"' in html
    assert dispatcher.calls == [("post_reply", reply.id)]  # the task waits for the window itself
    assert 0 < undo_seconds_left(stored) <= UNDO_SECONDS


def test_the_plain_form_still_posts_at_once(client: FlaskClient, db_session: Session,
                                            logged_in: Callable[[str], User], make_draft: Callable[..., Reply],
                                            dispatcher: RecordingDispatcher) -> None:
    logged_in("approver")
    reply = make_draft()
    response = post_form(client, f"/replies/{reply.id}/approve", {"text": reply.text, "version": "1"},
                         token_from=_page_of(reply))
    assert response.status_code == 302
    stored = _reload(db_session, reply)
    assert (stored.status, stored.post_after) == ("approved", None)
    assert dispatcher.calls == [("post_reply", reply.id)]


def test_undo_inside_the_window_returns_a_draft_on_the_record(client: FlaskClient, db_session: Session,
                                                               logged_in: Callable[[str], User],
                                                               make_draft: Callable[..., Reply]) -> None:
    approver = logged_in("approver")
    reply = make_draft()
    _approve_over_htmx(client, reply, reply.text)
    approved_version = _reload(db_session, reply).version
    response = post_form(client, f"/replies/{reply.id}/undo", token_from=_page_of(reply))
    assert response.status_code == 302
    stored = _reload(db_session, reply)
    assert (stored.status, stored.post_after, stored.approved_by_id, stored.approved_at) == ("draft", None, None, None)
    assert stored.version == approved_version + 1
    assert _actions(db_session, reply) == ["reply.approved", "reply.approval_undone"]
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "reply.approval_undone")).one()
    assert event.actor_id == approver.id
    page = client.get(_page_of(reply)).get_data(as_text=True)
    assert "Approval undone: the reply is a draft again." in page and 'id="approve-button"' in page


def test_undo_over_htmx_answers_with_the_editor(client: FlaskClient, db_session: Session,
                                                logged_in: Callable[[str], User],
                                                make_draft: Callable[..., Reply]) -> None:
    logged_in("approver")
    reply = make_draft()
    _approve_over_htmx(client, reply, reply.text)
    token = csrf_token(client.get(_page_of(reply)).get_data(as_text=True))
    html = client.post(f"/replies/{reply.id}/undo", headers=APPROVE_HTMX,
                       data={"csrf_token": token}).get_data(as_text=True)
    assert "<html" not in html and 'id="reply-text"' in html and "Approval undone" in html


def test_undo_after_the_window_is_refused_and_the_reply_stays_approved(
        client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
        make_draft: Callable[..., Reply]) -> None:
    logged_in("approver")
    reply = make_draft()
    _approve_over_htmx(client, reply, reply.text)
    stored = _reload(db_session, reply)
    stored.post_after = utcnow() - timedelta(seconds=1)
    db_session.add(stored)
    db_session.flush()
    post_form(client, f"/replies/{reply.id}/undo", token_from=_page_of(reply))
    assert _reload(db_session, reply).status == "approved"
    assert "Too late to undo" in client.get(_page_of(reply)).get_data(as_text=True)
    assert "reply.approval_undone" not in _actions(db_session, reply)


def test_viewers_and_agents_cannot_undo(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
                                        make_draft: Callable[..., Reply], make_user: Callable[..., User]) -> None:
    reply = make_draft()
    approve_with_undo(db_session, reply, user=make_user(role="approver"), expected_version=1, text=None,
                      allow_self_approval=False)
    db_session.flush()
    logged_in("agent")
    assert post_form(client, f"/replies/{reply.id}/undo", token_from=_page_of(reply)).status_code == 403
    assert _reload(db_session, reply).status == "approved"


@pytest.fixture()
def held(db_session: Session, make_draft: Callable[..., Reply], make_user: Callable[..., User]) -> Reply:
    reply = make_draft(network="mastodon")
    reply.poster = "fake"
    approve_with_undo(db_session, reply, user=make_user(role="approver"), expected_version=1, text=None,
                      allow_self_approval=False)
    db_session.commit()
    return reply


def test_a_held_reply_is_not_claimed_before_its_window_ends(session_factory: sessionmaker[Session],
                                                            settings: Settings, db_session: Session,
                                                            held: Reply) -> None:
    assert held.id is not None
    assert 0 < seconds_held(session_factory, held.id) <= UNDO_SECONDS
    assert post_reply(session_factory, held.id, settings=settings) is None
    stored = _reload(db_session, held)
    assert (stored.status, stored.attempts) == ("approved", 0) and FakePoster.posts == []
    # Even past the pre-check, the claim's own UPDATE needs the window over.
    assert transition(db_session, held.id, Move.claim, when=hold_over()) is None


def test_after_the_window_it_is_posted_exactly_once(session_factory: sessionmaker[Session], settings: Settings,
                                                    db_session: Session, held: Reply) -> None:
    assert held.id is not None
    _end_window(db_session, held)
    assert seconds_held(session_factory, held.id) == 0
    posted = post_reply(session_factory, held.id, settings=settings)
    assert posted is not None and posted.status == "posted"
    assert post_reply(session_factory, held.id, settings=settings) is None  # a second delivery of the task
    assert FakePoster.posts == [held.id]
    assert undo_approval(db_session, held.id, user=db_session.get_one(User, held.approved_by_id)) is None


def test_an_undone_reply_is_never_posted(session_factory: sessionmaker[Session], settings: Settings,
                                         db_session: Session, held: Reply) -> None:
    assert held.id is not None and held.approved_by_id is not None
    undone = undo_approval(db_session, held.id, user=db_session.get_one(User, held.approved_by_id))
    db_session.commit()
    assert undone is not None and undone.status == "draft"
    assert post_reply(session_factory, held.id, settings=settings) is None
    assert FakePoster.posts == [] and _reload(db_session, held).status == "draft"


def test_the_page_follows_a_just_released_reply(db_session: Session, held: Reply) -> None:
    assert not just_released(held)
    _end_window(db_session, held)
    assert just_released(_reload(db_session, held)) and undo_seconds_left(_reload(db_session, held)) == 0


def _end_window(db_session: Session, reply: Reply) -> None:
    stored = _reload(db_session, reply)
    stored.post_after = utcnow() - timedelta(seconds=1)
    db_session.add(stored)
    db_session.commit()
