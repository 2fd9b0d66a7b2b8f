"""Scoring on the `score` queue: batches of new mentions through the model. Drafting is the next step, on its own
task (earful.draft_pending, `post` queue), so the scorer's process does one job."""

from __future__ import annotations

import logging
from functools import partial

from celery import shared_task
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from models import Mention
from models.db import session_scope
from models.mention import awaiting_draft
from models.topic_store import Spec, taxonomy_spec
from sentiment.config import ModelConfig
from sentiment.corrections import keep_staff_labels
from sentiment.service import Scorer, pending_texts, save_scores
from worker import worker_dispatcher, worker_model_config, worker_session_factory

log = logging.getLogger(__name__)

MAX_ROUNDS = 200


def score_round(factory: sessionmaker[Session], scorer: Scorer, *, limit: int) -> int:
    """One round: read up to `limit` unscored mentions, score them outside any transaction, save them for drafting."""
    with session_scope(factory) as session:
        pending = pending_texts(session, limit)
    if not pending:
        return 0
    scores = scorer([item.text for item in pending])
    with session_scope(factory) as session:
        saved = keep_staff_labels(session, save_scores(session, pending, scores))
    log.info("scoring round mentions=%d saved=%d", len(pending), len(saved))
    return len(pending)


def awaiting_drafting(factory: sessionmaker[Session]) -> bool:
    with session_scope(factory) as session:
        return session.exec(select(Mention.id).where(awaiting_draft()).limit(1)).first() is not None


def model_scorer(config: ModelConfig, topics_from: sessionmaker[Session] | None = None) -> Scorer:
    """The configured model; with `topics_from`, each call first reads the workspace's topics there, so an admin's
    edit to the taxonomy applies from the next round on. Without it, the shipped taxonomy."""
    from sentiment import score_texts

    score = partial(score_texts, config=config)
    if topics_from is None:
        return score
    return lambda texts: score(texts, topics=current_taxonomy(topics_from))


def current_taxonomy(factory: sessionmaker[Session]) -> Spec:
    with session_scope(factory) as session:
        return taxonomy_spec(session)


@shared_task(name="earful.score_pending")
def score_pending_mentions() -> int:
    config = worker_model_config()
    factory = worker_session_factory()
    scorer = model_scorer(config, topics_from=factory)
    total = 0
    for _ in range(MAX_ROUNDS):
        scored = score_round(factory, scorer, limit=config.batch_size * 4)
        if not scored:
            break
        total += scored
    # Also when this run scored nothing: a drafting request lost while the broker was down is sent again.
    if awaiting_drafting(factory):
        worker_dispatcher().draft_pending()
    return total
