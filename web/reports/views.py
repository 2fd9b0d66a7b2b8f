"""Thin views over reports.service: the page, one table's CSV, the zip of every CSV and the PDF; exports audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session

from models import Role, record_event
from reports import service
from reports.digest_store import list_digests
from reports.pdf import PAPERS, PdfUnavailable, render_pdf
from reports.presentation import Links, ReportView
from reports.request import PRESET_LABELS, SENTIMENTS, InvalidReportQuery, ReportRequest
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.db import db_session
from web.extensions import app_settings
from web.reports.blueprint import bp


@bp.get("")
@role_required(Role.viewer)
def index() -> ResponseReturnValue:
    session = db_session()
    args = _report_args()
    try:
        report_request = service.parse(session, args, app_settings())
    except InvalidReportQuery as error:
        return _page(session, None, args, error=str(error)), 400
    canonical = report_request.url_args()
    if request.args and request.args.to_dict() != canonical:
        # The form sends every field, empty or not, and the dates with a preset: keep the address shareable.
        return redirect(f"{url_for('reports.index')}?{urlencode(canonical)}")
    view = service.make_report(session, report_request, app_settings())
    return _page(session, view, args)


@bp.get("/export.zip")
@role_required(Role.viewer)
def export_zip() -> ResponseReturnValue:
    session, view = db_session(), _view_or_400()
    body = service.csv_zip(view)
    _audit(session, view, "zip")
    return _download(body, "application/zip", f"{service.file_stem(view)}.zip")


@bp.get("/<key>.csv")
@role_required(Role.viewer)
def export_table(key: str) -> ResponseReturnValue:
    session, view = db_session(), _view_or_400()
    try:
        body = service.one_csv(view, key)
    except InvalidReportQuery as error:
        abort(404, str(error))
    _audit(session, view, "csv", table=key)
    return _download(body.encode("utf-8"), "text/csv; charset=utf-8", f"{service.file_stem(view)}-{key}.csv")


@bp.get("/report.pdf")
@role_required(Role.viewer)
def export_pdf() -> ResponseReturnValue:
    paper = request.args.get("paper", "a4")
    if paper not in PAPERS:
        abort(400, f"paper must be one of {', '.join(PAPERS)}")
    session, view = db_session(), _view_or_400()
    try:
        body = render_pdf(view, links=_page_links(view, absolute=True), paper=paper)
    except PdfUnavailable as error:
        abort(503, str(error))
    _audit(session, view, "pdf", paper=paper)
    return _download(body, "application/pdf", f"{service.file_stem(view)}-{paper}.pdf")


def _report_args() -> dict[str, str]:
    """The report's own arguments (the paper size is the PDF link's, not the report's)."""
    return {name: value for name, value in request.args.items() if name != "paper" and value.strip()}


def _view_or_400() -> ReportView:
    session = db_session()
    try:
        report_request = service.parse(session, _report_args(), app_settings())
    except InvalidReportQuery as error:
        abort(400, str(error))
    return service.make_report(session, report_request, app_settings())


def _page(session: Session, view: ReportView | None, args: dict[str, str], *, error: str | None = None) -> str:
    report_request = view.report.request if view else None
    digests = list_digests(session) if acting_user().has_role(Role.admin) else None
    return render_template(
        "reports/index.html", view=view, error=error, form=_form_values(report_request, args),
        links=_page_links(view) if view else Links(), presets=PRESET_LABELS, sentiments=SENTIMENTS,
        networks=sorted(service.report_choices(session).networks or ()), sources=service.source_names(session),
        query=report_request.url_args() if report_request else args, digests=digests)


def _form_values(report_request: ReportRequest | None, args: dict[str, str]) -> dict[str, Any]:
    """What the form shows: the request as understood, or what was typed when it could not be understood."""
    if report_request is None:
        return dict(args)
    values: dict[str, Any] = {**report_request.filters.url_args(), "range": report_request.preset.value}
    zone = report_request.zone
    values["since"] = report_request.since.astimezone(zone).date().isoformat()
    values["until"] = (report_request.until.astimezone(zone) - timedelta(microseconds=1)).date().isoformat()
    return values


def _page_links(view: ReportView | None, *, absolute: bool = False) -> Links:
    if absolute:
        settings = app_settings()
        if settings.public_url:
            return service.absolute_links(settings)
        prefix = url_for("queue.mention", mention_id=0, _external=True).removesuffix("0")
        return Links(mention=lambda mention_id: f"{prefix}{mention_id}")
    prefix = url_for("queue.mention", mention_id=0).removesuffix("0")
    query = urlencode(view.report.request.url_args()) if view else ""
    return Links(mention=lambda mention_id: f"{prefix}{mention_id}",
                 csv=lambda key: f"{url_for('reports.export_table', key=key)}?{query}")


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _audit(session: Session, view: ReportView, kind: str, **details: Any) -> None:
    request_ = view.report.request
    record_event(session, "report.exported", actor=acting_user(), format=kind, since=request_.since.isoformat(),
                 until=request_.until.isoformat(), range=request_.preset.value, filters=request_.filters.url_args(),
                 **details)
    session.commit()
