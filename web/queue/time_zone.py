"""The account page's time-zone setting (web.timefmt shows every time in it; SessionUser.time_zone hands it over)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from inbox.queue.time_zone import set_time_zone, zone_names
from models.errors import Invalid
from web.auth.login import acting_user
from web.db import db_session
from web.extensions import app_settings
from web.queue.blueprint import bp


@bp.app_template_global("time_zone_choices")
def time_zone_choices() -> tuple[str, ...]:
    return zone_names()


@bp.app_template_global("workspace_time_zone")
def workspace_time_zone() -> str:
    return app_settings().workspace_timezone


@bp.post("/account/time-zone")
def save_time_zone() -> ResponseReturnValue:
    session = db_session()
    try:
        changed = set_time_zone(session, acting_user(), request.form.get("time_zone", ""))
    except Invalid as error:
        session.rollback()
        flash(error.errors["time_zone"], "error")
        return redirect(url_for("auth.account"))
    session.commit()
    if changed:
        flash("Time zone saved; times are shown in it.", "success")
    return redirect(url_for("auth.account"))

