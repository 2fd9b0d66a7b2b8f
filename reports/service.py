"""The report as the page, the API, the CLI and the digests ask for it: from URL-style arguments to a Report and
its renderings (tables, CSV zip, PDF, JSON), with nothing of Flask in it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from listener.platforms import MIXED, NETWORK_NAMES
from models import Source, record_event
from reports.csv_export import table_csv, tables_zip
from reports.pdf import render_pdf
from reports.presentation import Links, ReportView, report_view
from reports.report import build_report
from reports.request import (
    FILTER_ARGS,
    InvalidReportQuery,
    ReportChoices,
    ReportRequest,
    parse_filters,
    parse_request,
)
from reports.table import Table
from settings import Settings

FORMATS = ("pdf", "csv", "json")


def report_choices(session: Session) -> ReportChoices:
    """The networks and sources a filter may name: every network Earful knows and those of configured sources
    (as the queue's filters), without a scan of the mentions."""
    sources = session.exec(select(Source.id, Source.network)).all()
    networks = set(NETWORK_NAMES) | {network for _id, network in sources if network != MIXED}
    return ReportChoices(networks=networks, source_ids={source_id for source_id, _ in sources if source_id})


def source_names(session: Session) -> list[tuple[int, str]]:
    rows = session.exec(select(Source.id, Source.name).order_by(col(Source.name), col(Source.id))).all()
    return [(source_id, name) for source_id, name in rows if source_id is not None]


def parse(session: Session, args: Mapping[str, str], settings: Settings, *,
          now: datetime | None = None) -> ReportRequest:
    """The request the arguments describe (InvalidReportQuery says what is wrong)."""
    unknown = set(args) - {"range", "since", "until", *FILTER_ARGS, "paper", "format", "tables"}
    if unknown:
        raise InvalidReportQuery(f"unknown argument {sorted(unknown)[0]!r}; a report takes range, since, until and "
                                 f"the filters {', '.join(FILTER_ARGS)}")
    return parse_request(args, settings.workspace_timezone, choices=report_choices(session), now=now)


def check_filters(session: Session, args: dict[str, str]) -> dict[str, str]:
    """Digest filters: only filter arguments, each valid; returned as the report would write them back."""
    unknown = set(args) - set(FILTER_ARGS)
    if unknown:
        raise ValueError(f"unknown filter {sorted(unknown)[0]!r}; expected {', '.join(FILTER_ARGS)}")
    return parse_filters(args, report_choices(session)).url_args()


def make_report(session: Session, request: ReportRequest, settings: Settings, *,
                now: datetime | None = None) -> ReportView:
    return report_view(build_report(session, request, settings, now=now), brand=settings.brand_name)


def about_lines(view: ReportView) -> list[str]:
    """What a file cut from the report says about it: the workspace, range, filters and generation time."""
    return [f"{view.brand}: reputation report", f"Range: {view.range_text}",
            f"Compared with: {view.previous_text}", f"Filters: {view.filters_text}",
            f"Generated: {view.generated_text}"]


def file_stem(view: ReportView) -> str:
    request = view.report.request
    first = request.since.astimezone(request.zone).date().isoformat()
    last = request.until.astimezone(request.zone).date().isoformat()
    return f"earful-report-{first}-to-{last}"


def csv_zip(view: ReportView) -> bytes:
    return tables_zip(list(view.tables.values()), about=about_lines(view))


def one_csv(view: ReportView, key: str) -> str:
    table = view.tables.get(key)
    if table is None:
        raise InvalidReportQuery(f"no table {key!r}; the tables are {', '.join(view.tables)}")
    return table_csv(table)


def pdf(view: ReportView, *, paper: str, settings: Settings) -> bytes:
    return render_pdf(view, links=absolute_links(settings), paper=paper)


def absolute_links(settings: Settings) -> Links:
    """Links that open from a PDF or an email: absolute, on PUBLIC_URL; none when it is unset."""
    base = settings.public_url.rstrip("/")
    if not base.startswith(("https://", "http://")):
        return Links()
    return Links(mention=lambda mention_id: f"{base}/mentions/{mention_id}")


def report_json(view: ReportView, *, only: set[str] | None = None) -> dict[str, Any]:
    """The report as JSON-ready data: what it covers, the headline figures and every table (raw values)."""
    request, previous = view.report.request, view.report.previous_request
    tables = [table for table in view.tables.values() if only is None or table.key in only]
    return {
        "workspace": view.brand, "since": request.since.isoformat(), "until": request.until.isoformat(),
        "previous_since": previous.since.isoformat(), "previous_until": previous.until.isoformat(),
        "range": request.preset.value, "range_text": view.range_text, "timezone": request.timezone,
        "filters": request.filters.url_args(), "generated_at": view.report.generated_at.isoformat(),
        "bucket": view.report.bucket.value,
        "headline": [_json_table(view.headline)],
        "tables": [_json_table(table) for table in tables],
    }


def _json_table(table: Table) -> dict[str, Any]:
    return {"key": table.key, "title": table.title, "caption": table.caption,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind.value} for c in table.columns],
            "rows": [[_json_cell(value) for value in row] for row in table.rows]}


def _json_cell(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def export(session: Session, args: Mapping[str, str], settings: Settings, *, fmt: str, paper: str = "a4",
           table: str | None = None, via: str = "cli", now: datetime | None = None) -> bytes:
    """The report in one format, audited (actor: system): pdf, json, or csv (a zip of every table, or one table's
    CSV when `table` is given). InvalidReportQuery for bad arguments."""
    if fmt not in FORMATS:
        raise InvalidReportQuery(f"format must be one of {', '.join(FORMATS)}")
    view = make_report(session, parse(session, args, settings, now=now), settings, now=now)
    if fmt == "pdf":
        body = pdf(view, paper=paper, settings=settings)
    elif fmt == "json":
        body = json.dumps(report_json(view), ensure_ascii=False, indent=2).encode("utf-8")
    else:
        body = one_csv(view, table).encode("utf-8") if table else csv_zip(view)
    request = view.report.request
    details: dict[str, Any] = {"table": table} if table else {}
    record_event(session, "report.exported", format="zip" if fmt == "csv" and not table else fmt, via=via,
                 since=request.since.isoformat(), until=request.until.isoformat(), range=request.preset.value,
                 filters=request.filters.url_args(), **details)
    return body
