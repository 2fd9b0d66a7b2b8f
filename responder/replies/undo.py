"""Approving with an undo window: the approval is committed with `post_after` a few seconds ahead, the posting
worker claims the reply only after it (responder.replies.posting.hold_over), and until then the approver may take
it back to a draft. Exactly-once posting is unchanged: the claim and the undo are conditional UPDATEs with
opposite conditions on the window, so at most one of them wins."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlmodel import Session, col

from models import Reply, ReplyStatus, User, record_event
from models.base import utcnow
from models.reply_states import ON_ITS_WAY, Move, transition
from responder.replies.service import approve

UNDO_SECONDS = 10  # the server's window; the page offers Undo for 8 of them, the rest absorbs a slow click
FOLLOW_SECONDS = 60


def approve_with_undo(session: Session, reply: Reply, *, user: User, expected_version: int, text: str | None,
                      allow_self_approval: bool, seconds: float = UNDO_SECONDS) -> Reply:
    """approve(), and when the reply is approved (not only a first approval), hold it for `seconds`."""
    approve(session, reply, user=user, expected_version=expected_version, text=text,
            allow_self_approval=allow_self_approval)
    if reply.approved_by_id is not None and reply.status == ReplyStatus.approved.value:
        reply.post_after = utcnow() + timedelta(seconds=seconds)
        session.add(reply)
        session.flush()
    return reply


def undo_approval(session: Session, reply_id: int, *, user: User) -> Reply | None:
    """Back to a draft while the window runs; None when it is over (the worker may already be posting it)."""
    reply = transition(session, reply_id, Move.undo_approve, when=col(Reply.post_after) > utcnow(),
                       post_after=None, approved_by_id=None, approved_at=None)
    if reply is None:
        return None
    record_event(session, "reply.approval_undone", actor=user, mention_id=reply.mention_id, reply_id=reply.id,
                 text=reply.text, version=reply.version)
    return reply


def undo_seconds_left(reply: Reply) -> int:
    """Whole seconds left of an approved reply's undo window (0: none running, or over)."""
    if reply.status != ReplyStatus.approved.value or reply.post_after is None:
        return 0
    return max(0, math.ceil((reply.post_after - utcnow()).total_seconds()))


def just_released(reply: Reply, *, within: float = FOLLOW_SECONDS) -> bool:
    """Its undo window ended lately and it is still on its way: the page that approved it follows it for a while."""
    if reply.post_after is None or reply.status not in ON_ITS_WAY:
        return False
    return 0 <= (utcnow() - reply.post_after).total_seconds() < within
