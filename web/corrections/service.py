"""Relabelling a mention: validate the staff's labels, append a correction, show it on the mention, audit it.

A correction overwrites the mention's own sentiment/complaint/topics (confidence 1.0, complaint 1.0 or 0.0), so
the queue's filters and sorts, drafting and reports all read the staff label from the columns they already use.
The model's values live on in the correction row, which is what ``earful eval --corrections`` measures; scoring
re-applies the latest correction after it writes (sentiment.corrections.keep_staff_labels).

The queue's processes do not import the sentiment package (it brings numpy and the model code), so the topics
come from the Topic table through models.topic_store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from models import Correction, Mention, MentionStatus, User, record_event
from models.correction import MODEL_FIELDS, apply_correction, latest_correction, record_model_judgement
from web.queue.queries import SENTIMENTS

RELABELLED = "mention.relabelled"


class InvalidCorrection(ValueError):
    """The submitted labels are not ones the model or the taxonomy knows."""


@dataclass(frozen=True)
class Relabel:
    sentiment: str
    complaint: bool
    topics: tuple[str, ...]


def parse_relabel(sentiment: str, complaint: str, topics: Sequence[str], choices: Sequence[str]) -> Relabel:
    """Validate a submitted relabel; topics keep the taxonomy's order and lose duplicates."""
    if sentiment not in SENTIMENTS:
        raise InvalidCorrection(f"Sentiment must be one of {', '.join(SENTIMENTS)}.")
    if complaint not in ("yes", "no"):
        raise InvalidCorrection("Say whether the mention is a complaint (yes or no).")
    unknown = sorted(set(topics) - set(choices))
    if unknown:
        raise InvalidCorrection(f"Unknown topic: {', '.join(unknown)[:200]}.")
    return Relabel(sentiment, complaint == "yes", tuple(t for t in choices if t in topics))


def correct_mention(session: Session, mention: Mention, relabel: Relabel, *, actor: User,
                    brand: str) -> Correction | None:
    """Record a staff relabel and show it on the mention; None when it repeats the current staff label."""
    if mention.id is None:
        raise ValueError("only stored mentions are corrected")
    previous = latest_correction(session, mention.id)
    if previous is not None and _labels(previous) == relabel:
        return None
    correction = Correction(mention_id=mention.id, user_id=actor.id, sentiment=relabel.sentiment,
                            complaint=relabel.complaint, topics=list(relabel.topics))
    _copy_model_judgement(correction, previous, mention)
    session.add(correction)
    apply_correction(mention, correction)
    record_event(session, RELABELLED, actor=actor, mention_id=mention.id, sentiment=relabel.sentiment,
                 complaint=relabel.complaint, topics=list(relabel.topics),
                 model_sentiment=correction.model_sentiment, model_complaint=correction.model_complaint,
                 model_topics=correction.model_topics)
    _reconsider_reply(session, mention, brand)
    session.flush()
    return correction


def _labels(correction: Correction) -> Relabel:
    return Relabel(correction.sentiment, correction.complaint, tuple(correction.topics))


def _copy_model_judgement(correction: Correction, previous: Correction | None, mention: Mention) -> None:
    """Once corrected, the mention's columns hold the staff label, so the model's values come from the last row."""
    if previous is not None:
        for field in MODEL_FIELDS:
            setattr(correction, field, getattr(previous, field))
    elif mention.scored_at is not None:
        record_model_judgement(correction, mention)


def _reconsider_reply(session: Session, mention: Mention, brand: str) -> None:
    """A mention the model thought needed no answer may need one now (a missed complaint): draft it.

    The reverse is left to staff: an open draft is never withdrawn behind their back.
    """
    if mention.status == MentionStatus.no_reply.value:
        from responder.service import draft_reply

        draft_reply(session, mention, brand=brand)
