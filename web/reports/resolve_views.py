"""The mention page's "Mark resolved" / "Unmark" action (agents and up; audited by reports.resolution)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from models import Mention, Role
from reports.resolution import ResolutionError, mark_resolved, unmark_resolved
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.db import db_session
from web.reports.blueprint import bp


@bp.post("/mentions/<int:mention_id>/resolved")
@role_required(Role.agent)
def resolve(mention_id: int) -> ResponseReturnValue:
    session = db_session()
    mention = session.get(Mention, mention_id)
    if mention is None:
        abort(404, "No such mention.")
    action = request.form.get("action", "")
    if action not in ("mark", "unmark"):
        abort(400, "The form did not say whether to mark or unmark; reload the page.")
    try:
        if action == "mark":
            mark_resolved(session, mention, acting_user())
        else:
            unmark_resolved(session, mention, acting_user())
    except ResolutionError as error:
        session.rollback()
        flash(f"Nothing changed: {error}.", "info")
        return redirect(url_for("queue.mention", mention_id=mention_id))
    session.commit()
    flash("Marked resolved: the reports count it as an issue resolved." if action == "mark"
          else "No longer marked resolved.", "success")
    return redirect(url_for("queue.mention", mention_id=mention_id))
