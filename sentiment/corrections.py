"""Scoring and staff corrections: a staff label always wins over the model's (see inbox.corrections)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from models import Mention
from models.correction import apply_correction, latest_corrections, record_model_judgement


def keep_staff_labels(session: Session, mentions: Sequence[Mention]) -> list[Mention]:
    """After the model scored these mentions, put each staff label back on top of the model's values.

    A correction made before the mention was first scored gets the model's judgement now: it is the first
    judgement the model ever gave that mention, so it is the one to measure. Its staff labels never change.
    """
    corrections = latest_corrections(session, [m.id for m in mentions if m.id is not None])
    for mention in mentions:
        correction = corrections.get(mention.id) if mention.id is not None else None
        if correction is None:
            continue
        if correction.model_sentiment is None:
            record_model_judgement(correction, mention)
        apply_correction(mention, correction)
    session.flush()
    return list(mentions)
