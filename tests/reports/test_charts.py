"""The server-drawn charts: accessible SVG (role, title, desc), escaped text, sensible axes, and fast."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

from reports.charts import Series, bar_chart, heatmap, line_chart, nice_ticks, percent
from reports.report_charts import report_charts
from tests.reports.sample_report import HOSTILE, sample_report

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314  (our own markup; parsing proves it is well-formed XML)


def test_a_line_chart_is_labelled_for_screen_readers() -> None:
    svg = _parsed(line_chart("c1", title="Mentions over time", description="Per day", x_labels=["a", "b", "c"],
                             series=[Series("Mentions", [1, None, 3]), Series("Other", [2, 2, 2])],
                             y_label="mentions", x_label="day"))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").text == "Mentions over time"  # type: ignore[union-attr]
    assert svg.find(f"{SVG}desc").text == "Per day"  # type: ignore[union-attr]
    texts = [element.text for element in svg.iter(f"{SVG}text")]
    assert "mentions" in texts and "day" in texts and "Mentions" in texts and "Other" in texts
    polylines = list(svg.iter(f"{SVG}polyline"))
    assert len(polylines) == 1 and polylines[0].get("stroke-dasharray") == "6 3"  # the gap splits series 1
    assert len(list(svg.iter(f"{SVG}circle"))) == 2  # markers where there are values


def test_text_is_escaped_and_bars_and_cells_carry_their_value() -> None:
    bars = _parsed(bar_chart("b", title=HOSTILE, description=HOSTILE, labels=[HOSTILE, "refund"], values=[3, 1],
                             compare=[1, 2], value_label="complaints"))
    assert bars.find(f"{SVG}title").text == HOSTILE  # type: ignore[union-attr]
    assert "<script>" not in str(bar_chart("b", title=HOSTILE, description="", labels=[HOSTILE], values=[1],
                                           value_label="x"))
    rect_titles = [t.text for rect in bars.iter(f"{SVG}rect") for t in rect.iter(f"{SVG}title")]
    assert "refund: 1" in rect_titles and "refund, previous period: 2" in rect_titles
    grid = _parsed(heatmap("h", title="Peak", description="d", row_labels=["Mon", "Tue"],
                           column_labels=["00", "01"], values=[[0, 4], [2, 0]], value_name="mentions"))
    cells = [rect for rect in grid.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert [c.find(f"{SVG}title").text for c in cells][1] == "Mon 01: 4 mentions"  # type: ignore[union-attr]
    assert cells[1].get("fill") == "#1f5fbf" and cells[0].get("fill") == "#f2f5fb"  # darkest is the most


def test_ticks_are_round_and_cover_the_values() -> None:
    assert nice_ticks(0, 83) == [0, 25, 50, 75, 100]
    assert nice_ticks(0, 0) == [0, 0.25, 0.5, 0.75, 1.0]
    assert nice_ticks(0, 0.27)[-1] >= 0.27 and percent(0.25) == "25%"


def test_every_chart_of_a_report_sits_beside_a_table_and_is_fast() -> None:
    report = sample_report(days=90)
    started = time.perf_counter()
    charts = report_charts(report)
    elapsed = time.perf_counter() - started
    from reports.tables import report_tables

    keys = {table.key for table in report_tables(report)}
    assert set(charts) <= keys and len(charts) == 9
    assert elapsed < 0.25, f"drawing the charts took {elapsed:.3f}s"
    for markup in charts.values():
        _parsed(markup)


def test_counts_get_whole_number_ticks() -> None:
    assert nice_ticks(0, 1, whole=True) == [0, 1]
    assert nice_ticks(0, 3, whole=True) == [0, 1, 2, 3]
    assert nice_ticks(0, 83, whole=True) == [0, 25, 50, 75, 100]


def test_the_last_x_label_of_a_line_ends_at_the_right_edge_instead_of_being_cut_off() -> None:
    labels = ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
    svg = _parsed(line_chart("c2", title="t", description="d", x_labels=labels, series=[Series("M", [1, 2, 3, 4])],
                             y_label="mentions", x_label="day"))
    anchors = {element.text: element.get("text-anchor") for element in svg.iter(f"{SVG}text")}
    assert anchors["2026-12-04"] == "end" and anchors["2026-12-01"] == "middle"
