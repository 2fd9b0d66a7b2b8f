"""A report's tables as CSV: one file per table, or all of them in one zip with a README of the range and
filters. Every cell passes the formula-injection guard (reports.csv_safety): author names, topics and source
names come from customers and admins, and a CSV opened in a spreadsheet must not run them."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence

from reports.csv_safety import csv_safe
from reports.table import Table, csv_rows


def table_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(column.key) for column in table.columns])
    writer.writerows([csv_safe(cell) for cell in row] for row in csv_rows(table))
    return buffer.getvalue()


def tables_zip(tables: Sequence[Table], *, about: Sequence[str]) -> bytes:
    """One CSV per table plus README.txt (`about`: the workspace, range, filters, generation time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        listing = [f"{table.filename}: {table.title}" for table in tables]
        archive.writestr("README.txt", "\n".join([*about, "", "Files:", *listing, ""]))
        for table in tables:
            archive.writestr(table.filename, table_csv(table))
    return buffer.getvalue()
