"""GET /settings for admins: read-only; settings change in the environment (.env), not here."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlmodel import Session, col, func, select

from models import Mention, Role
from web.auth.roles import role_required
from web.db import db_session
from web.extensions import app_settings
from web.workspace_settings.blueprint import bp
from web.workspace_settings.redaction import setting_rows


@bp.get("")
@role_required(Role.admin)
def index() -> ResponseReturnValue:
    # Imported here, not at the top: the queue's processes never load the sentiment package; this admin page
    # needs only its light parts (numpy metrics, the committed metrics.json), never torch or the model.
    from sentiment.correction_eval import corrected_sample, evaluate
    from sentiment.model_info import model_info

    settings, session = app_settings(), db_session()
    return render_template("workspace_settings/index.html", rows=setting_rows(settings),
                           model=model_info(settings.sentiment_model), scored_by=scored_by(session),
                           report=evaluate(corrected_sample(session)))


def scored_by(session: Session) -> list[tuple[str, str, int]]:
    """Which model versions judged the stored mentions, and how many each: what is really in use."""
    statement = (select(Mention.model_name, Mention.model_version, func.count())
                 .where(col(Mention.model_name).is_not(None))
                 .group_by(col(Mention.model_name), col(Mention.model_version)).order_by(func.count().desc()))
    return [(name or "", version or "", int(count)) for name, version, count in session.exec(statement)]
