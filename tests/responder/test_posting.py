"""post_reply's three steps and every outcome, with a scripted poster on the test database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from listener.platforms.spec import PosterSpec
from models import AuditEvent, Mention, Reply, User
from models.db import session_scope
from models.reply_states import Move, transition
from responder.posters import POSTERS, PostOutcome
from responder.posters.errors import MaybeSent, NeedsManual, NotSent, Rejected
from responder.replies import service
from responder.replies.posting import PostingDeferred
from responder.tasks import retry_countdown
from settings import Settings
from tests.responder.fakes import FakePoster


@pytest.fixture(autouse=True)
def fake_poster(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FakePoster]]:
    monkeypatch.setitem(POSTERS, "fake", PosterSpec("tests.responder.fakes:FakePoster"))
    monkeypatch.setitem(POSTERS, "broken", PosterSpec("tests.responder.fakes:BrokenPoster"))
    monkeypatch.setattr(FakePoster, "posts", [])
    yield FakePoster


@pytest.fixture()
def approved(db_session: Session, make_mention: Callable[..., Mention]) -> Reply:
    mention = make_mention(network="mastodon", status="needs_reply")
    reply = Reply(mention_id=mention.id, text="Sorry about that, DM us.", status="approved", poster="fake")
    db_session.add(reply)
    db_session.flush()
    return reply


def post(session_factory: sessionmaker[Session], settings: Settings, reply: Reply) -> Reply | None:
    assert reply.id is not None
    return service.post_reply(session_factory, reply.id, settings=settings)


def actions(db_session: Session, reply: Reply) -> list[str]:
    statement = select(AuditEvent.action).where(AuditEvent.reply_id == reply.id).order_by(AuditEvent.id)
    return list(db_session.exec(statement).all())


def test_posted_records_the_platform_id_time_and_exact_text(
    session_factory: sessionmaker[Session], settings: Settings, db_session: Session, approved: Reply
) -> None:
    posted = post(session_factory, settings, approved)
    assert posted is not None
    assert (posted.status, posted.platform_reply_id, posted.attempts, posted.error) == ("posted", "p-1", 1, None)
    assert posted.posted_at is not None and posted.posting_started_at is not None
    assert posted.posted_at >= posted.posting_started_at
    assert db_session.get_one(Mention, posted.mention_id, populate_existing=True).status == "replied"
    assert actions(db_session, approved) == ["reply.posting", "reply.posted"]
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "reply.posted")).one()
    assert (event.details["text"], event.details["platform_reply_id"]) == ("Sorry about that, DM us.", "p-1")
    assert post(session_factory, settings, approved) is None and FakePoster.posts == [approved.id]


def test_a_permanent_refusal_fails_with_the_platforms_words_and_can_be_fixed(
    session_factory: sessionmaker[Session], settings: Settings, db_session: Session, approved: Reply,
    make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(reply: Reply, mention: Mention) -> PostOutcome:
        raise Rejected("X refused: 403 Forbidden: You are not permitted to perform this action.")

    monkeypatch.setattr(FakePoster, "on_post", refuse)
    failed = post(session_factory, settings, approved)
    assert failed is not None and failed.status == "failed" and "not permitted" in (failed.error or "")
    reply = db_session.get_one(Reply, failed.id, populate_existing=True)
    lead = make_user(role="approver")
    service.reopen_failed(db_session, reply, user=lead)
    assert (reply.status, reply.error) == ("draft", None)
    service.approve(db_session, reply, user=lead, expected_version=reply.version, text="Sorry! DM us please.",
                    allow_self_approval=True)
    db_session.flush()
    monkeypatch.setattr(FakePoster, "on_post", lambda reply, mention: PostOutcome("posted", "p-2"))
    again = post(session_factory, settings, reply)
    assert again is not None and (again.status, again.attempts, again.platform_reply_id) == ("posted", 2, "p-2")
    assert actions(db_session, reply) == ["reply.posting", "reply.failed", "reply.reopened", "reply.approved",
                                          "reply.posting", "reply.posted"]


def test_a_transient_error_before_sending_returns_it_to_approved_with_the_wait(
    session_factory: sessionmaker[Session], settings: Settings, approved: Reply, monkeypatch: pytest.MonkeyPatch
) -> None:
    def limited(reply: Reply, mention: Mention) -> PostOutcome:
        raise NotSent("X rate limit reached; it resets in 900s", retry_after=900.0)

    monkeypatch.setattr(FakePoster, "on_post", limited)
    with pytest.raises(PostingDeferred) as deferred:
        post(session_factory, settings, approved)
    assert deferred.value.retry_after == 900.0
    assert (deferred.value.reply.status, deferred.value.reply.attempts) == ("approved", 1)
    assert "resets in 900s" in (deferred.value.reply.error or "")
    monkeypatch.setattr(FakePoster, "on_post", lambda reply, mention: PostOutcome("posted", "p-3"))
    retried = post(session_factory, settings, approved)
    assert retried is not None and (retried.status, retried.attempts, retried.error) == ("posted", 2, None)


@pytest.mark.parametrize("error", [MaybeSent("X server error: 503"), KeyError("data")])
def test_an_error_after_sending_is_unknown_and_never_resent(
    session_factory: sessionmaker[Session], settings: Settings, approved: Reply, monkeypatch: pytest.MonkeyPatch,
    error: Exception
) -> None:
    def fail(reply: Reply, mention: Mention) -> PostOutcome:
        raise error

    monkeypatch.setattr(FakePoster, "on_post", fail)
    unknown = post(session_factory, settings, approved)
    assert unknown is not None and unknown.status == "unknown" and unknown.error
    assert post(session_factory, settings, approved) is None and len(FakePoster.posts) == 1


def test_a_post_the_platform_will_not_take_by_api_goes_to_a_person(
    session_factory: sessionmaker[Session], settings: Settings, approved: Reply, monkeypatch: pytest.MonkeyPatch
) -> None:
    def manual_only(reply: Reply, mention: Mention) -> PostOutcome:
        raise NeedsManual("X allows API replies only to posts that @mention or quote the brand: reply manually")

    monkeypatch.setattr(FakePoster, "on_post", manual_only)
    manual = post(session_factory, settings, approved)
    assert manual is not None and manual.status == "manual" and "reply manually" in (manual.error or "")


def test_a_poster_that_cannot_start_fails_without_sending(
    session_factory: sessionmaker[Session], settings: Settings, db_session: Session, approved: Reply
) -> None:
    approved.poster = "broken"
    db_session.flush()
    failed = post(session_factory, settings, approved)
    assert failed is not None and failed.status == "failed" and "cannot start" in (failed.error or "")


def test_a_network_without_credentials_is_answered_by_hand(
    session_factory: sessionmaker[Session], settings: Settings, db_session: Session, approved: Reply
) -> None:
    approved.poster = "mastodon"  # MASTODON_ACCESS_TOKEN is not set in the test settings
    db_session.flush()
    manual = post(session_factory, settings, approved)
    assert manual is not None and (manual.status, manual.poster) == ("manual", "manual")


def test_a_success_learnt_after_the_reconciler_gave_up_on_the_worker_still_counts(
    session_factory: sessionmaker[Session], settings: Settings, approved: Reply, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(reply: Reply, mention: Mention) -> PostOutcome:
        assert reply.id is not None
        with session_scope(session_factory) as session:  # the lease ran out while the request was in flight
            assert transition(session, reply.id, Move.expire_claim) is not None
        return PostOutcome("posted", "p-late")

    monkeypatch.setattr(FakePoster, "on_post", slow)
    posted = post(session_factory, settings, approved)
    assert posted is not None and (posted.status, posted.platform_reply_id) == ("posted", "p-late")


def test_retry_countdown_honours_the_reset_time_else_backs_off() -> None:
    assert retry_countdown(900.0, 0) == 901.0
    assert [retry_countdown(None, n) for n in (0, 1, 2)] == [30.0, 60.0, 120.0]
    assert retry_countdown(None, 20) == 3600.0
