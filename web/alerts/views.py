"""Thin views over alerts.incidents: the alerts (open first) with their evidence, one alert's page, and what staff
do about one (acknowledge, mute for a time, resolve): POST forms with CSRF, then back to where they were (PRG)."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from alerts.incidents import IncidentError, acknowledge, list_alerts, mute, resolve
from models import Role
from models.alert_rule import Alert
from web.alerts.badge import badge_cache, open_alerts_badge
from web.alerts.blueprint import bp
from web.alerts.present import MUTE_CHOICES, present
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.db import db_session

LIST_LIMIT = 100


@bp.app_context_processor
def _badge() -> dict[str, object]:
    return {"alerts_badge": open_alerts_badge}  # called by base.html only for signed-in users


@bp.get("")
@role_required(Role.viewer)
def index() -> ResponseReturnValue:
    session = db_session()
    return render_template("alerts/index.html", alerts=present(session, list_alerts(session, limit=LIST_LIMIT)),
                           mute_choices=MUTE_CHOICES)


@bp.get("/<int:alert_id>")
@role_required(Role.viewer)
def show(alert_id: int) -> ResponseReturnValue:
    session = db_session()
    alert = session.get(Alert, alert_id)
    if alert is None:
        abort(404, "No such alert.")
    [view] = present(session, [alert])
    return render_template("alerts/show.html", item=view, mute_choices=MUTE_CHOICES)


@bp.post("/<int:alert_id>/acknowledge")
@role_required(Role.agent)
def acknowledge_alert(alert_id: int) -> ResponseReturnValue:
    return _act(alert_id, lambda: acknowledge(db_session(), alert_id, actor=acting_user()), "acknowledged")


@bp.post("/<int:alert_id>/mute")
@role_required(Role.agent)
def mute_alert(alert_id: int) -> ResponseReturnValue:
    raw = request.form.get("minutes", "")
    if raw not in {str(minutes) for minutes, _ in MUTE_CHOICES} | {"0"}:
        abort(400, "The form did not say for how long to mute; reload the page.")
    minutes = int(raw)
    done = "unmuted" if minutes == 0 else f"muted for {dict(MUTE_CHOICES)[minutes]}"
    return _act(alert_id, lambda: mute(db_session(), alert_id, minutes=minutes, actor=acting_user()), done)


@bp.post("/<int:alert_id>/resolve")
@role_required(Role.agent)
def resolve_alert(alert_id: int) -> ResponseReturnValue:
    return _act(alert_id, lambda: resolve(db_session(), alert_id, actor=acting_user()), "resolved")


def _act(alert_id: int, action: Callable[[], object], done: str) -> ResponseReturnValue:
    session = db_session()
    if session.get(Alert, alert_id) is None:
        abort(404, "No such alert.")
    try:
        action()
    except IncidentError as error:
        session.rollback()
        flash(f"Alert {alert_id}: {error}.", "error")
    else:
        session.commit()
        badge_cache().forget()
        flash(f"Alert {alert_id} {done}.", "success")
    if request.form.get("back") == "show":
        return redirect(url_for("alerts.show", alert_id=alert_id))
    return redirect(url_for("alerts.index", _anchor=f"alert-{alert_id}"))
