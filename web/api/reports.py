"""GET /api/v1/reports: the whole report (or some of its tables) for a range and filters, the same arguments and
the same tables as the Reports page and its CSV files."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from reports import service
from reports.request import InvalidReportQuery
from web.api.errors import ApiError
from web.api.routing import operation
from web.api.schemas import Query
from web.db import db_session
from web.extensions import app_settings

Cell = str | int | float | bool | list[int] | None


class ReportQuery(Query):
    range: Literal["today", "last_7", "last_30", "last_90", "this_month", "last_month", "custom"] | None = Field(
        default=None, description="A preset (default last_30), or custom with since and until.")
    since: str | None = Field(default=None, max_length=40,
                              description="First day (YYYY-MM-DD, in the workspace's time zone) or an ISO time.")
    until: str | None = Field(default=None, max_length=40,
                              description="Last day, included (YYYY-MM-DD), or an ISO time (excluded).")
    network: str | None = Field(default=None, max_length=32)
    source: str | None = Field(default=None, max_length=12, description="A source's id.")
    language: str | None = Field(default=None, max_length=8)
    sentiment: Literal["positive", "neutral", "negative"] | None = None
    topic: str | None = Field(default=None, max_length=32)
    complaint: Literal["yes", "no"] | None = None
    question: Literal["yes", "no"] | None = Field(default=None, description="Only mentions that ask something (yes), "
                                                  "or only those that do not (no).")
    rating: Literal["1", "2", "3", "4", "5"] | None = None
    q: str | None = Field(default=None, max_length=200, description="The listening query / search text.")
    tables: str | None = Field(default=None, max_length=1000,
                               description="Comma-separated table keys to return; default all of them.")


class ReportColumnOut(BaseModel):
    key: str
    label: str
    kind: str = Field(description="text, count, share (0..1), net (-1..1), minutes (business minutes), stars, "
                                  "score (-100..100), p_value, mention (an id) or mentions (ids).")


class ReportTableOut(BaseModel):
    key: str = Field(description="Also the name of its CSV file on the Reports page.")
    title: str
    caption: str
    columns: list[ReportColumnOut]
    rows: list[list[Cell]] = Field(description="Raw values; a figure table's kind column says how its row reads.")


class ReportOut(BaseModel):
    workspace: str
    since: str
    until: str = Field(description="Exclusive.")
    previous_since: str
    previous_until: str
    range: str
    range_text: str
    timezone: str
    filters: dict[str, str]
    generated_at: str
    bucket: Literal["hour", "day", "week"]
    headline: list[ReportTableOut]
    tables: list[ReportTableOut]


@operation("GET", "/reports", summary="A reputation report for a range and filters, table by table", tag="reports",
           response=ReportOut, query=ReportQuery)
def report(*, query: ReportQuery) -> ReportOut:
    args = {key: value for key, value in query.model_dump(exclude={"tables"}).items() if value}
    session, settings = db_session(), app_settings()
    try:
        view = service.make_report(session, service.parse(session, args, settings), settings)
    except InvalidReportQuery as error:
        raise ApiError(400, "invalid_request", str(error)) from None
    only = {key.strip() for key in query.tables.split(",") if key.strip()} if query.tables else None
    unknown = (only or set()) - set(view.tables)
    if unknown:
        raise ApiError(400, "invalid_request", f"no table {sorted(unknown)[0]!r}; the tables are "
                                               f"{', '.join(view.tables)}")
    return ReportOut.model_validate(service.report_json(view, only=only))
