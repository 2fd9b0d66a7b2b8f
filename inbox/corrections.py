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

from inbox.queue.queries import SENTIMENTS
from models import Correction, Mention, MentionStatus, Reply, ReplyStatus, User, record_event
from models.complaint import COMPLAINT_THRESHOLD
from models.correction import MODEL_FIELDS, apply_correction, latest_correction, record_model_judgement
from responder.drafting.rules import apology_phrases, needs_reply
from responder.drafting.variables import Workspace
from responder.lint.checks import matches
from responder.replies.service import open_reply, reject, require_version

RELABELLED = "mention.relabelled"
WITHDRAWN_NOTE = "withdrawn: it apologises, and the mention was relabelled as not a complaint"


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
                    brand: str | Workspace) -> Correction | None:
    """Record a staff relabel and show it on the mention; None when it repeats the current staff label."""
    if mention.id is None:
        raise ValueError("only stored mentions are corrected")
    previous = latest_correction(session, mention.id)
    if previous is not None and _labels(previous) == relabel:
        return None
    correction = Correction(mention_id=mention.id, user_id=actor.id, sentiment=relabel.sentiment,
                            complaint=relabel.complaint, topics=list(relabel.topics))
    _copy_model_judgement(correction, previous, mention)
    before = current_labels(mention)
    session.add(correction)
    apply_correction(mention, correction)
    record_event(session, RELABELLED, actor=actor, mention_id=mention.id, sentiment=relabel.sentiment,
                 complaint=relabel.complaint, topics=list(relabel.topics),
                 model_sentiment=correction.model_sentiment, model_complaint=correction.model_complaint,
                 model_topics=correction.model_topics, before=_as_details(before),
                 change=describe_change(before, relabel))
    _reconsider_reply(session, mention, brand)
    session.flush()
    return correction


@dataclass(frozen=True)
class Labels:
    """What the mention showed before a relabel (the model's labels or an earlier correction); None: not scored."""

    sentiment: str | None
    complaint: bool | None
    topics: tuple[str, ...]


def current_labels(mention: Mention) -> Labels:
    complaint = None if mention.complaint is None else mention.complaint >= COMPLAINT_THRESHOLD
    return Labels(mention.sentiment, complaint, tuple(mention.topics or ()))


def describe_change(before: Labels, after: Relabel) -> str:
    """The history's line: 'sentiment negative → neutral; complaint yes → no; topics delivery → none'."""
    parts = [f"{name} {_word(old)} → {_word(new)}" for name, old, new in (
        ("sentiment", before.sentiment, after.sentiment), ("complaint", before.complaint, after.complaint),
        ("topics", before.topics, after.topics)) if old != new]
    return "; ".join(parts) or "labels confirmed unchanged"


def _word(value: str | bool | tuple[str, ...] | None) -> str:
    if value is None:
        return "not scored"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value) or "none"
    return value


def _as_details(labels: Labels) -> dict[str, object]:
    return {"sentiment": labels.sentiment, "complaint": labels.complaint, "topics": list(labels.topics)}


def _labels(correction: Correction) -> Relabel:
    return Relabel(correction.sentiment, correction.complaint, tuple(correction.topics))


def _copy_model_judgement(correction: Correction, previous: Correction | None, mention: Mention) -> None:
    """Once corrected, the mention's columns hold the staff label, so the model's values come from the last row."""
    if previous is not None:
        for field in MODEL_FIELDS:
            setattr(correction, field, getattr(previous, field))
    elif mention.scored_at is not None:
        record_model_judgement(correction, mention)


def apology_to_withdraw(session: Session, mention: Mention, correction: Correction | None) -> Reply | None:
    """The open draft that apologises although staff labelled the mention not a complaint: offered for withdrawal,
    never withdrawn unasked (see _reconsider_reply)."""
    if correction is None or correction.complaint:
        return None
    reply = open_reply(session, mention)
    if reply is None or reply.status != ReplyStatus.draft.value or not matches(reply.text, apology_phrases()):
        return None
    return reply


def withdraw_apology(session: Session, mention: Mention, *, actor: User, reply_id: int,
                     expected_version: int) -> Reply | None:
    """Reject the offered draft (audited, with why); the mention then waits for a new reply or for none. None when
    there is no such draft any more; StaleReplyError when it changed since the page was loaded."""
    if mention.id is None:
        raise ValueError("only stored mentions are relabelled")
    reply = apology_to_withdraw(session, mention, latest_correction(session, mention.id))
    if reply is None or reply.id != reply_id:
        return None
    require_version(reply, expected_version)
    reject(session, reply, user=actor, note=WITHDRAWN_NOTE)
    mention.status = (MentionStatus.needs_reply if needs_reply(mention) else MentionStatus.no_reply).value
    session.flush()
    return reply


def _reconsider_reply(session: Session, mention: Mention, brand: str | Workspace) -> None:
    """A mention the model thought needed no answer may need one now (a missed complaint): draft it.

    The reverse is left to staff: an open draft is never withdrawn behind their back.
    """
    if mention.status == MentionStatus.no_reply.value:
        from responder.replies.service import draft_reply

        draft_reply(session, mention, brand=brand)
