"""State-changing reply actions: thin POST handlers that call the responder service and redirect (PRG)."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session

from inbox.lint import blocking_problems
from inbox.queue.detail import Conflict
from models import Reply, Role
from responder.drafting.variables import Workspace
from responder.replies.service import (
    ReplyStateError,
    StaleReplyError,
    approve,
    awaiting_second_approval,
    confirm_posted,
    edit_draft,
    redraft,
    reject,
)
from responder.replies.undo import approve_with_undo, undo_approval
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.db import db_session
from web.extensions import app_settings, dispatcher
from web.queue.blueprint import bp
from web.queue.htmx import allow_self_approval, wants_partial
from web.queue.reply_forms import form_version, session_and_reply
from web.queue.views import get_mention, render_mention, render_reply_section

REPLY_SECTION = "reply"


@bp.post("/replies/<int:reply_id>/save")
@role_required(Role.agent)
def save_reply(reply_id: int) -> ResponseReturnValue:
    session, reply = session_and_reply(reply_id)
    text = request.form.get("text", "")
    try:
        edit_draft(session, reply, text, user=acting_user(), expected_version=form_version())
    except StaleReplyError:
        return _stale(session, reply, text)
    session.commit()
    if wants_partial(REPLY_SECTION):
        return render_reply_section(session, get_mention(session, reply.mention_id), notice="Draft saved.")
    flash("Draft saved.", "success")
    return _back_to(reply)


@bp.post("/replies/<int:reply_id>/approve")
@role_required(Role.approver)
def approve_reply(reply_id: int) -> ResponseReturnValue:
    session, reply = session_and_reply(reply_id)
    text = request.form.get("text", "")
    if wants_partial(REPLY_SECTION):
        return _approve_held(session, reply, text)
    blocked = blocking_problems(session, reply, text=text)
    if blocked:
        flash("Not approved: " + " ".join(blocked), "error")
        return _back_to(reply)
    try:
        approve(session, reply, user=acting_user(), expected_version=form_version(), text=text,
                allow_self_approval=allow_self_approval())
    except StaleReplyError:
        return _stale(session, reply, text)
    session.commit()
    if awaiting_second_approval(reply):
        flash("First approval recorded (1 of 2 approvals). Another approver has to give the second one before "
              "it is posted.", "success")
    else:
        _enqueue_post(reply)
    return _back_to(reply)


def _approve_held(session: Session, reply: Reply, text: str) -> ResponseReturnValue:
    """The page's Approve with JavaScript (the button, or `a`): approved with an undo window, the reply section
    shows what will be posted and an Undo button; the posting task waits for the window to end. The plain form
    (no JavaScript) keeps posting at once: it is a deliberate click on "Approve and post", with no single key
    that can fire it by accident, and a page without script could not count the window down."""
    mention = get_mention(session, reply.mention_id)
    blocked = blocking_problems(session, reply, text=text)
    if blocked:
        return render_reply_section(session, mention, error="Not approved: " + " ".join(blocked))
    try:
        approve_with_undo(session, reply, user=acting_user(), expected_version=form_version(), text=text,
                          allow_self_approval=allow_self_approval())
    except StaleReplyError:
        return _stale(session, reply, text)
    except ReplyStateError as error:
        session.rollback()
        return render_reply_section(session, mention, error=str(error))
    session.commit()
    if awaiting_second_approval(reply):
        return render_reply_section(session, mention, notice="First approval recorded (1 of 2 approvals).")
    if not enqueue_posts([reply.id] if reply.id is not None else []):
        return render_reply_section(session, mention, error="Approved, but queuing it for posting failed; the "
                                    "reconciler queues it again once the worker's broker answers.")
    return render_reply_section(session, mention)


@bp.post("/replies/<int:reply_id>/undo")
@role_required(Role.approver)
def undo_reply(reply_id: int) -> ResponseReturnValue:
    """Undo a held approval: back to a draft, audited; too late once the window is over."""
    session, reply = session_and_reply(reply_id)
    undone = undo_approval(session, reply_id, user=acting_user())
    session.commit()
    mention = get_mention(session, reply.mention_id)
    message = ("Approval undone: the reply is a draft again." if undone else
               "Too late to undo: the undo window is over and the reply is being posted.")
    if wants_partial(REPLY_SECTION):
        return render_reply_section(session, mention, notice=message if undone else None,
                                    error=None if undone else message)
    flash(message, "success" if undone else "error")
    return _back_to(reply)


@bp.post("/replies/<int:reply_id>/reject")
@role_required(Role.approver)
def reject_reply(reply_id: int) -> ResponseReturnValue:
    session, reply = session_and_reply(reply_id)
    reject(session, reply, user=acting_user(), note=request.form.get("note", "").strip())
    session.commit()
    flash("Reply rejected. Start a new draft when you are ready.", "success")
    return _back_to(reply)


@bp.post("/replies/<int:reply_id>/confirm")
@role_required(Role.agent)
def confirm_reply(reply_id: int) -> ResponseReturnValue:
    session, reply = session_and_reply(reply_id)
    confirm_posted(session, reply, user=acting_user(), permalink=request.form.get("permalink"))
    session.commit()
    flash("Marked as posted.", "success")
    return _back_to(reply)


@bp.post("/mentions/<int:mention_id>/redraft")
@role_required(Role.agent)
def redraft_reply(mention_id: int) -> ResponseReturnValue:
    session = db_session()
    mention = get_mention(session, mention_id)
    redraft(session, mention, user=acting_user(), brand=Workspace.from_settings(app_settings()))
    session.commit()
    flash("New draft created.", "success")
    return redirect(url_for("queue.mention", mention_id=mention_id))


def _stale(session: Session, reply: Reply, submitted: str) -> ResponseReturnValue:
    session.rollback()
    session.refresh(reply)
    conflict = Conflict(stored_text=reply.text, submitted_text=submitted)
    if wants_partial(REPLY_SECTION):
        return render_reply_section(session, get_mention(session, reply.mention_id), conflict=conflict, status=409)
    return render_mention(session, get_mention(session, reply.mention_id), conflict=conflict, status=409)


def _enqueue_post(reply: Reply) -> None:
    assert reply.id is not None
    if enqueue_posts([reply.id]):
        flash("Reply approved and queued for posting.", "success")


def enqueue_posts(reply_ids: list[int]) -> bool:
    """Hand committed approvals to the poster; False (and an error shown) when any could not be queued."""
    failed = []
    for reply_id in reply_ids:
        try:
            dispatcher().post_reply(reply_id)
        except Exception:  # the approval is committed; say plainly that posting was not queued
            current_app.logger.exception("could not enqueue posting of reply %s", reply_id)
            failed.append(reply_id)
    if failed:
        flash("Reply approved, but queuing it for posting failed (is the worker's broker down?). The reconciler "
              "queues it again within about 12 minutes once the broker answers; tell an administrator if it "
              f"stays approved (reply {', '.join(map(str, failed))}).", "error")
    return not failed


def _back_to(reply: Reply) -> ResponseReturnValue:
    return redirect(url_for("queue.mention", mention_id=reply.mention_id))
