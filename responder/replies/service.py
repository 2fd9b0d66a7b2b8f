"""A person's actions on a reply: draft, edit, approve, reject, confirm a pasted reply, reopen a failed one.
The states and the moves between them are models.reply_states (one table, one transition()); posting itself
(claim, post, record) lives in responder.replies.posting; post_reply is re-exported here.

Services flush; the caller commits once. Every transition writes an AuditEvent in the same transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import Mention, MentionStatus, Reply, ReplyStatus, User, record_event
from models.base import utcnow
from models.reply_states import ENDED_UNSENT, Move, require, transition
from models.reply_states import ReplyStateError as ReplyStateError  # re-exported: what the web layer catches
from responder.drafting.escalation import route_to_lead
from responder.drafting.rules import compose_draft, needs_reply
from responder.drafting.variables import Workspace
from responder.posters import poster_for_network
from responder.replies.approvals import requires_second_approval
from responder.replies.posting import post_reply as post_reply  # re-exported: the entry point callers know
from responder.replies.states import bump as _bump
from responder.replies.states import mark_posted

MAX_REPLY_LENGTH = 10_000


class SelfApprovalError(ReplyStateError):
    """Four eyes: the approver edited the draft last (or is changing it now) and self-approval is off."""


class SecondApproverError(SelfApprovalError):
    """The second approval of a text has to come from someone other than its first approver."""


class StaleReplyError(ReplyStateError):
    """Someone changed the draft since the editor loaded it."""

    def __init__(self, reply: Reply, expected_version: int) -> None:
        super().__init__(f"reply {reply.id} is at version {reply.version}, the editor had {expected_version}")
        self.reply = reply


def draft_reply(session: Session, mention: Mention, *, brand: str | Workspace) -> Reply | None:
    """Decide whether the scored mention needs an answer and, if so, draft one from a saved reply."""
    if not needs_reply(mention, brand):
        mention.status = MentionStatus.no_reply.value
        return None
    mention.status = MentionStatus.needs_reply.value
    if open_reply(session, mention) is not None:
        return None
    return _new_draft(session, mention, brand=brand, actor=None)


def open_reply(session: Session, mention: Mention) -> Reply | None:
    """The mention's reply that stands: unfinished or already posted (UNFINISHED_OR_POSTED), so no second one is
    drafted. Not models.reply's "open" (UNFINISHED), which leaves posted replies out."""
    statement = select(Reply).where(Reply.mention_id == mention.id, sa.not_(_is_closed()))
    return session.exec(statement.order_by(col(Reply.id).desc())).first()


def _is_closed() -> sa.ColumnElement[bool]:
    return col(Reply.status).in_(ENDED_UNSENT)


def edit_draft(session: Session, reply: Reply, text: str, *, user: User, expected_version: int) -> Reply:
    require_status(reply, ReplyStatus.draft)
    require_version(reply, expected_version)
    cleared = set_text(reply, clean_text(text), user=user)
    _bump(reply)
    record_event(session, "reply.edited", actor=user, mention_id=reply.mention_id, reply_id=reply.id,
                 text=reply.text, version=reply.version, **({"first_approval_cleared": True} if cleared else {}))
    return reply


def approve(session: Session, reply: Reply, *, user: User, expected_version: int, text: str | None = None,
            allow_self_approval: bool = False) -> Reply:
    """Approve, optionally with a final edit; the mention's other drafts are closed as superseded.

    Unless the workspace allows self-approval, nobody approves words they wrote: not a draft they edited last,
    and not an edit made while approving. When a source of the mention requires a second approval, the first
    approval is recorded and the reply stays a draft until a different approver gives the second one.
    Every check runs before anything changes. The caller enqueues posting after commit (status approved)."""
    require(reply, Move.approve)
    require_version(reply, expected_version)
    new_text = reply.text if text is None else clean_text(text)
    changed = new_text != reply.text
    if not allow_self_approval and (reply.edited_by_id == user.id or changed):
        raise SelfApprovalError("You edited this draft last (or are changing it now), so another approver has to "
                                "approve it. Save your change and ask them, or approve the saved text.")
    if not new_text.strip():
        raise ReplyStateError("an empty reply cannot be approved")
    two_step = requires_second_approval(session, reply.mention_id)
    # An edit made while approving clears the first approval: the new text is this approver's first one.
    if two_step and not changed and reply.first_approved_by_id == user.id:
        raise SecondApproverError("You gave the first approval of this text; the second has to come from "
                                  "another approver.")
    if changed:
        set_text(reply, new_text, user=user)
    if two_step and reply.first_approved_by_id is None:
        return _record_first_approval(session, reply, user=user)
    transition(session, reply, Move.approve, approved_by_id=user.id, approved_at=utcnow())
    second = {"first_approved_by_id": reply.first_approved_by_id} if two_step else {}
    record_event(session, "reply.approved", actor=user, mention_id=reply.mention_id, reply_id=reply.id,
                 text=reply.text, version=reply.version, **second)
    _supersede_other_drafts(session, reply, user=user)
    return reply


def awaiting_second_approval(reply: Reply) -> bool:
    return reply.status == ReplyStatus.draft.value and reply.first_approved_by_id is not None


def _record_first_approval(session: Session, reply: Reply, *, user: User) -> Reply:
    reply.first_approved_by_id = user.id
    reply.first_approved_at = utcnow()
    _bump(reply)
    record_event(session, "reply.first_approved", actor=user, mention_id=reply.mention_id, reply_id=reply.id,
                 text=reply.text, version=reply.version)
    return reply


def set_text(reply: Reply, text: str, *, user: User) -> bool:
    """Store an edit; returns whether it cleared a first approval (that approval was of the old words)."""
    cleared = text != reply.text and reply.first_approved_by_id is not None
    if cleared:
        reply.first_approved_by_id = None
        reply.first_approved_at = None
    reply.text = text
    reply.edited_by_id = user.id
    return cleared


def _supersede_other_drafts(session: Session, approved: Reply, *, user: User) -> None:
    """One reply per mention: a second draft racing the approved one is closed, explicitly and on the record."""
    others = select(Reply).where(Reply.mention_id == approved.mention_id, col(Reply.id) != approved.id,
                                 Reply.status == ReplyStatus.draft.value)
    for other in session.exec(others).all():
        reject(session, other, user=user, note=f"superseded: reply {approved.id} was approved")

def reject(session: Session, reply: Reply, *, user: User, note: str = "") -> Reply:
    transition(session, reply, Move.reject)
    record_event(session, "reply.rejected", actor=user, mention_id=reply.mention_id, reply_id=reply.id,
                 note=note[:1000])
    return reply


def redraft(session: Session, mention: Mention, *, user: User, brand: str | Workspace) -> Reply:
    """Start a fresh draft after the previous one was rejected."""
    if open_reply(session, mention) is not None:
        raise ReplyStateError("this mention already has a reply in progress")
    mention.status = MentionStatus.needs_reply.value
    return _new_draft(session, mention, brand=brand, actor=user)


def _new_draft(session: Session, mention: Mention, *, brand: str | Workspace, actor: User | None) -> Reply:
    draft = compose_draft(session, mention, brand, agent=actor)  # saved reply, next wording, variables, reason
    text = draft.text
    reply = Reply(mention_id=_id(mention), saved_reply_id=draft.saved_reply_id, text=text,
                  draft_reason=draft.reason, poster=poster_for_network(mention.network))
    session.add(reply)
    session.flush()
    record_event(session, "reply.drafted", actor=actor, mention_id=mention.id, reply_id=reply.id, text=text,
                 saved_reply_id=reply.saved_reply_id)
    if draft.escalation_cues:
        route_to_lead(session, mention, draft.escalation_cues)
    return reply


def confirm_posted(session: Session, reply: Reply, *, user: User, permalink: str | None = None) -> Reply:
    """The operator pasted the reply on the platform by hand and says so."""
    require(reply, Move.confirm_pasted)
    mention = session.get_one(Mention, reply.mention_id)
    mark_posted(session, reply, mention, (permalink or "").strip()[:200] or None, actor=user)
    return reply


def reopen_failed(session: Session, reply: Reply, *, user: User) -> Reply:
    """A failed reply (refused, or not found after an unknown outcome) goes back to draft to be fixed and
    re-approved: re-sending is always a person's decision."""
    require(reply, Move.reopen)
    mention = session.get_one(Mention, reply.mention_id)
    other = open_reply(session, mention)
    if other is not None and other.id != reply.id:
        raise ReplyStateError("this mention already has another reply in progress")
    # Re-sending needs every approval again.
    transition(session, reply, Move.reopen, first_approved_by_id=None, first_approved_at=None)
    mention.status = MentionStatus.needs_reply.value
    record_event(session, "reply.reopened", actor=user, mention_id=reply.mention_id, reply_id=reply.id,
                 previous_error=reply.error)
    reply.error = None
    return reply


def require_status(reply: Reply, *allowed: ReplyStatus) -> None:
    """A precondition of an action that is not a move (an edit of a draft); moves check models.reply_states."""
    if reply.status not in {status.value for status in allowed}:
        names = " or ".join(status.value for status in allowed)
        raise ReplyStateError(f"reply {reply.id} is {reply.status}; this needs {names}")


def require_version(reply: Reply, expected_version: int) -> None:
    if reply.version != expected_version:
        raise StaleReplyError(reply, expected_version)


def clean_text(text: str) -> str:
    cleaned = text.replace("\x00", "").replace("\r\n", "\n").strip()
    if len(cleaned) > MAX_REPLY_LENGTH:
        raise ReplyStateError(f"a reply may be at most {MAX_REPLY_LENGTH} characters")
    return cleaned


def _id(mention: Mention) -> int:
    if mention.id is None:
        raise ValueError("the mention must be flushed before drafting")
    return mention.id
