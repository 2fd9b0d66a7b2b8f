"""Celery task for scoring: batches of new mentions through the model, then a draft for each that needs one."""

from __future__ import annotations

from functools import partial

from celery import shared_task

from models.db import session_scope
from responder.service import draft_reply
from sentiment.service import score_pending
from settings import get_settings
from worker import worker_session_factory

MAX_ROUNDS = 200


@shared_task(name="earful.score_pending")
def score_pending_mentions() -> int:
    from sentiment import score_texts

    settings = get_settings()
    scorer = partial(score_texts, model=settings.sentiment_model, cache_dir=settings.model_cache_dir)
    total = 0
    for _ in range(MAX_ROUNDS):
        with session_scope(worker_session_factory()) as session:
            mentions = score_pending(session, scorer, limit=settings.score_batch_size * 4)
            for mention in mentions:
                draft_reply(session, mention, brand=settings.brand_name)
        if not mentions:
            break
        total += len(mentions)
    return total
