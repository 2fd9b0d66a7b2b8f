"""Celery tasks for collecting. Thin: ids in, a service call, errors mapped to retry or give up."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from sqlmodel import select

from listener.service import run_collection
from models import Source
from models.db import session_scope
from settings import get_settings
from worker import worker_dispatcher, worker_session_factory

log = logging.getLogger(__name__)

DEFAULT_RETRY_SECONDS = 60.0


@shared_task(name="earful.collect", bind=True, max_retries=8)
def collect_source(self: Task, source_id: int) -> dict[str, Any]:
    summary = run_collection(worker_session_factory(), source_id, settings=get_settings())
    if summary.inserted or summary.revised:
        worker_dispatcher().score_pending()
    failure = summary.failure
    if failure is not None and failure.transient:
        countdown = failure.retry_after or DEFAULT_RETRY_SECONDS * 2 ** self.request.retries
        log.warning("collection retry source_id=%s retries=%d countdown=%.0f reason=%r", source_id,
                    self.request.retries, countdown, str(failure)[:500])
        raise self.retry(exc=failure, countdown=countdown)
    return {"source_id": source_id, "fetched": summary.fetched, "inserted": summary.inserted,
            "revised": summary.revised,
            "bad_rows": len(summary.errors), "failure": str(failure) if failure else None,
            "already_running": summary.already_running}


@shared_task(name="earful.collect_due")
def collect_due_sources() -> int:
    with session_scope(worker_session_factory()) as session:
        source_ids = list(session.exec(select(Source.id).where(Source.enabled)))
    dispatcher = worker_dispatcher()
    for source_id in source_ids:
        if source_id is not None:
            dispatcher.collect(source_id)
    return len(source_ids)
