"""What the page, the PDF and the email show of a report: its tables, charts and header lines, and the Jinja
environment that renders the print template (the page renders the same section macros through Flask)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from reports.report import Movement, Report, TestKind
from reports.report_charts import report_charts
from reports.table import Cell, Kind, Table, cell_kinds, change_text, display, displayed_rows, visible_columns
from reports.tables import headline_table, movement_kind, report_tables, series_table

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEST_NAMES = {TestKind.poisson: "exact binomial test on the two counts (Poisson)",
              TestKind.two_proportion: "two-proportion z test"}

# The tables over time: in the PDF their charts stand alone and one "Figures by day" table holds them all.
# The tables over time: in the PDF their charts stand alone and one "Figures by day" table holds them all.
SERIES_KEYS = ("volume_over_time", "sentiment_over_time", "complaints_over_time", "ratings_over_time")
MentionUrl = Callable[[int], str | None]


@dataclass(frozen=True)
class Links:
    """Where the rendered report links to: a mention's page (None: no link, e.g. a PDF without PUBLIC_URL), and
    on the page, each table's CSV."""

    mention: MentionUrl = field(default=lambda _mention_id: None)
    csv: Callable[[str], str] | None = None


@dataclass(frozen=True)
class ReportView:
    report: Report
    brand: str
    tables: dict[str, Table]
    charts: dict[str, Markup]
    headline: Table

    @property
    def range_text(self) -> str:
        return self.report.request.describe_range()

    @property
    def previous_text(self) -> str:
        return self.report.previous_request.describe_range().split(": ", 1)[-1]

    @property
    def filters(self) -> list[tuple[str, str]]:
        return self.report.request.filters.describe()

    @property
    def filters_text(self) -> str:
        return "; ".join(f"{label}: {value}" for label, value in self.filters) or "no filters (everything heard)"

    @property
    def generated_text(self) -> str:
        return generated_label(self.report.generated_at, self.report.request.zone.key)

    def rows(self, table: Table) -> list[list[tuple[str, Cell, Kind]]]:
        return displayed_rows(table)

    def visible(self, table: Table) -> list[int]:
        return visible_columns(table)

    def numeric(self, table: Table, index: int) -> bool:
        """Whether a column holds numbers (right-aligned), also where each row says its own kind."""
        kinds = {cell_kinds(table, row)[index] for row in table.rows} or {table.columns[index].kind}
        return not kinds & {Kind.text, Kind.mentions}

    def headline_cards(self) -> list[dict[str, str]]:
        cards = []
        for name, kind, current, previous in self.headline.rows:
            cards.append({"name": name, "value": display(current, Kind(kind)),
                          "previous": display(previous, Kind(kind)),
                          "change": change_text(current, previous, Kind(kind))})
        return cards

    def test_name(self, kind: TestKind) -> str:
        return TEST_NAMES[kind]

    def movement_values(self, movement: Movement) -> tuple[str, str]:
        kind = movement_kind(movement)
        return display(movement.previous, kind), display(movement.current, kind)


def report_view(report: Report, *, brand: str) -> ReportView:
    tables = {table.key: table for table in report_tables(report)}
    return ReportView(report, brand, tables, report_charts(report), headline_table(report))


def generated_label(at: datetime, zone_name: str) -> str:
    return at.astimezone(ZoneInfo(zone_name)).strftime(f"%Y-%m-%d %H:%M ({zone_name})")


@lru_cache(maxsize=1)
def print_environment() -> Environment:
    """The Jinja environment for the PDF and the email, outside Flask (the CLI and the worker use it too)."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                              trim_blocks=True, lstrip_blocks=True)
    return environment


def print_html(view: ReportView, *, links: Links, paper: str) -> str:
    template = print_environment().get_template("reports/print.html")
    series = series_table(view.report)
    pictures = replace(view, tables={**view.tables, series.key: series},
                       charts={key: chart_image(chart) for key, chart in view.charts.items()})
    return template.render(view=pictures, links=links, paper=paper, styles=(TEMPLATES / "reports" / "print.css")
                           .read_text(encoding="utf-8"), compact=SERIES_KEYS)


def chart_image(svg: Markup) -> Markup:
    """An inline SVG as an <img> of a data: URL, for the PDF: WeasyPrint draws an image's SVG on its own instead
    of running the page's CSS cascade over every shape (the PDF renders in about half the time). The alt text is
    the chart's title and description."""
    text = str(svg)
    title = _between(text, "-title\">", "</title>")
    description = _between(text, "-desc\">", "</desc>")
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    # title and description are taken from the escaped SVG, so they are already escaped for an attribute.
    return Markup(f'<img src="data:image/svg+xml;base64,{encoded}" alt="{title}. {description}">')  # noqa: S704


def _between(text: str, start: str, end: str) -> str:
    first = text.find(start)
    if first < 0:
        return ""
    first += len(start)
    return text[first:text.find(end, first)].replace('"', "&quot;")
