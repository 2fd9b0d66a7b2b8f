"""Thin admin views over responder.drafting.incident: show the active incident, declare one, end it (PRG)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from models.drafting_aids import Incident
from models.errors import Invalid
from models.topic_store import active_topic_names
from responder.drafting.incident import active_incident, declare, end, incidents, validate
from responder.drafting.intents import LANGUAGES
from web.admin_views import admin_route, found_or_404
from web.auth.login import acting_user
from web.db import db_session
from web.incident.blueprint import bp

FIELDS = ("topic", "notice_url", "alert_id", *(f"reply_{language}" for language in LANGUAGES))


@admin_route(bp, "", methods=("GET", "POST"))
def index() -> ResponseReturnValue:
    if request.method == "GET":
        return _page({**dict.fromkeys(FIELDS, ""), "alert_id": request.args.get("alert", "")[:18]})
    values = {field: request.form.get(field, "") for field in FIELDS}
    session = db_session()
    try:
        spec = validate(topic=values["topic"], notice_url=values["notice_url"], alert_id=values["alert_id"],
                        replies={language: values[f"reply_{language}"] for language in LANGUAGES},
                        topics=active_topic_names(session))
        incident = declare(session, spec, actor=acting_user())
    except Invalid as error:
        return _page(values, errors=error.errors, status=400)
    session.commit()
    flash(f"Incident {incident.id} declared: new drafts for the complaints it covers use its reply.", "success")
    return redirect(url_for("incident.index"))


@admin_route(bp, "/<int:incident_id>/end", methods=("POST",))
def finish(incident_id: int) -> ResponseReturnValue:
    session = db_session()
    incident = found_or_404(session.get(Incident, incident_id), "incident")
    if not end(session, incident, actor=acting_user()):
        abort(409, f"Incident {incident_id} has already ended.")
    session.commit()
    flash(f"Incident {incident_id} ended: new drafts use the saved replies again.", "success")
    return redirect(url_for("incident.index"))


def _page(values: dict[str, str], *, errors: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    session = db_session()
    return render_template("incident/index.html", active=active_incident(session), history=incidents(session),
                           values=values, errors=errors or {}, topics=active_topic_names(session),
                           languages=LANGUAGES), status
