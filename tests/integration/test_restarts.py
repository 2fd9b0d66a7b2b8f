"""Broker and database restarts while mentions are collected, scored and posted (issue 17, item 3).

The tests start their own redis-server and PostgreSQL on spare loopback ports, two real Celery workers
(collect+score, post) against them, and a loopback Mastodon that counts posts per reply. Mentions arrive in
waves; in the middle Redis is killed with SIGKILL (no persistence: every queued and unacknowledged task is
lost) and restarted, or PostgreSQL is stopped (fast, then immediate) and restarted. Afterwards every mention
is stored once and scored, every approved reply is posted, and the platform saw exactly one post per reply.

They start their own servers, so they run once, in the first (SQLite) pass of `make pytest`, and skip in the
PostgreSQL + Redis pass; they skip with the reason where redis-server or PostgreSQL's binaries are absent.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from inbox.auth.service import create_user
from models.db import make_engine, make_session_factory, session_scope
from models.migrate import upgrade
from responder.drafting.library import load_starter_saved_replies
from settings import Settings
from tests.integration.counting_platform import CountingMastodon
from tests.integration.pipeline import Pipeline, Stack, assert_exactly_once, queued_in_broker, start_worker
from tests.integration.servers import PostgresServer, RedisServer, missing_servers
from worker import make_celery

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
POST_DELAY = 0.2  # seconds the loopback platform takes per post, so outages catch replies in flight
MODEL_LOAD_TIMEOUT = 240.0
# Longer than a posting worker keeps trying to record an outcome (responder.replies.posting.RECORD_TRIES: 15.5 s).
LONG_OUTAGE = 20.0


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RedisServer, PostgresServer]]:
    reason = missing_servers()
    if reason:
        pytest.skip(reason)
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("starts its own PostgreSQL and Redis: it runs once, in the first pass of make pytest")
    redis = RedisServer(tmp_path_factory.mktemp("redis"))
    postgres = PostgresServer()
    try:
        redis.start()
        postgres.init()
        postgres.start()
        postgres.create_database()
        upgrade(postgres.url)
        yield redis, postgres
    finally:
        redis.stop()
        postgres.destroy()


@pytest.fixture(scope="module")
def stack(servers: tuple[RedisServer, PostgresServer], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    redis, postgres = servers
    workdir = tmp_path_factory.mktemp("restarts")
    model_cache = Path(os.environ.get("EARFUL_MODEL_CACHE", REPO / "var" / "models"))
    settings = Settings(database_url=postgres.url, broker_url=redis.url, secret_key=SecretStr("x"),
                        model_cache_dir=model_cache, mastodon_access_token=SecretStr("brand-token"),
                        import_dir=workdir)
    engine = make_engine(postgres.url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        load_starter_saved_replies(session)
        approver = create_user(session, "lead@example.com", "correct horse battery", role="approver")
        session.flush()
        assert approver.id is not None
        approver_id = approver.id
    env = {**os.environ, "DATABASE_URL": postgres.url, "BROKER_URL": redis.url, "SECRET_KEY": "x",
           "MODEL_CACHE_DIR": str(model_cache), "MASTODON_ACCESS_TOKEN": "brand-token", "IMPORT_DIR": str(workdir),
           "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    with CountingMastodon(post_delay=POST_DELAY) as instance:
        built = Stack(factory=factory, app=make_celery(settings), instance=instance, settings=settings,
                      approver_id=approver_id, workdir=workdir)
        built.workers["collect-score"] = start_worker("collect-score", "collect,score", env,
                                                      workdir / "worker-collect-score.log")
        built.workers["post"] = start_worker("post", "post", env, workdir / "worker-post.log")
        try:
            warm_up(built)
            yield built
        finally:
            for process in built.workers.values():
                process.terminate()
            for process in built.workers.values():
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            engine.dispose()


def warm_up(stack: Stack) -> None:
    """A few mentions all the way to posted before any outage: the scorer's model is loaded by then."""
    warm = Pipeline(stack, "warmup", waves=1, per_wave=3, first_status=900_000)
    warm.write_wave()
    deadline = time.monotonic() + MODEL_LOAD_TIMEOUT
    while time.monotonic() < deadline:
        warm.beat()
        warm.approve_drafts()
        state = warm.state()
        if state and state["done"]:
            return
        assert warm.source_error() is None, f"{warm.source_error()}\n{stack.worker_logs()}"
        assert all(stack.workers_alive().values()), stack.worker_logs()
        time.sleep(1.0)
    raise AssertionError(f"the warm-up mentions were not posted: {warm.state()}\n{stack.worker_logs()}")


def report(name: str, counts: dict[str, object], started: float, stack: Stack) -> None:
    counts = {**counts, "seconds": round(time.monotonic() - started, 1), "workers_alive": stack.workers_alive()}
    print(f"\n{name}: {counts}")
    path = os.environ.get("EARFUL_RESTART_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{name}: {counts}\n")


def test_redis_killed_and_restarted_mid_pipeline(stack: Stack, servers: tuple[RedisServer, PostgresServer]) -> None:
    redis, _ = servers
    started = time.monotonic()
    pipeline = Pipeline(stack, "redis", waves=10, per_wave=6, first_status=100_000)

    def kill_and_restart() -> None:
        # One post is held at the platform, so post tasks pile up in the broker behind it; then SIGKILL.
        gate = stack.instance.hold_next_post()
        held = gate.arrived.wait(timeout=20)
        deadline = time.monotonic() + 5
        queued = queued_in_broker(redis.url)
        while queued["post"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
            queued = queued_in_broker(redis.url)
        redis.kill()
        gate.release()
        pipeline.tally.outages.append({"post_in_flight": held, "lost_with_broker": queued})
        time.sleep(3.0)
        redis.start()

    pipeline.run({4: kill_and_restart, 7: kill_and_restart}, wave_every=1.0, settle_for=75.0)
    counts = pipeline.counts()
    report("redis restart", counts, started, stack)
    assert redis.starts == 3
    assert all(stack.workers_alive().values()), stack.worker_logs()
    assert_exactly_once(counts)
    lost_posts = sum(outage["lost_with_broker"]["post"] for outage in counts["outages"])
    if lost_posts:  # approvals whose task died with the broker were queued again by the reconciler's sweep
        assert counts["recoveries"].get("approvals_requeued", 0) > 0, counts


def wait_for_queued_posts(url: str, at_least: int, timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    queued = queued_in_broker(url)
    while queued["post"] < at_least and time.monotonic() < deadline:
        time.sleep(0.05)
        queued = queued_in_broker(url)
    return queued


def test_postgres_stopped_fast_and_immediate_mid_pipeline(
    stack: Stack, servers: tuple[RedisServer, PostgresServer]
) -> None:
    redis, postgres = servers
    started = time.monotonic()
    pipeline = Pipeline(stack, "postgres", waves=10, per_wave=6, first_status=200_000)

    def fast_restart() -> None:
        # Short: whatever the workers were doing gets its connection cut and finds the server back within seconds.
        queued = queued_in_broker(redis.url)
        postgres.stop("fast")
        pipeline.tally.outages.append({"mode": "fast", "down_s": 2.0, "queued_in_broker": queued})
        time.sleep(2.0)
        postgres.start()

    def immediate_restart() -> None:
        # Long: a post is held at the platform and more post tasks wait behind it in the broker; the server
        # aborts, the platform then answers, and the database stays away longer than the worker keeps trying to
        # record that answer. The waiting tasks find the database down too.
        gate = stack.instance.hold_next_post()
        held = gate.arrived.wait(timeout=20)
        queued = wait_for_queued_posts(redis.url, at_least=2, timeout=10)
        postgres.stop("immediate")
        gate.release()
        pipeline.tally.outages.append({"mode": "immediate", "down_s": LONG_OUTAGE, "post_in_flight": held,
                                       "queued_in_broker": queued})
        time.sleep(LONG_OUTAGE)
        postgres.start()

    pipeline.run({3: fast_restart, 7: immediate_restart}, wave_every=1.0, settle_for=75.0)
    counts = pipeline.counts()
    report("postgres restart", counts, started, stack)
    assert all(stack.workers_alive().values()), stack.worker_logs()
    assert_exactly_once(counts)
    long_outage = counts["outages"][1]
    assert long_outage["post_in_flight"] and long_outage["queued_in_broker"]["post"] >= 1, counts
    # The reply whose answer could not be recorded in time stayed `posting`; after the lease the reconciler read
    # the platform, found the post and recorded it, and nothing was sent again.
    assert counts["recoveries"].get("reconciled_posted", 0) >= 1, counts
    # The post tasks that found the database down retried by themselves: only an approval that nobody could queue
    # would have needed the reconciler's sweep.
    assert counts["recoveries"].get("approvals_requeued", 0) <= counts["approved_despite_error"], counts
