"""Celery tasks for posting and reconciling replies. Thin: ids in, a service call, errors mapped to retry.

A post is retried only when the platform certainly did not act on it (PostingDeferred); the claim makes a
second delivery of the same task a no-op.
"""

from __future__ import annotations

from dataclasses import asdict

from celery import Task, shared_task

from responder.posting import PostingDeferred, give_up, post_reply
from responder.reconcile import reconcile
from settings import get_settings
from worker import worker_session_factory

MAX_DEFERRALS = 8
BASE_BACKOFF_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 3600.0


@shared_task(name="earful.post_reply", bind=True, max_retries=MAX_DEFERRALS)
def post_approved_reply(self: Task, reply_id: int) -> str | None:
    factory = worker_session_factory()
    try:
        reply = post_reply(factory, reply_id, settings=get_settings())
    except PostingDeferred as deferred:
        if self.request.retries >= MAX_DEFERRALS:
            failed = give_up(factory, reply_id, str(deferred))
            return failed.status if failed else None
        raise self.retry(countdown=retry_countdown(deferred.retry_after, self.request.retries)) from None
    return reply.status if reply else None


@shared_task(name="earful.reconcile_replies")
def reconcile_replies() -> dict[str, int]:
    return asdict(reconcile(worker_session_factory(), settings=get_settings()))


def retry_countdown(retry_after: float | None, retries: int) -> float:
    """The platform's reset time when it gave one (plus a second), else exponential backoff."""
    if retry_after is not None:
        return min(retry_after + 1.0, MAX_BACKOFF_SECONDS * 24)
    return min(BASE_BACKOFF_SECONDS * 2**retries, MAX_BACKOFF_SECONDS)
