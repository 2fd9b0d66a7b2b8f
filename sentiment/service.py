"""Scoring what the listener stored: the oldest unscored mentions, one batch per call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from models import Mention, MentionStatus
from models.base import utcnow

if TYPE_CHECKING:
    from sentiment import Score

Scorer = Callable[[Sequence[str]], "list[Score]"]


def pending_mentions(session: Session, limit: int) -> list[Mention]:
    """Oldest first; on PostgreSQL two scoring workers skip each other's rows instead of scoring them twice."""
    statement = (
        select(Mention).where(col(Mention.status) == MentionStatus.new.value)
        .order_by(col(Mention.id)).limit(limit).with_for_update(skip_locked=True)
    )
    return list(session.exec(statement))


def text_for_scoring(mention: Mention) -> str:
    """A review's title often carries its verdict ("Broke after a week"), so it is scored with the body."""
    return f"{mention.title}\n{mention.text}" if mention.title else mention.text


def score_pending(session: Session, scorer: Scorer, *, limit: int) -> list[Mention]:
    """Score up to `limit` new mentions. The caller drafts replies for them and commits."""
    mentions = pending_mentions(session, limit)
    if not mentions:
        return []
    scores = scorer([text_for_scoring(mention) for mention in mentions])
    for mention, score in zip(mentions, scores, strict=True):
        apply_score(mention, score)
    session.flush()
    return mentions


def apply_score(mention: Mention, score: Score) -> None:
    mention.language = score.language if score.language != "und" else (mention.language_hint or "und")
    mention.sentiment = score.label
    mention.confidence = round(score.confidence, 4)
    mention.complaint = round(score.complaint, 4)
    mention.topics = list(score.topics)
    mention.reason = score.reason[:500]
    mention.model_name = score.model_name
    mention.model_version = score.model_version
    mention.scored_at = utcnow()
