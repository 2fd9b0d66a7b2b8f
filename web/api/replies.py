"""Reply actions through the responder service, like the queue: four eyes, superseded drafts, and an audit
event for every change."""

from __future__ import annotations

from flask import current_app
from pydantic import Field
from sqlmodel import Session

from inbox.lint import blocking_problems
from models import Reply, Role
from responder.replies.approvals import approval_progress
from responder.replies.service import StaleReplyError, approve, awaiting_second_approval, edit_draft, reject
from web.api.auth import api_user
from web.api.errors import ApiError
from web.api.routing import operation
from web.api.schemas import ApproveReply, ApproveResult, EditReply, RejectReply, ReplyOut
from web.db import db_session
from web.extensions import dispatcher
from web.queue.htmx import allow_self_approval


@operation("PATCH", "/replies/{reply_id}", summary="Edit a draft reply", tag="replies", response=ReplyOut,
           role=Role.agent, body=EditReply, conflicts=True)
def edit_reply(reply_id: int, *, body: EditReply) -> ReplyOut:
    session, reply = _session_and_reply(reply_id)
    try:
        edit_draft(session, reply, body.text, user=api_user(), expected_version=body.version)
    except StaleReplyError:
        raise _stale(session, reply, body.text) from None
    session.commit()
    return ReplyOut.model_validate(reply)


class ApprovalOutcome(ApproveResult):
    """The approval result, with where the reply stands when its source requires two approvals."""

    posting_queued: bool = Field(description="True when the reply is fully approved and was handed to the "
                                 "poster; False when a second approval is still needed or queuing the post failed "
                                 "(the approval stands either way).")
    second_approval_needed: bool = Field(description="True when this was the first of two required approvals: "
                                         "the reply stays a draft until a different approver approves it.")
    approvals: int = Field(description="Approvals the reply's current text has.")
    approvals_required: int = Field(description="1, or 2 when a source of the mention requires a second approval.")


@operation("POST", "/replies/{reply_id}/approve", summary="Approve a draft and queue it for posting",
           tag="replies", response=ApprovalOutcome, role=Role.approver, body=ApproveReply, conflicts=True)
def approve_reply(reply_id: int, *, body: ApproveReply) -> ApprovalOutcome:
    session, reply = _session_and_reply(reply_id)
    blocked = blocking_problems(session, reply, text=body.text)
    if blocked:
        raise ApiError(409, "lint_blocked", "Not approved: " + " ".join(blocked), problems=blocked)
    try:
        approve(session, reply, user=api_user(), expected_version=body.version, text=body.text,
                allow_self_approval=allow_self_approval())
    except StaleReplyError:
        raise _stale(session, reply, body.text if body.text is not None else reply.text) from None
    session.commit()
    progress = approval_progress(session, reply)
    waiting = awaiting_second_approval(reply)
    return ApprovalOutcome(reply=ReplyOut.model_validate(reply), posting_queued=not waiting and _enqueue_post(reply),
                           second_approval_needed=waiting, approvals=progress.given,
                           approvals_required=progress.required)


@operation("POST", "/replies/{reply_id}/reject", summary="Reject a draft or approved reply", tag="replies",
           response=ReplyOut, role=Role.approver, body=RejectReply, conflicts=True)
def reject_reply(reply_id: int, *, body: RejectReply) -> ReplyOut:
    session, reply = _session_and_reply(reply_id)
    reject(session, reply, user=api_user(), note=body.note.strip())
    session.commit()
    return ReplyOut.model_validate(reply)


def _session_and_reply(reply_id: int) -> tuple[Session, Reply]:
    session = db_session()
    reply = session.get(Reply, reply_id)
    if reply is None:
        raise ApiError(404, "not_found", "No such reply.")
    return session, reply


def _stale(session: Session, reply: Reply, submitted: str) -> ApiError:
    session.rollback()
    session.refresh(reply)
    return ApiError(409, "stale_version", "The reply changed since this version; merge and retry.",
                    stored_text=reply.text, submitted_text=submitted, version=reply.version)


def _enqueue_post(reply: Reply) -> bool:
    assert reply.id is not None
    try:
        dispatcher().post_reply(reply.id)
    except Exception:  # the approval is committed; the response says plainly that posting was not queued
        current_app.logger.exception("could not enqueue posting of reply %s", reply.id)
        return False
    return True
