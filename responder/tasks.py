"""Celery tasks for drafting, posting and reconciling replies. Thin: ids in, a service call, errors mapped to retry.

A post is retried only when the platform certainly did not act on it (PostingDeferred), or when the database
could not be reached: then the claim decides, and makes the retry a no-op if this attempt got as far as claiming.
The claim makes a second delivery of the same task a no-op.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from celery import Task, shared_task

from responder.drafting.pending import draft_pending
from responder.drafting.variables import Workspace
from responder.replies.posting import DATABASE_DOWN, PostingDeferred, give_up, post_reply, seconds_held
from responder.replies.reconcile import reconcile, requeue_stale_approvals
from settings import get_settings
from worker import worker_dispatcher, worker_session_factory

log = logging.getLogger(__name__)

MAX_DEFERRALS = 8
BASE_BACKOFF_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 3600.0
DATABASE_RETRY_SECONDS = 5.0  # a database restart or failover takes seconds
HOLD_MARGIN_SECONDS = 0.5  # a held reply's task runs just after its undo window, not a hair before it


@shared_task(name="earful.draft_pending")
def draft_scored_mentions() -> int:
    """Sent by the scorer after each run and by beat; claims make a second delivery a no-op."""
    return draft_pending(worker_session_factory(), brand=Workspace.from_settings(get_settings()))


@shared_task(name="earful.post_reply", bind=True, max_retries=MAX_DEFERRALS)
def post_approved_reply(self: Task, reply_id: int) -> str | None:
    factory = worker_session_factory()
    try:
        wait = seconds_held(factory, reply_id)
        if wait > 0:  # an approval held for undo: the same task again once the window is over (its own retries)
            post_approved_reply.apply_async((reply_id,), countdown=wait + HOLD_MARGIN_SECONDS, queue="post")
            return "held"
        reply = post_reply(factory, reply_id, settings=get_settings())
    except PostingDeferred as deferred:
        if self.request.retries >= MAX_DEFERRALS:
            failed = give_up(factory, reply_id, str(deferred))
            return failed.status if failed else None
        countdown = retry_countdown(deferred.retry_after, self.request.retries)
        log.warning("post retry reply_id=%s retries=%d countdown=%.0f reason=%r", reply_id, self.request.retries,
                    countdown, str(deferred))
        raise self.retry(countdown=countdown) from None
    except DATABASE_DOWN as error:  # without a retry the approved reply would wait for the reconciler's sweep
        countdown = DATABASE_RETRY_SECONDS * 2**self.request.retries
        log.warning("post retry reply_id=%s retries=%d countdown=%.0f reason=database_unreachable", reply_id,
                    self.request.retries, countdown)
        raise self.retry(exc=error, countdown=countdown) from None
    return reply.status if reply else None


@shared_task(name="earful.reconcile_replies")
def reconcile_replies() -> dict[str, int]:
    factory = worker_session_factory()
    summary = asdict(reconcile(factory, settings=get_settings()))
    return {**summary, "requeued": requeue_stale_approvals(factory, worker_dispatcher().post_reply)}


def retry_countdown(retry_after: float | None, retries: int) -> float:
    """The platform's reset time when it gave one (plus a second), else exponential backoff."""
    if retry_after is not None:
        return min(retry_after + 1.0, MAX_BACKOFF_SECONDS * 24)
    return min(BASE_BACKOFF_SECONDS * 2**retries, MAX_BACKOFF_SECONDS)
