"""Scoring a detector the way the Numenta Anomaly Benchmark does (standard profile by default).

Written from NAB's published method (Lavin & Ahmad 2015, and the behaviour of its scorer at
numenta/NAB @ ea702d75), so that our detector's figures can be set beside NAB's published ones:

- Each labelled window is worth at most one true positive: its earliest detection, weighted by a scaled
  sigmoid of where it falls in the window (relative position -1 at the left edge, 0 just past the right
  edge), divided by the sigmoid's value at the left edge so that a detection on the first row earns tpWeight.
  A window without any detection costs fnWeight.
- Every detection outside a window costs fpWeight times the sigmoid of how far it lies past the end of the
  previous window, in units of that window's width (minus one row); before any window it costs the full
  fpWeight. So a late detection just after a window costs almost nothing, a stray one days later costs 0.11.
- The probation (the first 15% of the rows, at most 750) is not scored: detections there count for
  nothing and a window lying wholly inside it is not missed.
- A detection is a row whose anomaly score is >= the detector's threshold.
- The normalised score is 100 * (raw - null) / (perfect - null), summed over the files, where null is the
  detector that never fires (every scored window missed) and perfect detects every window on its first
  row. NAB's published normalisation counts a perfect window as the sigmoid at the left edge
  (2 * sigmoid(5) - 1 = 0.98661), and the published "null" and anchors use that: we do the same.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

PROBATION_SHARE = 0.15
PROBATION_CAP_ROWS = 750  # NAB: min(floor(15% of rows), 15% of 5000)


@dataclass(frozen=True)
class CostMatrix:
    tp: float = 1.0
    fp: float = 0.11
    fn: float = 1.0


STANDARD = CostMatrix()


@dataclass(frozen=True)
class FileScore:
    raw: float
    windows: int  # windows that are scored (not wholly in probation)
    detected_windows: int
    false_positives: int  # detections outside every window, after probation

    @property
    def null(self) -> float:
        return -self.windows * STANDARD.fn

    @property
    def perfect(self) -> float:
        return self.windows * scaled_sigmoid(-1.0)


def scaled_sigmoid(position: float) -> float:
    """2*sigmoid(-5x) - 1: +0.987 at a window's left edge (x=-1), 0 at its right edge, -1 from 3 widths past."""
    if position >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


def probation_rows(n_rows: int) -> int:
    return int(min(math.floor(PROBATION_SHARE * n_rows), PROBATION_SHARE * 5000))


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.strip())


def _window_indices(timestamps: Sequence[datetime], windows: Sequence[tuple[datetime, datetime]]
                    ) -> list[tuple[int, int]]:
    """Each window as (first row, last row), both inclusive; bounds not on a row snap inwards."""
    spans = []
    for start, end in windows:
        left = bisect.bisect_left(timestamps, start)
        right = bisect.bisect_right(timestamps, end) - 1
        if left <= right:
            spans.append((left, right))
    return sorted(spans)


def score_detections(timestamps: Sequence[datetime], detections: Sequence[bool],
                     windows: Sequence[tuple[datetime, datetime]], cost: CostMatrix = STANDARD) -> FileScore:
    """Raw NAB score of one file, given which rows the detector fired on."""
    if len(timestamps) != len(detections):
        raise ValueError("timestamps and detections differ in length")
    spans = _window_indices(timestamps, windows)
    probation = probation_rows(len(timestamps))
    max_tp = scaled_sigmoid(-1.0)
    # A window is scored when at least one of its rows is past probation.
    best: dict[int, float] = {k: -cost.fn for k, (_, right) in enumerate(spans) if right >= probation}
    fp_total, fp_count = 0.0, 0
    span_at = 0
    previous: tuple[int, int] | None = None
    for i, fired in enumerate(detections):
        while span_at < len(spans) and spans[span_at][1] < i:
            previous = spans[span_at]
            span_at += 1
        if not fired or i < probation:
            continue
        inside = span_at < len(spans) and spans[span_at][0] <= i
        if inside:
            left, right = spans[span_at]
            position = -(right - i + 1) / (right - left + 1)
            best[span_at] = max(best[span_at], scaled_sigmoid(position) * cost.tp / max_tp)
            continue
        if previous is None:
            past = 3.0
        else:
            width = previous[1] - previous[0] + 1
            past = abs(previous[1] - i) / (width - 1) if width > 1 else 3.0
        fp_total += scaled_sigmoid(past) * cost.fp
        fp_count += 1
    detected = sum(1 for value in best.values() if value > -cost.fn)
    return FileScore(raw=sum(best.values()) + fp_total, windows=len(best), detected_windows=detected,
                     false_positives=fp_count)


def normalised(scores: Sequence[FileScore]) -> float:
    """NAB's 100 * (raw - null) / (perfect - null) over a set of files."""
    raw = sum(s.raw for s in scores)
    null = sum(s.null for s in scores)
    perfect = sum(s.perfect for s in scores)
    if perfect == null:
        raise ValueError("no scored windows: the normalised score is undefined")
    return 100.0 * (raw - null) / (perfect - null)


@dataclass(frozen=True)
class Series:
    name: str  # the key in windows.json, e.g. "realTweets/Twitter_volume_AMZN.csv"
    timestamps: list[datetime]
    values: list[float]
    windows: list[tuple[datetime, datetime]]


def read_series_csv(path: Path) -> tuple[list[datetime], list[float]]:
    lines = path.read_text().splitlines()
    timestamps, values = [], []
    for line in lines[1:]:
        if not line.strip():
            continue
        stamp, value = line.split(",")[:2]
        timestamps.append(parse_timestamp(stamp))
        values.append(float(value))
    return timestamps, values


def load_corpus(folder: Path) -> list[Series]:
    """A NAB-layout folder: data/**/*.csv (timestamp,value) and windows.json keyed by path under data/,
    or by "<category>/<file>" as NAB writes it; a file without labels is scored with no windows."""
    labels = json.loads((folder / "windows.json").read_text())
    by_file = {Path(key).name: value for key, value in labels.items()}
    corpus = []
    for path in sorted((folder / "data").rglob("*.csv")):
        key = next((k for k in labels if Path(k).name == path.name), path.name)
        timestamps, values = read_series_csv(path)
        windows = [(parse_timestamp(a), parse_timestamp(b)) for a, b in by_file.get(path.name, [])]
        corpus.append(Series(name=key, timestamps=timestamps, values=values, windows=windows))
    return corpus
