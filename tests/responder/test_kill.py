"""Exactly once across crashes: a worker process is SIGKILLed after its claim, or after the platform got the
reply; the reconciler settles it by reading the platform, and the loopback instance sees exactly one POST."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from inbox.auth.service import create_user
from models import AuditEvent, Mention, Reply, User
from models.base import utcnow
from models.db import make_engine, make_session_factory, session_scope
from responder.replies import service
from responder.replies.reconcile import POSTING_LEASE, reconcile
from settings import Settings
from tests.responder.fake_mastodon import FakeMastodon

REPO = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("kill_worker.py")


@pytest.fixture()
def instance() -> Iterator[FakeMastodon]:
    with FakeMastodon() as server:
        yield server


@pytest.fixture()
def factory(fresh_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(fresh_database_url)
    yield make_session_factory(engine)
    engine.dispose()


def approved_reply(factory: sessionmaker[Session], instance: FakeMastodon) -> int:
    with session_scope(factory) as session:
        user = create_user(session, "lead@example.com", "correct horse battery", role="approver")
        mention = Mention(network="mastodon", external_id=f"{instance.url}/users/ann/statuses/109",
                          author="ann", text="@lumohome my lamp flickers", in_reply_to_brand=True,
                          created_at=datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc),
                          extra={"instance": instance.url, "status_id": "109", "visibility": "public"})
        session.add(mention)
        session.flush()
        reply = Reply(mention_id=mention.id, text="Sorry Ann, we'll send a new lamp.", poster="mastodon")
        session.add(reply)
        session.flush()
        service.approve(session, reply, user=user, expected_version=reply.version)
        assert reply.id is not None
        return reply.id


def run_worker(url: str, reply_id: int, mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, str(WORKER), url, str(reply_id), mode], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, mastodon_access_token=SecretStr("brand-token"))


def load(factory: sessionmaker[Session], reply_id: int) -> Reply:
    with factory() as session:
        return session.get_one(Reply, reply_id)


def after_lease() -> datetime:
    return utcnow() + POSTING_LEASE + POSTING_LEASE


def test_killed_after_claim_before_sending_ends_failed_and_reapproval_posts_once(
    fresh_database_url: str, factory: sessionmaker[Session], instance: FakeMastodon
) -> None:
    reply_id = approved_reply(factory, instance)
    killed = run_worker(fresh_database_url, reply_id, "before_send")
    assert killed.returncode == -9, killed.stderr
    assert load(factory, reply_id).status == "posting" and instance.posts == []
    settings = settings_for(fresh_database_url)
    assert service.post_reply(factory, reply_id, settings=settings) is None  # a redelivered task does nothing

    summary = reconcile(factory, settings=settings, now=after_lease())
    assert (summary.expired, summary.failed, summary.posted) == (1, 1, 0)
    failed = load(factory, reply_id)
    assert failed.status == "failed" and failed.error == "not found on the platform: re-approve to send again"
    assert instance.posts == []

    with session_scope(factory) as session:
        reply = session.get_one(Reply, reply_id)
        lead = session.exec(select(AuditEvent.actor_id).where(AuditEvent.action == "reply.approved")).one()
        user = session.get_one(User, lead)
        service.reopen_failed(session, reply, user=user)
        service.approve(session, reply, user=user, expected_version=reply.version)
    rerun = run_worker(fresh_database_url, reply_id, "none")
    assert rerun.returncode == 0 and rerun.stdout.strip() == "posted", rerun.stderr
    assert len(instance.posts) == 1
    posted = load(factory, reply_id)
    assert posted.attempts == 2 and posted.posted_at is not None
    assert posted.platform_reply_id == instance.statuses[0]["id"]


def test_killed_after_sending_is_found_by_reading_the_platform(
    fresh_database_url: str, factory: sessionmaker[Session], instance: FakeMastodon
) -> None:
    reply_id = approved_reply(factory, instance)
    killed = run_worker(fresh_database_url, reply_id, "after_send")
    assert killed.returncode == -9, killed.stderr
    assert load(factory, reply_id).status == "posting"
    assert [post["idempotency_key"] for post in instance.posts] == [f"earful-reply-{reply_id}"]
    assert instance.posts[0]["form"]["in_reply_to_id"] == "109"
    settings = settings_for(fresh_database_url)

    early = reconcile(factory, settings=settings)  # within the lease the worker may still be alive
    assert (early.expired, early.posted) == (0, 0)
    summary = reconcile(factory, settings=settings, now=after_lease())
    assert (summary.expired, summary.posted, summary.failed) == (1, 1, 0)
    assert service.post_reply(factory, reply_id, settings=settings) is None
    assert run_worker(fresh_database_url, reply_id, "none").stdout.strip() == "not claimed"

    assert len(instance.posts) == 1
    posted = load(factory, reply_id)
    assert posted.status == "posted" and posted.platform_reply_id == instance.statuses[0]["id"]
    assert posted.posted_at is not None and posted.posted_at == posted.posting_started_at
    with factory() as session:
        mention = session.get_one(Mention, posted.mention_id)
        assert mention.status == "replied"
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.reply_id == reply_id)
                               .order_by(AuditEvent.id)).all()
    assert actions == ["reply.approved", "reply.posting", "reply.unknown", "reply.posted"]
