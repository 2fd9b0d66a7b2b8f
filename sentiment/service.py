"""Scoring what the listener stored: read the oldest unscored mentions, infer, write the scores back.

The model runs with no transaction open, so a slow batch never holds a database lock; the write only
touches mentions that are still unscored, so two scorers racing on the same rows do no harm. Drafting is the next
step, on its own task (responder.draft_pending): a scored mention waits for it with status still `new`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from models import Mention
from models.base import utcnow
from models.mention import awaiting_score
from models.mention_text import scored_text

if TYPE_CHECKING:
    from sentiment import Score

Scorer = Callable[[Sequence[str]], "list[Score]"]


@dataclass(frozen=True)
class PendingText:
    mention_id: int
    text: str


def pending_texts(session: Session, limit: int) -> list[PendingText]:
    statement = (
        select(Mention).where(awaiting_score()).order_by(col(Mention.id)).limit(limit)
    )
    return [PendingText(_id(mention), scored_text(mention)) for mention in session.exec(statement)]


def save_scores(session: Session, pending: Sequence[PendingText], scores: Sequence[Score]) -> list[Mention]:
    """Store each score on its mention if nobody scored it meanwhile; returns the mentions updated."""
    by_id = dict(zip((item.mention_id for item in pending), scores, strict=True))
    statement = select(Mention).where(col(Mention.id).in_(by_id), awaiting_score())
    mentions = list(session.exec(statement.order_by(col(Mention.id))))
    for mention in mentions:
        apply_score(mention, by_id[_id(mention)])
    session.flush()
    return mentions


def apply_score(mention: Mention, score: Score) -> None:
    mention.language = score.language if score.language != "und" else (mention.language_hint or "und")
    mention.sentiment = score.label
    mention.confidence = round(score.confidence, 4)
    mention.complaint = round(score.complaint, 4)
    mention.question = score.question
    mention.topics = list(score.topics)
    mention.reason = score.reason[:500]
    mention.model_name = score.model_name
    mention.model_version = score.model_version
    mention.scored_at = utcnow()


def _id(mention: Mention) -> int:
    if mention.id is None:
        raise ValueError("only stored mentions are scored")
    return mention.id
