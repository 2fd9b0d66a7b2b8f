"""Triage of a mention: assign it, ignore it (closing open drafts), or escalate it to an approver."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import Mention, MentionStatus, Reply, ReplyStatus, Role, User, record_event
from models.mention import CLOSED_STATUSES
from models.reply_states import LOCKED
from responder.replies.service import ReplyStateError, reject

MAX_NOTE_LENGTH = 1000


class TriageError(ReplyStateError):
    """The mention is not in a state that allows this triage action."""


def assign(session: Session, mention: Mention, assignee: User | None, *, actor: User) -> None:
    if assignee is not None and not (assignee.active and assignee.has_role(Role.agent)):
        raise TriageError(f"{assignee.email} cannot work the queue")
    mention.assignee_id = assignee.id if assignee else None
    record_event(session, "mention.assigned", actor=actor, mention_id=mention.id,
                 assignee=assignee.email if assignee else None)


def ignore(session: Session, mention: Mention, *, actor: User, note: str = "") -> None:
    if mention.status in CLOSED_STATUSES:
        raise TriageError(f"mention {mention.id} is already {mention.status}")
    locked = select(Reply.id).where(Reply.mention_id == mention.id, col(Reply.status).in_(LOCKED))
    if session.exec(locked).first() is not None:
        raise TriageError(f"mention {mention.id} has a reply that is approved or being posted")
    note = note.strip()[:MAX_NOTE_LENGTH]
    drafts = select(Reply).where(Reply.mention_id == mention.id, Reply.status == ReplyStatus.draft.value)
    for draft in session.exec(drafts).all():
        reject(session, draft, user=actor, note=f"mention ignored: {note}".strip())
    previous, mention.status = mention.status, MentionStatus.ignored.value
    record_event(session, "mention.ignored", actor=actor, mention_id=mention.id, note=note,
                 previous_status=previous)


def escalate(session: Session, mention: Mention, approver: User, *, actor: User, note: str = "") -> None:
    if not (approver.active and approver.has_role(Role.approver)):
        raise TriageError(f"{approver.email} is not an approver")
    mention.assignee_id = approver.id
    record_event(session, "mention.escalated", actor=actor, mention_id=mention.id, assignee=approver.email,
                 note=note.strip()[:MAX_NOTE_LENGTH])
