"""Triage POST handlers (assign, ignore, escalate) and the queue's bulk actions; plain forms, PRG."""

from __future__ import annotations

from collections.abc import Sequence

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session

from inbox.bulk import MAX_SELECTION, BulkResult, bulk_approve, bulk_assign, bulk_ignore, selected_mentions, summary
from inbox.triage import assign, escalate, ignore
from models import Mention, Role, User
from models.row_ids import parse_count, parse_row_id
from web.auth.login import acting_user
from web.auth.redirects import is_local_path
from web.auth.roles import role_required
from web.db import db_session
from web.queue.actions import enqueue_posts
from web.queue.blueprint import bp
from web.queue.htmx import allow_self_approval
from web.queue.views import get_mention


@bp.post("/mentions/<int:mention_id>/assign")
@role_required(Role.agent)
def assign_mention(mention_id: int) -> ResponseReturnValue:
    session = db_session()
    assignee = _user_field(session, "assignee")
    assign(session, get_mention(session, mention_id), assignee, actor=acting_user())
    session.commit()
    flash(f"Assigned to {assignee.email}." if assignee else "Unassigned.", "success")
    return redirect(url_for("queue.mention", mention_id=mention_id))


@bp.post("/mentions/<int:mention_id>/ignore")
@role_required(Role.agent)
def ignore_mention(mention_id: int) -> ResponseReturnValue:
    session = db_session()
    ignore(session, get_mention(session, mention_id), actor=acting_user(), note=request.form.get("note", ""))
    session.commit()
    flash("Mention ignored.", "success")
    return redirect(url_for("queue.mention", mention_id=mention_id))


@bp.post("/mentions/<int:mention_id>/escalate")
@role_required(Role.agent)
def escalate_mention(mention_id: int) -> ResponseReturnValue:
    session = db_session()
    approver = _user_field(session, "approver")
    if approver is None:
        abort(400, "Choose the approver to escalate to.")
    escalate(session, get_mention(session, mention_id), approver, actor=acting_user(),
             note=request.form.get("note", ""))
    session.commit()
    flash(f"Escalated to {approver.email}.", "success")
    return redirect(url_for("queue.mention", mention_id=mention_id))


@bp.post("/queue/bulk")
@role_required(Role.agent)
def bulk() -> ResponseReturnValue:
    session = db_session()
    action = request.form.get("action", "")
    mentions = selected_mentions(session, _selected_ids())
    if action == "assign":
        result, verb = bulk_assign(session, mentions, _user_field(session, "assignee"), actor=acting_user()), "Assigned"
    elif action == "ignore":
        result, verb = bulk_ignore(session, mentions, actor=acting_user(), note=request.form.get("note", "")), "Ignored"
    elif action == "approve":
        result, verb = _bulk_approve(session, mentions), "Approved"
    else:
        abort(400, "Choose what to do with the selected mentions.")
    session.commit()
    _report(verb, result)
    return redirect(_back_to_queue())


def _bulk_approve(session: Session, mentions: Sequence[Mention]) -> BulkResult:
    if not acting_user().has_role(Role.approver):
        abort(403, "Approving needs the approver role or higher.")
    return bulk_approve(session, mentions, _versions(), user=acting_user(), allow_self_approval=allow_self_approval())


def _report(verb: str, result: BulkResult) -> None:
    if result.approved_replies:
        enqueue_posts(result.approved_replies)
    flash(summary(verb, result), "success" if not result.skipped else "error")


def _selected_ids() -> list[int]:
    raw = request.form.getlist("mention")
    if not raw:
        abort(400, "Select at least one mention.")
    ids = [parse_row_id(value) for value in raw]
    if len(raw) > MAX_SELECTION or None in ids:
        abort(400, f"Select between 1 and {MAX_SELECTION} mentions.")
    return sorted({mention_id for mention_id in ids if mention_id is not None})


def _versions() -> dict[int, int]:
    """The draft version each row showed, from fields named version-<mention id>."""
    versions = {}
    for name, value in request.form.items():
        mention_id, version = parse_row_id(name.removeprefix("version-")), parse_count(value)
        if name.startswith("version-") and mention_id is not None and version is not None:
            versions[mention_id] = version
    return versions


def _user_field(session: Session, name: str) -> User | None:
    raw = request.form.get(name, "")
    if not raw:
        return None
    user_id = parse_row_id(raw)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        abort(400, f"Unknown {name}.")
    return user


def _back_to_queue() -> str:
    target = request.form.get("next", "")
    return target if target and is_local_path(target) else url_for("queue.index")
