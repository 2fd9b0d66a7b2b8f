"""The relabel form's handler (PRG) and what the form shows: the staff label, who set it, the model's judgement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from models import Correction, Mention, Role, User
from models.correction import latest_correction
from models.topic_store import active_topic_names
from responder.drafting import COMPLAINT_THRESHOLD
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.corrections.blueprint import bp
from web.corrections.service import InvalidCorrection, correct_mention, parse_relabel
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


def relabel_panel(mention: Mention) -> RelabelPanel:
    session = db_session()
    correction = latest_correction(session, mention.id) if mention.id is not None else None
    by = session.get(User, correction.user_id) if correction and correction.user_id else None
    complaint = None if mention.complaint is None else mention.complaint >= COMPLAINT_THRESHOLD
    return RelabelPanel(mention.sentiment, complaint, list(mention.topics or []), correction,
                        by.email if by else None, topic_choices=tuple(active_topic_names(session)))


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
    changed = correct_mention(session, mention, labels, actor=acting_user(), brand=app_settings().brand_name)
    session.commit()
    flash("Labels saved; the queue now uses them." if changed else "Those are already the labels.",
          "success" if changed else "info")
    return redirect(url_for("queue.mention", mention_id=mention_id))
