"""Operational logging of posting: the outcome of every attempt, greppable by reply id."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from listener.platforms.spec import PosterSpec
from models import Mention, Reply
from responder.posters import POSTERS, PostOutcome
from responder.posters.errors import Rejected
from responder.replies import service
from responder.replies.reconcile import POSTING_LEASE, reconcile
from settings import Settings
from tests.responder.fakes import FakePoster


@pytest.fixture(autouse=True)
def fake_poster(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FakePoster]]:
    monkeypatch.setitem(POSTERS, "fake", PosterSpec("tests.responder.fakes:FakePoster"))
    monkeypatch.setattr(FakePoster, "posts", [])
    yield FakePoster


@pytest.fixture()
def approved(db_session: Session, make_mention: Callable[..., Mention]) -> Reply:
    mention = make_mention(network="mastodon", status="needs_reply")
    reply = Reply(mention_id=mention.id, text="Sorry about that, DM us.", status="approved", poster="fake")
    db_session.add(reply)
    db_session.flush()
    return reply


def test_a_posted_reply_logs_its_id_and_the_platforms_id(
    session_factory: sessionmaker[Session], settings: Settings, approved: Reply, caplog: pytest.LogCaptureFixture
) -> None:
    assert approved.id is not None
    with caplog.at_level(logging.INFO, logger="responder.replies.posting"):
        service.post_reply(session_factory, approved.id, settings=settings)
    [posted] = [record for record in caplog.records if record.getMessage().startswith("reply posted")]
    assert posted.levelno == logging.INFO
    assert (f"reply_id={approved.id} mention_id={approved.mention_id} poster=fake platform_reply_id=p-1 attempt=1"
            in posted.getMessage())
    assert "Sorry about that" not in caplog.text  # the text is in the audit trail, not the log


def test_a_refused_reply_logs_a_warning_with_the_platforms_words(
    session_factory: sessionmaker[Session], settings: Settings, approved: Reply, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(reply: Reply, mention: Mention) -> PostOutcome:
        raise Rejected("403 Forbidden: not permitted")

    monkeypatch.setattr(FakePoster, "on_post", refuse)
    assert approved.id is not None
    with caplog.at_level(logging.INFO, logger="responder.replies.posting"):
        service.post_reply(session_factory, approved.id, settings=settings)
    [failed] = [record for record in caplog.records if "outcome=failed" in record.getMessage()]
    assert failed.levelno == logging.WARNING
    assert f"reply_id={approved.id}" in failed.getMessage() and "403 Forbidden" in failed.getMessage()


def test_the_reconcilers_decisions_are_logged(
    session_factory: sessionmaker[Session], settings: Settings, approved: Reply, db_session: Session,
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = datetime(2026, 11, 5, 15, 0, tzinfo=timezone.utc)
    approved.status, approved.attempts, approved.posting_started_at = "posting", 1, started
    db_session.flush()
    monkeypatch.setattr(FakePoster, "on_find", lambda reply, mention: "110000001")
    with caplog.at_level(logging.INFO, logger="responder.replies.reconcile"):
        reconcile(session_factory, settings=settings, now=started + POSTING_LEASE + timedelta(minutes=1))
    assert f"reconciler decision=unknown reply_id={approved.id} attempt=1" in caplog.text
    assert f"reconciler decision=posted reply_id={approved.id} platform_reply_id=110000001" in caplog.text
    assert "reconcile done expired=1 posted=1 failed=0 unresolved=0" in caplog.text
