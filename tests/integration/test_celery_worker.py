"""A real Celery worker process runs collect -> score -> draft -> post from tasks sent over the broker.

On Redis when REDIS_URL is set, on the embedded SQLite broker otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import Mention, Reply, Source, User
from models.db import make_engine
from responder.drafting.library import load_starter_saved_replies
from responder.replies.service import approve
from responder.replies.undo import approve_with_undo
from settings import Settings
from worker import CeleryDispatcher, make_celery

REPO = Path(__file__).resolve().parents[2]
MENTIONS = [
    {"network": "x", "external_id": "1", "author": "ann", "text": "@lumohome my order is 2 weeks late and support "
     "ignores me. Worst service ever.", "created_at": "2026-11-05T14:01:00Z", "in_reply_to_brand": True},
    {"network": "appstore", "external_id": "2", "author": "佐藤", "title": "最悪", "rating": 1,
     "text": "注文した鍋が割れて届きました。返金もまだです。", "created_at": "2026-11-05T14:02:00Z"},
    {"network": "googleplay", "external_id": "gp:3", "author": "김민지", "rating": 5,
     "text": "배송도 빠르고 머그컵이 정말 예뻐요! 최고예요", "created_at": "2026-11-05T14:03:00Z"},
]


@pytest.fixture()
def broker_url(tmp_path: Path) -> str:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        return f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


@pytest.fixture()
def worker_settings(fresh_database_url: str, broker_url: str, settings: Settings) -> Settings:
    return settings.model_copy(update={"database_url": fresh_database_url, "broker_url": broker_url})


@pytest.fixture()
def celery_worker_process(worker_settings: Settings, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "DATABASE_URL": worker_settings.database_url, "BROKER_URL": worker_settings.broker_url,
           "SECRET_KEY": "x", "MODEL_CACHE_DIR": str(worker_settings.model_cache_dir), "PYTHONPATH": str(REPO),
           "IMPORT_DIR": str(worker_settings.import_dir)}
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q", "collect,score,post", "-P", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()


def wait_for(check: object, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.5)
    pytest.fail(f"timed out; worker log:\n{log.read_text(errors='replace')[-4000:]}")


@pytest.mark.slow
def test_tasks_run_end_to_end_in_a_real_worker(worker_settings: Settings, celery_worker_process: object,
                                              tmp_path: Path) -> None:
    export = tmp_path / "mentions.jsonl"
    export.write_text("\n".join(json.dumps(m, ensure_ascii=False) for m in MENTIONS), encoding="utf-8")
    engine = make_engine(worker_settings.database_url)
    with Session(engine) as session:
        load_starter_saved_replies(session)
        source = Source(name="export", collector="import", network="x", config={"path": str(export)})
        approver = User(email="boss@example.com", password_hash="-", role="approver")
        session.add_all([source, approver])
        session.commit()
        source_id = source.id
    assert source_id is not None
    dispatcher = CeleryDispatcher(make_celery(worker_settings))
    dispatcher.collect(source_id)

    def all_drafted() -> bool:
        with Session(engine) as session:
            mentions = session.exec(select(Mention)).all()
            drafted = session.exec(select(Reply)).all()
            return len(mentions) == 3 and all(m.scored_at for m in mentions) and len(drafted) == 3

    wait_for(all_drafted, 240, tmp_path / "worker.log")
    with Session(engine) as session:
        by_id = {m.external_id: m for m in session.exec(select(Mention))}
        assert [by_id[i].language for i in ("1", "2", "gp:3")] == ["en", "ja", "ko"]
        assert by_id["1"].sentiment == "negative" and by_id["gp:3"].sentiment == "positive"
        assert by_id["1"].model_name and by_id["1"].model_version
        reply = session.exec(select(Reply).where(Reply.mention_id == by_id["1"].id)).one()
        boss = session.exec(select(User)).one()
        approve(session, reply, user=boss, expected_version=reply.version)
        held = session.exec(select(Reply).where(Reply.mention_id == by_id["gp:3"].id)).one()
        approve_with_undo(session, held, user=boss, expected_version=held.version, text=None,
                          allow_self_approval=False, seconds=4)
        session.commit()
        reply_id, held_id = reply.id, held.id
    assert reply_id is not None and held_id is not None
    dispatcher.post_reply(held_id)
    dispatcher.post_reply(reply_id)
    dispatcher.post_reply(reply_id)  # delivered twice: the claim makes the second a no-op

    def ready_to_paste() -> bool:
        with Session(engine) as session:
            return session.get_one(Reply, reply_id).status == "manual"

    wait_for(ready_to_paste, 60, tmp_path / "worker.log")
    def held_released() -> bool:
        with Session(engine) as session:
            released = session.get_one(Reply, held_id)
            return released.status == "manual" and released.attempts == 1

    wait_for(held_released, 60, tmp_path / "worker.log")
    with Session(engine) as session:
        released = session.get_one(Reply, held_id)
        # Its task arrived first and was put back until the undo window ended: claimed once, never before it.
        assert released.post_after is not None and released.posting_started_at is not None
        assert released.posting_started_at >= released.post_after
    engine.dispose()
