"""The relabel form's handler (PRG) and what the form shows: the staff label, who set it, the model's judgement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from inbox.corrections import (
    InvalidCorrection,
    apology_to_withdraw,
    correct_mention,
    current_labels,
    parse_relabel,
    withdraw_apology,
)
from models import Correction, Mention, Reply, Role, User
from models.correction import latest_correction
from models.row_ids import parse_count, parse_row_id
from models.topic_store import active_topic_names
from responder.drafting.variables import Workspace
from responder.replies.service import StaleReplyError
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.corrections.blueprint import bp
from web.db import db_session
from web.extensions import app_settings
from web.queue.views import get_mention


@dataclass(frozen=True)
class RelabelPanel:
    """The form's current values (the mention's labels, staff or model) and the latest correction, if any."""

    sentiment: str | None
    complaint: bool | None
    topics: list[str]
    correction: Correction | None
    corrected_by: str | None
    sentiments: tuple[str, ...] = ("negative", "neutral", "positive")
    topic_choices: tuple[str, ...] = ()
    withdrawable: Reply | None = None  # an apology drafted before staff said it is not a complaint


def relabel_panel(mention: Mention) -> RelabelPanel:
    session = db_session()
    correction = latest_correction(session, mention.id) if mention.id is not None else None
    by = session.get(User, correction.user_id) if correction and correction.user_id else None
    labels = current_labels(mention)
    return RelabelPanel(labels.sentiment, labels.complaint, list(labels.topics), correction,
                        by.email if by else None, topic_choices=tuple(active_topic_names(session)),
                        withdrawable=apology_to_withdraw(session, mention, correction))


@bp.app_context_processor
def _panel() -> dict[str, Any]:
    return {"relabel_panel": relabel_panel}


@bp.post("/mentions/<int:mention_id>/relabel")
@role_required(Role.agent)
def relabel(mention_id: int) -> ResponseReturnValue:
    session = db_session()
    mention = get_mention(session, mention_id)
    try:
        labels = parse_relabel(request.form.get("sentiment", ""), request.form.get("complaint", ""),
                               request.form.getlist("topic"), active_topic_names(session))
    except InvalidCorrection as error:
        abort(400, str(error))
    changed = correct_mention(session, mention, labels, actor=acting_user(),
                              brand=Workspace.from_settings(app_settings()))  # a new draft fills every variable
    session.commit()
    flash("Labels saved; the queue now uses them." if changed else "Those are already the labels.",
          "success" if changed else "info")
    if changed and apology_to_withdraw(session, mention, changed) is not None:
        flash("The draft still apologises for a complaint; withdraw it under Labels if it should not go out.", "info")
    return redirect(url_for("queue.mention", mention_id=mention_id))


@bp.post("/mentions/<int:mention_id>/withdraw-draft")
@role_required(Role.agent)
def withdraw_draft(mention_id: int) -> ResponseReturnValue:
    session = db_session()
    mention = get_mention(session, mention_id)
    reply_id, version = parse_row_id(request.form.get("reply_id")), parse_count(request.form.get("version"))
    if reply_id is None or version is None:
        abort(400, "The form did not say which draft to withdraw; reload the page.")
    try:
        withdrawn = withdraw_apology(session, mention, actor=acting_user(), reply_id=reply_id,
                                     expected_version=version)
    except StaleReplyError:
        session.rollback()
        flash("Someone changed the draft since you loaded the page; nothing was withdrawn. Check it again.", "error")
        return redirect(url_for("queue.mention", mention_id=mention_id))
    session.commit()
    flash("The draft was withdrawn." if withdrawn else "There is no apology draft to withdraw any more.",
          "success" if withdrawn else "info")
    return redirect(url_for("queue.mention", mention_id=mention_id))
