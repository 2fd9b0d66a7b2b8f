"""A running Earful (real Celery workers on Redis, PostgreSQL, the loopback Mastodon) and a driver that feeds it
mentions, plays beat and the approving staff, and counts what came out.

The driver stands in for three things outside the workers:
- the outside world: mentions arrive in waves in an export file that the `import` collector reads from its cursor;
- celery beat: it sends the scheduled tasks (earful.collect_due, earful.score_pending) every second instead of
  every minute, so a test sees many rounds in a few seconds;
- the review queue: every draft is approved as an approver would, committed, then queued with the same
  dispatcher the web app uses; a failed queueing is what the web app reports as "approved, but queuing it for
  posting failed".
What the product's own clocks do after minutes (RUN_LEASE, POSTING_LEASE, the reconciler's sweep of approved
replies) the driver does when nothing has moved for a while, by calling the same functions with a later `now`,
and it counts each such step so the test can say which were needed.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa
from celery import Celery
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, func, select

from listener.service import RUN_LEASE
from models import Mention, Reply, ReplyStatus, Source, User
from models.base import utcnow
from models.db import session_scope
from responder.replies.reconcile import POSTING_LEASE, REQUEUE_AFTER, reconcile, requeue_stale_approvals
from responder.replies.service import approve
from settings import Settings
from tests.integration.counting_platform import CountingMastodon
from worker import CeleryDispatcher

REPO = Path(__file__).resolve().parents[2]
BEAT_EVERY = 1.0
TICK = 0.25
# Nothing that is alive takes this long here: a collection page, a post (0.2 s on the fake platform) or a queue
# hop take well under a second, and a post task's first retry after a database error comes after 5 s. A claim or
# an approval this old was orphaned by the outage.
ORPHANED_AFTER = 10.0


def _die_with_the_test() -> None:
    """A worker gets SIGTERM if the pytest process dies without running its fixtures' teardown (Linux)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the fixture's teardown still stops it
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_worker(name: str, queues: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Call from the main thread: the worker is bound to the life of the thread that starts it."""
    handle = log.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q", queues, "-n", f"{name}@%h", "-P", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
        cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        preexec_fn=_die_with_the_test)
    handle.close()
    return process


def queued_in_broker(url: str) -> dict[str, int]:
    """Messages waiting in each queue, and delivered but unacknowledged ones (running, or held by a worker for a
    countdown retry) by queue, as kombu's Redis transport keeps them."""
    broker = redis.Redis.from_url(url)
    try:
        counts = {queue: sum(int(broker.llen(key)) for key in broker.scan_iter(f"{queue}*"))
                  for queue in ("collect", "score", "post")}
        unacked = Counter(json.loads(value)[2] for value in broker.hvals("unacked"))
    finally:
        broker.close()
    return {**counts, **{f"unacked_{queue}": unacked.get(queue, 0) for queue in ("collect", "score", "post")}}


@dataclass
class Stack:
    factory: sessionmaker[Session]
    app: Celery
    instance: CountingMastodon
    settings: Settings  # what the workers run with; the in-process reconciler uses it too
    approver_id: int
    workdir: Path
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def dispatcher(self) -> CeleryDispatcher:
        return CeleryDispatcher(self.app)

    def worker_logs(self, chars: int = 3000) -> str:
        parts = []
        for path in sorted(self.workdir.glob("*.log")):
            parts.append(f"--- {path.name} ---\n{path.read_text(errors='replace')[-chars:]}")
        return "\n".join(parts)

    def workers_alive(self) -> dict[str, bool]:
        return {name: process.poll() is None for name, process in self.workers.items()}


@dataclass
class Tally:
    beats_failed: int = 0  # scheduled sends the broker refused
    approvals_failed: int = 0  # approvals that could not be committed (database down)
    queued: set[int] = field(default_factory=set)  # approvals whose post_reply the broker accepted
    unqueued: set[int] = field(default_factory=set)  # approved and committed, but post_reply could not be sent
    recoveries: Counter[str] = field(default_factory=Counter)
    outages: list[dict[str, Any]] = field(default_factory=list)  # what each outage caught in flight
    outage_errors: list[str] = field(default_factory=list)


class Pipeline:
    """One source's worth of traffic: `waves` x `per_wave` mentions on the loopback Mastodon instance."""

    def __init__(self, stack: Stack, name: str, *, waves: int, per_wave: int, first_status: int) -> None:
        self.stack = stack
        self.name = name
        self.waves = waves
        self.per_wave = per_wave
        self.first_status = first_status
        self.rows: list[dict[str, Any]] = []
        self.export = stack.workdir / f"{name}.jsonl"
        self.export.write_text("", encoding="utf-8")
        self.tally = Tally()
        with session_scope(stack.factory) as session:
            source = Source(name=name, collector="import", network="mastodon", config={"path": str(self.export)})
            session.add(source)
            session.flush()
            assert source.id is not None
            self.source_id = source.id

    # -- the outside world -------------------------------------------------------------------------------------
    def write_wave(self) -> None:
        base = datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc)
        for _ in range(self.per_wave):
            n = len(self.rows)
            status_id = str(self.first_status + n)
            self.rows.append({
                "network": "mastodon", "external_id": f"{self.stack.instance.url}/users/c{n}/statuses/{status_id}",
                "author": f"customer{n}", "in_reply_to_brand": True,
                "text": f"@lumohome {self.name} order {n} arrived with a cracked lid and a missing plug. "
                        f"Can you send replacement number {n}?",
                "created_at": (base + timedelta(seconds=n)).isoformat().replace("+00:00", "Z"),
                "instance": self.stack.instance.url, "status_id": status_id, "visibility": "public"})
        # A whole new file, renamed into place: the collector never reads half a line.
        partial = self.export.with_suffix(".tmp")
        partial.write_text("".join(json.dumps(row) + "\n" for row in self.rows), encoding="utf-8")
        os.replace(partial, self.export)

    @property
    def expected_ids(self) -> set[str]:
        return {row["external_id"] for row in self.rows}

    # -- celery beat ---------------------------------------------------------------------------------------------
    def beat(self) -> None:
        for name, queue in (("earful.collect_due", "collect"), ("earful.score_pending", "score")):
            try:
                self.stack.app.send_task(name, queue=queue, retry=False)
            except Exception:  # the broker is down: beat logs it and sends again next interval
                self.tally.beats_failed += 1

    # -- the review queue ----------------------------------------------------------------------------------------
    def approve_drafts(self) -> None:
        try:
            with session_scope(self.stack.factory) as session:
                approver = session.get_one(User, self.stack.approver_id)
                drafts = session.exec(self._replies().where(col(Reply.status) == ReplyStatus.draft.value)).all()
                for reply in drafts:
                    approve(session, reply, user=approver, expected_version=reply.version)
                approved = [reply.id for reply in drafts if reply.id is not None]
        except sa.exc.DBAPIError:
            self.tally.approvals_failed += 1
            return
        for reply_id in approved:
            self.queue_post(reply_id)

    def queue_post(self, reply_id: int) -> None:
        try:
            self.stack.dispatcher.post_reply(reply_id)
        except Exception:
            self.tally.unqueued.add(reply_id)
        else:
            self.tally.queued.add(reply_id)

    def _replies(self) -> Any:
        return select(Reply).join(Mention, col(Mention.id) == col(Reply.mention_id)).where(
            col(Mention.source_id) == self.source_id)

    def source_error(self) -> str | None:
        """The source's error when it was switched off (a permanent failure), else None."""
        with self.stack.factory() as session:
            source = session.get_one(Source, self.source_id)
            return None if source.enabled else source.last_error or "disabled"

    # -- driving -----------------------------------------------------------------------------------------------
    def run(self, outages: dict[int, Callable[[], None]], *, wave_every: float, settle_for: float) -> None:
        """Write the waves (starting each outage, in a thread, right after its wave), then keep beating and
        approving until everything is posted, applying the product's lease expiries when nothing moves."""
        threads: list[threading.Thread] = []
        next_wave = next_beat = time.monotonic()
        while len(self.rows) < self.waves * self.per_wave:
            now = time.monotonic()
            if now >= next_wave:
                self.write_wave()
                wave = len(self.rows) // self.per_wave
                if wave in outages:
                    thread = threading.Thread(target=self._outage, args=(outages[wave],), name=f"outage-{wave}",
                                              daemon=True)
                    thread.start()
                    threads.append(thread)
                next_wave = now + wave_every
            next_beat = self._tick(next_beat)
        deadline = time.monotonic() + settle_for
        last_state, last_change = self.state(), time.monotonic()
        while time.monotonic() < deadline:
            next_beat = self._tick(next_beat)
            if any(thread.is_alive() for thread in threads):
                last_change = time.monotonic()
                continue
            state = self.state()
            if state is not None and state["done"]:
                return
            if state != last_state:
                last_state, last_change = state, time.monotonic()
            elif time.monotonic() - last_change > ORPHANED_AFTER:
                self.recover()
                last_change = time.monotonic()
        for thread in threads:
            thread.join(timeout=30)

    def _outage(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as error:  # reported by the test: a server that did not come back is a test failure
            self.tally.outage_errors.append(f"{type(error).__name__}: {error}")

    def _tick(self, next_beat: float) -> float:
        if time.monotonic() >= next_beat:
            self.beat()
            next_beat = time.monotonic() + BEAT_EVERY
        self.approve_drafts()
        time.sleep(TICK)
        return next_beat

    def state(self) -> dict[str, Any] | None:
        try:
            with self.stack.factory() as session:
                mentions = session.exec(select(func.count()).select_from(Mention)
                                        .where(col(Mention.source_id) == self.source_id)).one()
                scored = session.exec(select(func.count()).select_from(Mention).where(
                    col(Mention.source_id) == self.source_id, col(Mention.scored_at).is_not(None))).one()
                statuses = Counter(reply.status for reply in session.exec(self._replies()).all())
        except sa.exc.DBAPIError:
            return None
        expected = len(self.expected_ids)
        done = (mentions == scored == expected and statuses.get(ReplyStatus.posted.value, 0) == expected
                and sum(statuses.values()) == expected)
        return {"mentions": mentions, "scored": scored, "replies": dict(statuses), "done": done}

    def recover(self) -> None:
        """What the product's timers do minutes later, done now, each step counted in `tally.recoveries`."""
        now = utcnow()
        with session_scope(self.stack.factory) as session:
            source = session.get_one(Source, self.source_id)
            started = source.run_started_at
            if started is not None and started < now - timedelta(seconds=ORPHANED_AFTER):
                source.run_started_at = started - RUN_LEASE  # the next collect takes the dead run's lease over
                session.add(source)
                self.tally.recoveries["collection_leases_expired"] += 1
            posting = session.exec(self._replies().where(col(Reply.status) == ReplyStatus.posting.value)).all()
            approved = session.exec(self._replies().where(col(Reply.status) == ReplyStatus.approved.value)).all()
        if posting:  # the beat's reconcile_replies, POSTING_LEASE + SETTLE later
            summary = reconcile(self.stack.factory, settings=self.stack.settings, now=now + 2 * POSTING_LEASE)
            self.tally.recoveries["claims_expired"] += summary.expired
            self.tally.recoveries["reconciled_posted"] += summary.posted
            self.tally.recoveries["reconciled_failed"] += summary.failed
        if approved and self._no_post_task_pending():  # the same task's sweep, REQUEUE_AFTER later
            self.tally.recoveries["approvals_requeued"] += requeue_stale_approvals(
                self.stack.factory, self.stack.dispatcher.post_reply, now=now + 2 * REQUEUE_AFTER)

    def _no_post_task_pending(self) -> bool:
        """No post task waits in the broker or in a worker (a retry after a countdown): the approvals are orphans."""
        try:
            queued = queued_in_broker(self.stack.settings.broker_url)
        except redis.RedisError:
            return False
        return queued["post"] == 0 and queued["unacked_post"] == 0

    # -- what came out -------------------------------------------------------------------------------------------
    def counts(self) -> dict[str, Any]:
        with self.stack.factory() as session:
            mentions = session.exec(select(Mention).where(col(Mention.source_id) == self.source_id)).all()
            replies = session.exec(self._replies()).all()
        ids = [m.external_id for m in mentions]
        per_mention = Counter(reply.mention_id for reply in replies)
        per_key = self.stack.instance.posts_per_reply()
        per_status = self.stack.instance.posts_per_status()
        our_statuses = {row["status_id"] for row in self.rows}
        return {
            "mentions_expected": len(self.expected_ids),
            "mentions_collected": len(mentions),
            "mentions_missing": len(self.expected_ids - set(ids)),
            "mention_rows_duplicated": len(ids) - len(set(ids)),
            "mentions_marked_duplicate": sum(1 for m in mentions if m.duplicate_of_id is not None),
            "mentions_scored": sum(1 for m in mentions if m.scored_at is not None),
            "replies": len(replies),
            "mentions_with_more_than_one_reply": sum(1 for n in per_mention.values() if n > 1),
            "replies_by_status": dict(Counter(reply.status for reply in replies)),
            "replies_approved": sum(1 for r in replies if r.approved_at is not None),
            "replies_posted": sum(1 for r in replies if r.status == ReplyStatus.posted.value),
            "posts_per_reply": dict(Counter(per_key.get(f"earful-reply-{r.id}", 0) for r in replies)),
            "posts_per_customer_status": dict(Counter(per_status.get(s, 0) for s in our_statuses)),
            "platform_ids_match": all(
                r.platform_reply_id is not None for r in replies if r.status == ReplyStatus.posted.value),
            "beats_refused": self.tally.beats_failed,
            "approvals_failed": self.tally.approvals_failed,
            "approved_but_not_queued": len(self.tally.unqueued),
            # committed although the commit reported an error (the server went away as it answered): staff were
            # told it failed, so nobody queued it
            "approved_despite_error": sum(1 for r in replies if r.approved_at is not None
                                          and r.id not in self.tally.queued | self.tally.unqueued),
            "recoveries": dict(self.tally.recoveries),
            "outages": self.tally.outages,
            "outage_errors": self.tally.outage_errors,
        }


def assert_exactly_once(counts: dict[str, Any]) -> None:
    assert counts["outage_errors"] == [], counts
    expected = counts["mentions_expected"]
    assert counts["mentions_collected"] == expected and counts["mentions_missing"] == 0, counts
    assert counts["mention_rows_duplicated"] == 0 and counts["mentions_marked_duplicate"] == 0, counts
    assert counts["mentions_scored"] == expected, counts
    assert counts["replies"] == expected and counts["mentions_with_more_than_one_reply"] == 0, counts
    assert counts["replies_approved"] == counts["replies_posted"] == expected, counts
    assert counts["posts_per_reply"] == {1: expected}, counts
    assert counts["posts_per_customer_status"] == {1: expected}, counts
    assert counts["platform_ids_match"], counts
