"""The alert's small chart: the series' counts per bucket, what the detector expected, and the spike window shaded.

Drawn as SVG on the server in the style of reports/charts.py (its ticks, colours and font; role="img" with a
<title> and a <desc> that says the numbers in words), because the page must work without JavaScript and the
same picture goes into the alert e-mail (as a PNG where cairosvg is installed, see `png`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from reports.charts import GRID, MUTED, SERIES_COLOURS, nice_ticks, svg_finish, svg_frame, svg_text

WIDTH, HEIGHT = 480, 160
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 22, 26
SPIKE_FILL = "#fbe3e1"
OBSERVED, EXPECTED = SERIES_COLOURS[1], SERIES_COLOURS[0]
BLOCKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class SeriesPoint:
    at: datetime  # the bucket's start (UTC)
    observed: float
    expected: float | None = None


def spike_chart(points: Sequence[SeriesPoint], window_start: datetime, window_end: datetime, *, title: str,
                chart_id: str = "spike") -> Markup:
    """Empty markup when there is nothing to draw."""
    if not points:
        return Markup("")
    values = [p.observed for p in points] + [p.expected for p in points if p.expected is not None]
    ticks = nice_ticks(0.0, max(values))
    high = ticks[-1] or 1.0
    step = (WIDTH - LEFT - RIGHT) / max(len(points) - 1, 1)

    def x(index: float) -> float:
        return LEFT + index * step

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / high)

    parts = svg_frame(chart_id, title, describe(points, window_start, window_end), width=WIDTH, height=HEIGHT,
                      css_class="chart spike-chart")
    inside = [i for i, p in enumerate(points) if window_start <= p.at < window_end]
    if inside:
        left, right = x(inside[0] - 0.5 if inside[0] else 0), x(min(inside[-1] + 0.5, len(points) - 1))
        parts.append(f'<rect x="{left:.1f}" y="{TOP}" width="{max(right - left, 3):.1f}" '
                     f'height="{HEIGHT - TOP - BOTTOM}" fill="{SPIKE_FILL}"><title>spike window</title></rect>')
    for tick in ticks:
        parts.append(f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}" stroke="{GRID}"/>')
        parts.append(svg_text(LEFT - 4, y(tick) + 4, f"{tick:g}", anchor="end", size=11, fill=MUTED))
    expected = [(x(i), y(p.expected)) for i, p in enumerate(points) if p.expected is not None]
    if len(expected) > 1:
        parts.append(_polyline(expected, EXPECTED, dash="5 3"))
    parts.append(_polyline([(x(i), y(p.observed)) for i, p in enumerate(points)], OBSERVED))
    for index in (0, len(points) - 1):
        parts.append(svg_text(x(index), HEIGHT - 8, f"{points[index].at:%H:%M}",
                              anchor="start" if index == 0 else "end", size=11, fill=MUTED))
    parts.append(svg_text(LEFT, 14, "— observed", size=11, fill=OBSERVED))
    parts.append(svg_text(LEFT + 90, 14, "- - expected", size=11, fill=EXPECTED))
    parts.append(svg_text(LEFT + 190, 14, "shaded: spike window", size=11, fill=MUTED))
    return svg_finish(parts)


def describe(points: Sequence[SeriesPoint], window_start: datetime, window_end: datetime) -> str:
    inside = [p for p in points if window_start <= p.at < window_end]
    before = [p for p in points if p.at < window_start]
    words = [f"{len(points)} buckets from {points[0].at:%Y-%m-%d %H:%M} to {points[-1].at:%H:%M} UTC."]
    if before:
        words.append(f"Before the spike: {sum(p.observed for p in before) / len(before):.1f} per bucket on average.")
    if inside:
        peak = max(inside, key=lambda p: p.observed)
        expected = f", {peak.expected:.1f} expected" if peak.expected is not None else ""
        words.append(f"Spike window {window_start:%H:%M}–{window_end:%H:%M}: peak {peak.observed:g} at "
                     f"{peak.at:%H:%M}{expected}.")
    return " ".join(words)


def png(svg: str) -> bytes | None:
    """The chart as PNG for e-mail clients (most do not show SVG), or None without cairosvg or on a bad drawing."""
    try:
        import cairosvg
    except (ImportError, OSError):  # OSError: the cairo C library itself is missing
        return None
    try:
        data: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=WIDTH * 2)
    except Exception:
        return None
    return data


def _polyline(points: list[tuple[float, float]], colour: str, *, dash: str = "") -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dashes}/>'


def message_points(chart: Sequence[tuple[str, float, float | None]]) -> list[SeriesPoint]:
    """An AlertMessage's stored chart as points (bad rows from an old payload are skipped, never fatal)."""
    points = []
    for at, observed, expected in chart:
        try:
            points.append(SeriesPoint(datetime.fromisoformat(at), float(observed),
                                      None if expected is None else float(expected)))
        except (TypeError, ValueError):
            continue
    return points


def sparkline(points: Sequence[SeriesPoint]) -> str:
    """The series in eight block characters, for channels that show no image (Slack, Teams, plain text)."""
    if not points:
        return ""
    low, high = min(p.observed for p in points), max(p.observed for p in points)
    span = (high - low) or 1.0
    return "".join(BLOCKS[round((p.observed - low) / span * (len(BLOCKS) - 1))] for p in points)
