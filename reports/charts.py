"""Charts drawn on the server as small, accessible SVG: a line chart, a horizontal bar chart and a heatmap.

Hand-built rather than matplotlib: a chart here is a few dozen shapes, written in well under a millisecond with
no import cost (matplotlib takes about half a second to import and tens of milliseconds per figure), and the
markup can carry what a screen reader needs: role="img", a <title> and a <desc> named by aria-labelledby. The
page shows every chart beside a table of the same numbers, so the SVG is a picture, never the only copy.

Colours are the app's (web/static/css/app.css) and the series also differ by dash pattern and marker, so a
chart printed in grey still tells its lines apart. All text is escaped; sizes are in a viewBox, so the chart
scales with the page and prints sharp.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

INK = "#1d1d1f"
MUTED = "#5b5b66"
GRID = "#d6d6de"
SERIES_COLOURS = ("#1f5fbf", "#b3261e", "#1e6b2e", "#a86b00", "#6b3fa0", "#00707a")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 2", "1 2")
HEAT_LOW, HEAT_HIGH = (0xF2, 0xF5, 0xFB), (0x1F, 0x5F, 0xBF)
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif"'
WIDTH, HEIGHT = 640, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 28, 46
MAX_X_LABELS = 8

Format = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: no value for that point (e.g. a share of zero mentions)


def plain_number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.2g}"


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def line_chart(chart_id: str, *, title: str, description: str, x_labels: Sequence[str], series: Sequence[Series],
               y_label: str, x_label: str, y_format: Format = plain_number,
               y_range: tuple[float, float] | None = None, whole: bool = False) -> Markup:
    """One line per series over the same x labels (time buckets); `whole`: counts, so no fractional ticks."""
    values = [v for s in series for v in s.values if v is not None]
    low, high = y_range or (min([0.0, *values]), max([0.0, *values]))
    ticks = nice_ticks(low, high, whole=whole)
    low, high = ticks[0], ticks[-1]
    plot = _Plot(low, high, len(x_labels))
    parts = svg_frame(chart_id, title, description)
    parts += _y_axis(plot, ticks, y_label, y_format)
    parts += _x_axis(plot, x_labels, x_label, centred=False)
    for index, one in enumerate(series):
        parts += _line(plot, one, index)
    parts += _legend([s.name for s in series], kind="line")
    return svg_finish(parts)


def bar_chart(chart_id: str, *, title: str, description: str, labels: Sequence[str], values: Sequence[float],
              value_label: str, value_format: Format = plain_number, compare: Sequence[float] | None = None,
              compare_name: str = "previous period", whole: bool = False) -> Markup:
    """Horizontal bars, one per label (long names fit on the left); `compare` adds a thin bar under each."""
    row = 26 if compare is None else 34
    height = MARGIN_TOP + row * max(len(labels), 1) + 40
    left = 150
    high = max([0.0, *values, *(compare or [])])
    ticks = nice_ticks(0.0, high, whole=whole)
    scale = (WIDTH - left - MARGIN_RIGHT - 40) / (ticks[-1] or 1)
    parts = svg_frame(chart_id, title, description, height=height)
    for tick in ticks:
        x = left + tick * scale
        parts.append(f'<line x1="{x:.1f}" y1="{MARGIN_TOP - 4}" x2="{x:.1f}" y2="{height - 36}" stroke="{GRID}"/>')
        parts.append(svg_text(x, height - 22, value_format(tick), anchor="middle", size=11, fill=MUTED))
    parts.append(svg_text(left + (WIDTH - left) / 2, height - 6, value_label, anchor="middle", size=12))
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        top = MARGIN_TOP + index * row
        parts.append(svg_text(left - 8, top + 14, _shorten(label, 22), anchor="end", size=12))
        parts.append(f'<rect x="{left}" y="{top + 3}" width="{max(value * scale, 0.5):.1f}" height="16" '
                     f'fill="{SERIES_COLOURS[0]}"><title>{escape(label)}: {escape(value_format(value))}</title></rect>')
        parts.append(svg_text(left + value * scale + 4, top + 15, value_format(value), size=11))
        if compare is not None:
            before = compare[index]
            parts.append(f'<rect x="{left}" y="{top + 21}" width="{max(before * scale, 0.5):.1f}" height="6" '
                         f'fill="{MUTED}"><title>{escape(label)}, {escape(compare_name)}: '
                         f'{escape(value_format(before))}</title></rect>')
    if compare is not None:
        parts += _legend(["this period", compare_name], kind="bar", colours=(SERIES_COLOURS[0], MUTED))
    return svg_finish(parts)


def heatmap(chart_id: str, *, title: str, description: str, row_labels: Sequence[str],
            column_labels: Sequence[str], values: Sequence[Sequence[float]], value_name: str) -> Markup:
    """A grid (weekday x hour): darker is more. Each cell has its count as a tooltip; the table has them all."""
    left, top, cell_w, cell_h = 44, MARGIN_TOP + 4, (WIDTH - 44 - MARGIN_RIGHT) / max(len(column_labels), 1), 24
    height = top + cell_h * len(row_labels) + 44
    high = max([0.0, *(v for row in values for v in row)])
    parts = svg_frame(chart_id, title, description, height=height)
    for r, label in enumerate(row_labels):
        y = top + r * cell_h
        parts.append(svg_text(left - 6, y + cell_h / 2 + 4, label, anchor="end", size=11))
        for c, value in enumerate(values[r]):
            x = left + c * cell_w
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" height="{cell_h - 1}" '
                         f'fill="{_shade(value / high if high else 0.0)}"><title>{escape(label)} '
                         f'{escape(column_labels[c])}: {escape(plain_number(value))} {escape(value_name)}</title>'
                         f'</rect>')
    for c, label in enumerate(column_labels):
        if c % 3 == 0:
            parts.append(svg_text(left + c * cell_w + cell_w / 2, top + cell_h * len(row_labels) + 14, label,
                               anchor="middle", size=11, fill=MUTED))
    parts.append(svg_text(left + (WIDTH - left) / 2, height - 8,
                       f"hour of day; darker is more {value_name} (most: {plain_number(high)})",
                       anchor="middle", size=12))
    return svg_finish(parts)


def nice_ticks(low: float, high: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round tick values covering [low, high] (at least two); whole numbers only when `whole`."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1.0, float(math.ceil(step)))
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


@dataclass(frozen=True)
class _Plot:
    low: float
    high: float
    points: int

    def x(self, index: int, *, centred: bool = False) -> float:
        width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
        if centred or self.points <= 1:
            return MARGIN_LEFT + width * (index + 0.5) / max(self.points, 1)
        return MARGIN_LEFT + width * index / (self.points - 1)

    def y(self, value: float) -> float:
        height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
        return MARGIN_TOP + height * (1 - (value - self.low) / ((self.high - self.low) or 1))


def svg_frame(chart_id: str, title: str, description: str, *, width: int = WIDTH, height: int | float = HEIGHT,
              css_class: str = "chart") -> list[str]:
    """An accessible chart's opening (role="img", labelled by its <title> and <desc>) on a white ground; close it
    with svg_finish. The alert's spike chart draws in the same frame."""
    ident = escape(chart_id)
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" viewBox="0 0 {width} {height:.0f}" '
            f'width="{width}" height="{height:.0f}" role="img" aria-labelledby="{ident}-title {ident}-desc" {FONT}>',
            f'<title id="{ident}-title">{escape(title)}</title>',
            f'<desc id="{ident}-desc">{escape(description)}</desc>',
            f'<rect width="{width}" height="{height:.0f}" fill="#ffffff"/>']


def svg_finish(parts: list[str]) -> Markup:
    return Markup("".join([*parts, "</svg>"]))  # noqa: S704  (every text part above is escaped)


def _y_axis(plot: _Plot, ticks: list[float], label: str, fmt: Format) -> list[str]:
    parts = []
    for tick in ticks:
        y = plot.y(tick)
        parts.append(f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}" '
                     f'stroke="{GRID}"/>')
        parts.append(svg_text(MARGIN_LEFT - 6, y + 4, fmt(tick), anchor="end", size=11, fill=MUTED))
    middle = MARGIN_TOP + (HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) / 2
    parts.append(f'<text x="14" y="{middle:.1f}" transform="rotate(-90 14 {middle:.1f})" text-anchor="middle" '
                 f'font-size="12" fill="{INK}">{escape(label)}</text>')
    return parts


def _x_axis(plot: _Plot, labels: Sequence[str], label: str, *, centred: bool) -> list[str]:
    bottom = HEIGHT - MARGIN_BOTTOM
    parts = [f'<line x1="{MARGIN_LEFT}" y1="{bottom}" x2="{WIDTH - MARGIN_RIGHT}" y2="{bottom}" stroke="{MUTED}"/>']
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    for index in range(0, len(labels), every):
        # The last point of a line sits on the right edge: a centred label there would be cut off.
        at_edge = not centred and index == len(labels) - 1 and index > 0
        parts.append(svg_text(plot.x(index, centred=centred), bottom + 16, labels[index],
                           anchor="end" if at_edge else "middle", size=11, fill=MUTED))
    parts.append(svg_text(MARGIN_LEFT + (WIDTH - MARGIN_LEFT) / 2, HEIGHT - 8, label, anchor="middle", size=12))
    return parts


def _line(plot: _Plot, series: Series, index: int) -> list[str]:
    colour, dash = SERIES_COLOURS[index % len(SERIES_COLOURS)], DASHES[index % len(DASHES)]
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    segments: list[list[str]] = [[]]
    points = []
    for position, value in enumerate(series.values):
        if value is None:
            segments.append([])
            continue
        x, y = plot.x(position), plot.y(value)
        segments[-1].append(f"{x:.1f},{y:.1f}")
        points.append((x, y))
    parts = [f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" stroke-width="2"{dashes}/>'
             for segment in segments if len(segment) > 1]
    if len(points) <= 40:  # markers where they stay readable; a lone point needs one to be seen at all
        parts += [_marker(x, y, index, colour) for x, y in points]
    return parts


def _marker(x: float, y: float, index: int, colour: str) -> str:
    if index % 2:
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'


def _legend(names: Sequence[str], *, kind: str, colours: Sequence[str] = SERIES_COLOURS) -> list[str]:
    parts, x = [], float(MARGIN_LEFT)
    for index, name in enumerate(names):
        colour = colours[index % len(colours)]
        if kind == "line":
            dash = DASHES[index % len(DASHES)]
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<line x1="{x:.1f}" y1="12" x2="{x + 22:.1f}" y2="12" stroke="{colour}" stroke-width="2"'
                         f'{dashes}/>')
        else:
            parts.append(f'<rect x="{x:.1f}" y="6" width="22" height="12" fill="{colour}"/>')
        label = _shorten(name, 24)
        parts.append(svg_text(x + 28, 16, label, size=12))
        x += 40 + 7 * len(label)
    return parts


def svg_text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 12, fill: str = INK) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}">'
            f'{escape(text)}</text>')


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shade(fraction: float) -> str:
    fraction = min(max(fraction, 0.0), 1.0)
    red, green, blue = (round(lo + (hi - lo) * fraction) for lo, hi in zip(HEAT_LOW, HEAT_HIGH, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"
