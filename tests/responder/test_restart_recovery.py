"""What a broker or database restart leaves behind is picked up again: an approved reply whose post task was
lost is queued again, and a worker that posted while the database went away records the answer once it is back.
(tests/integration/test_restarts.py does the same with real servers being killed.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from listener.platforms.spec import PosterSpec
from models import Mention, Reply
from models.base import utcnow
from responder.posters import POSTERS
from responder.replies import posting, service
from responder.replies.reconcile import REQUEUE_AFTER, requeue_stale_approvals
from settings import Settings
from tests.responder.fakes import FakePoster


@pytest.fixture(autouse=True)
def fake_poster(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FakePoster]]:
    monkeypatch.setitem(POSTERS, "fake", PosterSpec("tests.responder.fakes:FakePoster"))
    monkeypatch.setattr(FakePoster, "posts", [])
    monkeypatch.setattr("responder.replies.posting.time.sleep", lambda seconds: None)
    yield FakePoster


def a_reply(db_session: Session, make_mention: Callable[..., Mention], status: str, age: timedelta) -> int:
    mention = make_mention(network="mastodon", status="needs_reply")
    assert mention.id is not None
    reply = Reply(mention_id=mention.id, text="Sorry about that, DM us.", status=status, poster="fake",
                  updated_at=utcnow() - age)
    db_session.add(reply)
    db_session.flush()
    assert reply.id is not None
    return reply.id


def test_only_approvals_untouched_for_the_grace_are_queued_again(
    session_factory: sessionmaker[Session], db_session: Session, make_mention: Callable[..., Mention]
) -> None:
    old = REQUEUE_AFTER + timedelta(minutes=1)
    lost = a_reply(db_session, make_mention, "approved", old)
    a_reply(db_session, make_mention, "approved", timedelta(seconds=5))  # its task is still on its way
    for status in ("draft", "posting", "posted", "failed"):
        a_reply(db_session, make_mention, status, old)
    db_session.commit()
    queued: list[int] = []
    assert requeue_stale_approvals(session_factory, queued.append) == 1
    assert queued == [lost]


def test_a_queued_again_reply_is_still_posted_once(
    session_factory: sessionmaker[Session], db_session: Session, make_mention: Callable[..., Mention],
    settings: Settings
) -> None:
    reply_id = a_reply(db_session, make_mention, "approved", REQUEUE_AFTER * 2)
    db_session.commit()
    queued: list[int] = []
    requeue_stale_approvals(session_factory, queued.append)
    for queued_id in [reply_id, *queued]:  # the original task turns up late after all, and the sweep's too
        service.post_reply(session_factory, queued_id, settings=settings)
    assert FakePoster.posts == [reply_id]


def database_down(times: int, real: Callable[..., Reply]) -> Callable[..., Reply]:
    calls = {"n": 0}

    def record(*args: object, **kwargs: object) -> Reply:
        calls["n"] += 1
        if calls["n"] <= times:
            raise sa.exc.OperationalError("UPDATE reply", {}, Exception("server closed the connection unexpectedly"))
        return real(*args, **kwargs)

    return record


def test_the_answer_is_recorded_when_the_database_is_back_within_seconds(
    session_factory: sessionmaker[Session], db_session: Session, make_mention: Callable[..., Mention],
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    reply_id = a_reply(db_session, make_mention, "approved", timedelta(0))
    db_session.commit()
    monkeypatch.setattr(posting, "_record_outcome", database_down(3, posting._record_outcome))
    posted = service.post_reply(session_factory, reply_id, settings=settings)
    assert posted is not None and (posted.status, posted.platform_reply_id) == ("posted", "p-1")
    assert FakePoster.posts == [reply_id]


def test_a_database_away_for_longer_leaves_the_reply_posting_for_the_reconciler(
    session_factory: sessionmaker[Session], db_session: Session, make_mention: Callable[..., Mention],
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    reply_id = a_reply(db_session, make_mention, "approved", timedelta(0))
    db_session.commit()
    monkeypatch.setattr(posting, "_record_outcome", database_down(posting.RECORD_TRIES, posting._record_outcome))
    with pytest.raises(sa.exc.OperationalError):
        service.post_reply(session_factory, reply_id, settings=settings)
    assert db_session.get_one(Reply, reply_id, populate_existing=True).status == "posting"
    assert service.post_reply(session_factory, reply_id, settings=settings) is None  # the task's retry: a no-op
    assert FakePoster.posts == [reply_id]
