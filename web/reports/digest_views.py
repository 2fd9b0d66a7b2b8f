"""Admins schedule report digests (weekly or monthly email with the PDF): create, edit, enable or disable, and
send a failed delivery again. Every change is audited (reports.digest_store, reports.digest_delivery)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from models import Role
from models.report_digest import DigestFrequency, ReportDigest, ReportDigestDelivery
from reports import service
from reports.digest_delivery import retry_now
from reports.digest_store import DigestInvalid, create, filters_text, set_enabled, update, validate
from reports.request import FILTER_ARGS
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.db import db_session
from web.extensions import app_settings
from web.reports.blueprint import bp

FIELDS = ("name", "frequency", "recipients", "filters", "paper", "enabled")


@bp.route("/digests/new", methods=["GET", "POST"])
@role_required(Role.admin)
def new_digest() -> ResponseReturnValue:
    if request.method == "GET":
        filters = {key: value for key, value in request.args.items() if key in FILTER_ARGS and value}
        return _form(None, {"name": "", "frequency": "weekly", "recipients": "", "filters": urlencode(filters),
                            "paper": "a4", "enabled": "1"})
    session, values = db_session(), _submitted()
    try:
        form = validate(values, lambda args: service.check_filters(session, args))
    except DigestInvalid as error:
        return _form(None, values, errors=error.errors, status=400)
    digest = create(session, form, actor=acting_user())
    session.commit()
    flash(f"Digest {digest.name} saved: it is sent after each {'week' if form.frequency == 'weekly' else 'month'}"
          f"{'' if form.enabled else ' once enabled'}.", "success")
    return redirect(url_for("reports.index", _anchor="digests"))


@bp.route("/digests/<int:digest_id>/edit", methods=["GET", "POST"])
@role_required(Role.admin)
def edit_digest(digest_id: int) -> ResponseReturnValue:
    session, digest = db_session(), _get(digest_id)
    if request.method == "GET":
        return _form(digest, {"name": digest.name, "frequency": digest.frequency,
                              "recipients": ", ".join(digest.recipients), "filters": filters_text(digest),
                              "paper": digest.paper, "enabled": "1" if digest.enabled else ""})
    values = _submitted()
    try:
        form = validate(values, lambda args: service.check_filters(session, args))
    except DigestInvalid as error:
        return _form(digest, values, errors=error.errors, status=400)
    if update(session, digest, form, actor=acting_user()):
        session.commit()
        flash(f"Digest {digest.name} saved.", "success")
    else:
        flash("Nothing changed.", "info")
    return redirect(url_for("reports.index", _anchor="digests"))


@bp.post("/digests/<int:digest_id>/enabled")
@role_required(Role.admin)
def toggle_digest(digest_id: int) -> ResponseReturnValue:
    session, digest = db_session(), _get(digest_id)
    enabled = request.form.get("enabled") == "1"
    if set_enabled(session, digest, enabled, actor=acting_user()):
        session.commit()
    flash(f"Digest {digest.name} {'enabled' if enabled else 'disabled'}.", "success")
    return redirect(url_for("reports.index", _anchor="digests"))


@bp.post("/digests/deliveries/<int:delivery_id>/retry")
@role_required(Role.admin)
def retry_delivery(delivery_id: int) -> ResponseReturnValue:
    session = db_session()
    delivery = session.get(ReportDigestDelivery, delivery_id)
    if delivery is None:
        abort(404, "No such delivery.")
    if delivery.status == "sent":
        flash("That digest was already sent.", "info")
    else:
        retry_now(session, delivery, actor=acting_user())
        session.commit()
        flash("The digest will be sent again within five minutes.", "success")
    return redirect(url_for("reports.index", _anchor="digests"))


def _get(digest_id: int) -> ReportDigest:
    digest = db_session().get(ReportDigest, digest_id)
    if digest is None:
        abort(404, "No such digest.")
    return digest


def _submitted() -> dict[str, str]:
    values = {field: request.form.get(field, "") for field in FIELDS}
    values["enabled"] = "1" if values["enabled"] == "1" else ""
    return values


def _form(digest: ReportDigest | None, values: dict[str, str], *, errors: dict[str, str] | None = None,
          status: int = 200) -> ResponseReturnValue:
    return render_template("reports/digest_form.html", digest=digest, values=values, errors=errors or {},
                           frequencies=list(DigestFrequency), smtp_ready=bool(app_settings().smtp_host)), status
