"""A report table: named columns with a kind each, and rows of raw values. The page, the PDF, the CSV files and
the digest email all read the same tables, and format a cell by its column's kind."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from listener.platforms import NETWORK_NAMES


class Kind(StrEnum):
    text = "text"
    number = "count"  # a whole number (the value "count": str.count would shadow a member named count)
    share = "share"  # a fraction 0..1, shown as a percentage
    net = "net"  # net sentiment, -1..1, shown signed with two decimals
    minutes = "minutes"  # business minutes, shown as "2 h 05 min"
    stars = "stars"  # an average rating, 1..5
    score = "score"  # promoter score, -100..100
    p_value = "p_value"
    mention = "mention"  # a mention id: linked to its page
    mentions = "mentions"  # a tuple of mention ids
    network = "network"  # a network's key: its display name on the page, the key in a CSV


Cell = Any


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.text


@dataclass(frozen=True)
class Table:
    key: str  # also the CSV file's name: volume_by_network.csv
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""  # how to read it, under the title

    @property
    def filename(self) -> str:
        return f"{self.key}.csv"


def display(value: Cell, kind: Kind) -> str:
    """A cell as the page and the PDF show it; a dash for no value."""
    if value is None or value == "":
        return "—"
    if kind is Kind.number:
        return f"{int(value):,}"
    if kind is Kind.share:
        return f"{value * 100:.1f}%"
    if kind is Kind.net:
        return f"{value:+.2f}"
    if kind is Kind.minutes:
        return duration(float(value))
    if kind is Kind.stars:
        return f"{value:.2f} ★"
    if kind is Kind.score:
        return f"{value:+.0f}"
    if kind is Kind.p_value:
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    if kind is Kind.mentions:
        return ", ".join(f"#{mention_id}" for mention_id in value)
    if kind is Kind.mention:
        return f"#{value}"
    if kind is Kind.network:
        return NETWORK_NAMES.get(str(value), str(value))
    return str(value)


def raw(value: Cell, kind: Kind) -> str:
    """A cell as the CSV holds it: numbers unformatted (shares as fractions), so a spreadsheet can compute."""
    if value is None:
        return ""
    if kind is Kind.share or kind is Kind.net or kind is Kind.p_value:
        return f"{value:.6g}"
    if kind is Kind.minutes or kind is Kind.stars or kind is Kind.score:
        return f"{value:.2f}"
    if kind is Kind.mentions:
        return " ".join(str(mention_id) for mention_id in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def duration(minutes: float) -> str:
    if minutes < 60:
        return f"{minutes:.0f} min"
    hours, rest = divmod(round(minutes), 60)
    if hours < 48:
        return f"{hours} h {rest:02d} min"
    return f"{hours / 24:.1f} days"


def change_text(current: float | None, previous: float | None, kind: Kind) -> str:
    """"+12 (+8.0%)" for counts, "+2.5 pts" for shares; a dash when either side is missing."""
    if current is None or previous is None:
        return "—"
    delta = current - previous
    if kind is Kind.share:
        return f"{delta * 100:+.1f} pts"
    if kind is Kind.number:
        relative = f" ({delta / previous * 100:+.0f}%)" if previous else ""
        return f"{delta:+,.0f}{relative}"
    if kind is Kind.minutes:
        sign = "+" if delta >= 0 else "−"
        return sign + duration(abs(delta))
    if kind is Kind.net:
        return f"{delta:+.2f}"
    if kind is Kind.stars:
        return f"{delta:+.2f}"
    return f"{delta:+.0f}"


ROW_KIND = "kind"  # a column that says how the row's "current" and "previous" cells read (figure tables)
ROW_KIND_COLUMNS = ("current", "previous")


def cell_kinds(table: Table, row: tuple[Cell, ...]) -> list[Kind]:
    keys = [column.key for column in table.columns]
    row_kind = Kind(row[keys.index(ROW_KIND)]) if ROW_KIND in keys else None
    return [row_kind if row_kind is not None and column.key in ROW_KIND_COLUMNS else column.kind
            for column in table.columns]


def visible_columns(table: Table) -> list[int]:
    """The columns a reader sees (the row-kind column is for the CSV and the code)."""
    return [index for index, column in enumerate(table.columns) if column.key != ROW_KIND]


def displayed_rows(table: Table) -> list[list[tuple[str, Cell, Kind]]]:
    """Per visible cell: the text shown, the raw value and its kind (the page links mention ids)."""
    shown = visible_columns(table)
    rows = []
    for row in table.rows:
        kinds = cell_kinds(table, row)
        rows.append([(display(row[i], kinds[i]), row[i], kinds[i]) for i in shown])
    return rows


def csv_rows(table: Table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        kinds = cell_kinds(table, row)
        rows.append([raw(value, kind) for value, kind in zip(row, kinds, strict=True)])
    return rows
