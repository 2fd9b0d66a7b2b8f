"""Drafting actions on the mention page: fill in prompted fields (and sign {agent}), ask the model to rewrite,
pick another saved reply by hand."""

from __future__ import annotations

import httpx
from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from models import Mention, Reply, Role, SavedReply
from models.row_ids import parse_row_id
from responder.drafting.assist import assist_draft
from responder.drafting.filling import fill_in
from responder.drafting.llm import LlmConfig
from responder.drafting.picking import SavedReplyUnavailable, use_saved_reply
from responder.drafting.variables import Workspace
from responder.replies.service import StaleReplyError
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.extensions import app_settings
from web.formatting import untrusted_plain
from web.queue.reply_forms import form_version, session_and_reply
from web.saved_replies.blueprint import bp

STALE = "Someone changed this draft since you loaded it; nothing was changed. Check the new text and try again."


@bp.post("/replies/<int:reply_id>/fill")
@role_required(Role.agent)
def fill_reply(reply_id: int) -> ResponseReturnValue:
    session, reply = session_and_reply(reply_id)
    labels, values = request.form.getlist("label"), request.form.getlist("value")
    if len(labels) != len(values):
        abort(400, "The form's fields do not pair up; reload the page.")
    try:
        still = fill_in(session, reply, dict(zip(labels, values, strict=True)), user=acting_user(),
                        expected_version=form_version())
    except StaleReplyError:
        session.rollback()
        flash(STALE, "error")
        return _back_to(reply)
    session.commit()
    if still:
        flash("Saved what you filled in. Still to fill before approval: " + ", ".join(still) + ".", "info")
    else:
        flash("Filled in. The draft is ready for approval.", "success")
    return _back_to(reply)


@bp.post("/replies/<int:reply_id>/assist")
@role_required(Role.agent)
def assist_reply(reply_id: int) -> ResponseReturnValue:
    config = LlmConfig.from_settings(app_settings())
    if config is None:
        abort(404, "Generative drafting is off (LLM_BASE_URL is not set).")
    session, reply = session_and_reply(reply_id)
    mention = session.get_one(Mention, reply.mention_id)
    try:
        with httpx.Client() as client:
            generated = assist_draft(session, reply, mention, config=config, client=client, user=acting_user(),
                                     expected_version=form_version(), brand=app_settings().brand_name)
    except StaleReplyError:
        session.rollback()
        flash(STALE, "error")
        return _back_to(reply)
    session.commit()
    if generated.used_model:
        flash("The draft was rewritten by the model. Read it before it goes to approval.", "success")
    else:
        flash("The draft was not changed: " + generated.reason + ".", "error")
    return _back_to(reply)


@bp.post("/replies/<int:reply_id>/use-saved-reply")
@role_required(Role.agent)
def pick_saved_reply(reply_id: int) -> ResponseReturnValue:
    session, reply = session_and_reply(reply_id)
    saved_reply_id = parse_row_id(request.form.get("saved_reply_id"))
    if saved_reply_id is None:
        abort(400, "Pick a saved reply from the list.")
    saved = session.get(SavedReply, saved_reply_id)
    if saved is None:
        abort(400, "That saved reply no longer exists; reload the page and pick another one.")
    try:
        use_saved_reply(session, reply, saved, user=acting_user(), expected_version=form_version(),
                        workspace=Workspace.from_settings(app_settings()))
    except StaleReplyError:
        session.rollback()
        flash(STALE, "error")
        return _back_to(reply)
    except SavedReplyUnavailable as error:
        session.rollback()
        flash(str(error) + " Nothing was changed.", "error")
        return _back_to(reply)
    name = saved.name
    session.commit()
    flash(f"The draft now uses the saved reply '{untrusted_plain(name)}'. Check it before it goes to approval.",
          "success")
    return _back_to(reply)


def _back_to(reply: Reply) -> ResponseReturnValue:
    return redirect(url_for("queue.mention", mention_id=reply.mention_id) + "#reply")
