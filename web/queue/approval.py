"""Approval rules the responder does not enforce yet: four eyes (an approver may not approve a draft they
edited last unless the workspace allows it), and approving one reply resolves the mention's other drafts.

Kept here until responder.service.edit_draft/approve record and check them (see the report's diff)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import Reply, ReplyStatus, User
from responder.service import ReplyStateError, approve, edit_draft, reject

ALLOW_SELF_APPROVAL_KEY = "EARFUL_ALLOW_SELF_APPROVAL"


class SelfApprovalError(ReplyStateError):
    """The approver is the draft's last editor and the workspace requires a second pair of eyes."""


def save_draft(session: Session, reply: Reply, text: str, *, user: User, expected_version: int) -> Reply:
    edit_draft(session, reply, text, user=user, expected_version=expected_version)
    reply.edited_by_id = user.id
    return reply


def approve_draft(session: Session, reply: Reply, *, user: User, expected_version: int, text: str | None,
                  allow_self_approval: bool) -> Reply:
    """Approve after the four-eyes check, then close the mention's other drafts as superseded."""
    changed = text is not None and normalize(text) != reply.text
    # Only a current draft is compared; anything else gets approve's own state and version errors.
    if reply.status == ReplyStatus.draft.value and reply.version == expected_version and not allow_self_approval:
        check_four_eyes(reply, user, changed=changed)
    approve(session, reply, user=user, expected_version=expected_version, text=text)
    if changed:
        reply.edited_by_id = user.id
    resolve_other_drafts(session, reply, user=user)
    return reply


def check_four_eyes(reply: Reply, user: User, *, changed: bool) -> None:
    if reply.edited_by_id == user.id:
        raise SelfApprovalError("You edited this draft last, so another approver has to approve it.")
    if changed:
        raise SelfApprovalError("Approving with changes would make you the last editor of this reply. "
                                "Save your change and ask another approver, or approve the saved text.")


def resolve_other_drafts(session: Session, approved: Reply, *, user: User) -> list[Reply]:
    statement = select(Reply).where(Reply.mention_id == approved.mention_id, col(Reply.id) != approved.id,
                                    Reply.status == ReplyStatus.draft.value)
    others = list(session.exec(statement).all())
    for other in others:
        reject(session, other, user=user, note=f"superseded: reply {approved.id} was approved")
    return others


def normalize(text: str) -> str:
    """The text as responder stores it, so an unchanged textarea does not count as an edit."""
    return text.replace("\x00", "").replace("\r\n", "\n").strip()
