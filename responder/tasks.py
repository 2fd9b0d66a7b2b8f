"""Celery task for posting an approved reply. Never retried blind: the claim makes a second run a no-op."""

from __future__ import annotations

from celery import shared_task

from models.db import session_scope
from responder.service import post_reply
from worker import worker_session_factory


@shared_task(name="earful.post_reply")
def post_approved_reply(reply_id: int) -> str | None:
    with session_scope(worker_session_factory()) as session:
        reply = post_reply(session, reply_id)
        return reply.status if reply else None
