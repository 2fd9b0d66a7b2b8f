"""Tables, CSV and the print template from one hand-made report: formatting, the formula guard, and what every
PDF page's margin boxes carry."""

from __future__ import annotations

import csv
import io
import zipfile

from reports.csv_export import table_csv, tables_zip
from reports.presentation import Links, print_html, report_view
from reports.table import Kind, change_text, display, duration, raw
from reports.tables import headline_table, report_tables
from tests.reports.sample_report import HOSTILE, sample_report


def test_cells_read_as_people_expect() -> None:
    assert display(None, Kind.number) == "—" and display(1234, Kind.number) == "1,234"
    assert display(0.256, Kind.share) == "25.6%" and display(-0.1, Kind.net) == "-0.10"
    assert [duration(m) for m in (10, 95, 3000)] == ["10 min", "1 h 35 min", "2.1 days"]
    assert change_text(120, 60, Kind.number) == "+60 (+100%)" and change_text(0.25, 0.22, Kind.share) == "+3.0 pts"
    assert change_text(5, None, Kind.number) == "—" and change_text(3, 0, Kind.number) == "+3"


def test_networks_read_by_name_on_the_page_and_by_key_in_a_csv() -> None:
    assert display("googleplay", Kind.network) == "Google Play" and raw("googleplay", Kind.network) == "googleplay"
    assert display("fediverse", Kind.network) == "fediverse"  # a key no spec knows stays as it is
    network_columns = {column.key: column.kind for table in report_tables(sample_report())
                       for column in table.columns if column.key in ("network", "group") and "network" in table.key}
    assert set(network_columns.values()) == {Kind.network}


def test_every_table_exports_with_the_formula_guard() -> None:
    report = sample_report()
    tables = report_tables(report)
    assert len({table.key for table in tables}) == len(tables) == 19
    by_key = {table.key: table for table in tables}
    rows = list(csv.DictReader(io.StringIO(table_csv(by_key["repeat_complainers"]))))
    assert rows[0]["author"] == "'" + HOSTILE and rows[0]["mentions"] == "17 12 9"
    sources = list(csv.DictReader(io.StringIO(table_csv(by_key["volume_by_source"]))))
    assert sources[0]["source"].startswith("Brand mentions") and sources[0]["coverage"].startswith("X's")
    figures = list(csv.DictReader(io.StringIO(table_csv(by_key["responsiveness"]))))
    assert {"figure": "Response rate", "kind": "share", "current": "0.8", "previous": "0.714"} in figures
    archive = zipfile.ZipFile(io.BytesIO(tables_zip(tables, about=["Lumo Home", "Range: x"])))
    assert sorted(archive.namelist()) == sorted(["README.txt", *(table.filename for table in tables)])


def test_the_headline_and_the_print_template() -> None:
    report = sample_report()
    assert [row[0] for row in headline_table(report).rows][:3] == ["Mentions", "Net sentiment", "Complaint share"]
    view = report_view(report, brand="Lumo <Home>")
    html = print_html(view, links=Links(mention=lambda i: f"https://e.example/mentions/{i}"), paper="letter")
    assert "size: Letter" in html and "string(generated)" in html and "counter(pages)" in html
    assert '<span class="run-brand">Lumo &lt;Home&gt; · Reputation report</span>' in html
    assert "Filters: Network: x" in html and 'href="https://e.example/mentions/17"' in html
    assert "<script>" not in html and "not a Net Promoter Score" in html
    assert "beyond noise" in html and "exact binomial test" in html and "two-proportion z test" in html
