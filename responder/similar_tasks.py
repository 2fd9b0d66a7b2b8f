"""The indexing task for similar replies. It runs on the `score` queue, whose processes already hold the model,
and goes round by round until every mention with a draft or an approved reply has a vector."""

from __future__ import annotations

from celery import shared_task

from responder.drafting.similar import index_round, worker_encoder
from worker import worker_model_config, worker_session_factory

MAX_ROUNDS = 100


@shared_task(name="earful.index_similar")
def index_similar() -> int:
    encoder = worker_encoder(worker_model_config())
    factory = worker_session_factory()
    total = 0
    for _ in range(MAX_ROUNDS):
        added = index_round(factory, encoder)
        if not added:
            break
        total += added
    return total
