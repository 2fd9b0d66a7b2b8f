"""The reconciler: stale claims become unknown; unknown replies are settled by reading the platform."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from listener.platforms.spec import PosterSpec
from models import AuditEvent, Mention, Reply
from responder.posters import POSTERS, configured_poster, poster_for_network
from responder.replies.posting import give_up
from responder.replies.reconcile import NOT_FOUND, POSTING_LEASE, reconcile
from settings import Settings
from tests.responder.fakes import FakePoster

STARTED = datetime(2026, 11, 5, 15, 0, tzinfo=timezone.utc)
LATER = STARTED + POSTING_LEASE + timedelta(minutes=1)


@pytest.fixture(autouse=True)
def fake_poster(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(POSTERS, "fake", PosterSpec("tests.responder.fakes:FakePoster"))
    monkeypatch.setattr(FakePoster, "posts", [])
    yield


@pytest.fixture()
def stuck(db_session: Session, make_mention: Callable[..., Mention]) -> Callable[..., Reply]:
    def factory(status: str = "posting", started: datetime = STARTED) -> Reply:
        mention = make_mention(network="mastodon", status="needs_reply")
        reply = Reply(mention_id=mention.id, text="Sorry about that.", status=status, poster="fake", attempts=1,
                      posting_started_at=started)
        db_session.add(reply)
        db_session.flush()
        return reply

    return factory


def fresh(db_session: Session, reply: Reply) -> Reply:
    return db_session.get_one(Reply, reply.id, populate_existing=True)


def test_a_dead_workers_claim_is_found_on_the_platform_and_posted_at_its_send_time(
    session_factory: sessionmaker[Session], settings: Settings, db_session: Session, stuck: Callable[..., Reply],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    reply = stuck()
    monkeypatch.setattr(FakePoster, "on_find", lambda reply, mention: "110000001")
    summary = reconcile(session_factory, settings=settings, now=LATER)
    assert (summary.expired, summary.posted, summary.failed, summary.unresolved) == (1, 1, 0, 0)
    posted = fresh(db_session, reply)
    assert (posted.status, posted.platform_reply_id, posted.posted_at) == ("posted", "110000001", STARTED)
    assert db_session.get_one(Mention, reply.mention_id, populate_existing=True).status == "replied"
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "reply.posted")).one()
    assert event.details["reconciled"] is True and event.details["text"] == "Sorry about that."
    assert FakePoster.posts == []  # the reconciler never sends


def test_an_unknown_reply_not_on_the_platform_waits_for_a_person(
    session_factory: sessionmaker[Session], settings: Settings, db_session: Session, stuck: Callable[..., Reply]
) -> None:
    reply = stuck(status="unknown")
    summary = reconcile(session_factory, settings=settings, now=LATER)
    assert (summary.expired, summary.failed) == (0, 1)
    failed = fresh(db_session, reply)
    assert (failed.status, failed.error) == ("failed", NOT_FOUND)
    assert FakePoster.posts == []


def test_a_live_claim_and_a_just_sent_reply_are_left_alone(
    session_factory: sessionmaker[Session], settings: Settings, db_session: Session, stuck: Callable[..., Reply]
) -> None:
    claimed = stuck(started=LATER - timedelta(minutes=1))
    unsettled = stuck(status="unknown", started=LATER - timedelta(seconds=30))
    summary = reconcile(session_factory, settings=settings, now=LATER)
    assert (summary.expired, summary.posted, summary.failed) == (0, 0, 0)
    assert (fresh(db_session, claimed).status, fresh(db_session, unsettled).status) == ("posting", "unknown")


def test_a_platform_that_cannot_be_read_leaves_it_unknown_with_the_reason(
    session_factory: sessionmaker[Session], settings: Settings, db_session: Session, stuck: Callable[..., Reply],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    reply = stuck(status="unknown")

    def down(reply: Reply, mention: Mention) -> str | None:
        raise ConnectionError("mastodon.social: 502 Bad Gateway")

    monkeypatch.setattr(FakePoster, "on_find", down)
    summary = reconcile(session_factory, settings=settings, now=LATER)
    assert summary.unresolved == 1
    unknown = fresh(db_session, reply)
    assert unknown.status == "unknown" and "502 Bad Gateway" in (unknown.error or "")


def test_giving_up_on_an_unsent_reply_fails_it(
    session_factory: sessionmaker[Session], db_session: Session, stuck: Callable[..., Reply]
) -> None:
    reply = stuck(status="approved")
    assert reply.id is not None
    failed = give_up(session_factory, reply.id, "X rate limit reached")
    assert failed is not None and failed.status == "failed" and "gave up" in (failed.error or "")
    assert give_up(session_factory, reply.id, "again") is None


def test_networks_map_to_posters_and_missing_credentials_mean_manual(settings: Settings) -> None:
    assert [poster_for_network(n) for n in ("x", "appstore", "gbp", "hackernews", "rss")] == [
        "x", "appstore_connect", "gbp", "manual", "manual"]
    assert configured_poster("x", settings) == "manual"
    assert configured_poster("x", settings.model_copy(update={"x_bearer_token": "t"})) == "x"
    assert configured_poster("x", settings.model_copy(update={"x_client_id": "c"})) == "manual"
    assert configured_poster("x", settings.model_copy(update={"x_client_id": "c", "x_refresh_token": "r"})) == "x"
    assert configured_poster("nonexistent", settings) == "manual"


def test_the_web_process_imports_no_platform_client() -> None:
    code = ("import sys, responder.replies.service, responder.replies.reconcile; "
            "print(sorted(m for m in ('tweepy', 'praw', 'mastodon') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
