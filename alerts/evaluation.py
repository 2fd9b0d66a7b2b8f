"""Scoring the spike detector on a NAB-layout folder, one default setting for every series."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alerts.detector import DetectorConfig, SpikeDetector
from alerts.nab import FileScore, Series, load_corpus, normalised, probation_rows, score_detections

SECONDS_PER_MONTH = 30.4 * 86400


@dataclass(frozen=True)
class SeriesResult:
    name: str
    score: FileScore
    alerts: int
    quiet_months: float  # scored time outside every labelled window

    @property
    def false_alarms_per_month(self) -> float:
        return self.score.false_positives / self.quiet_months if self.quiet_months > 0 else 0.0


@dataclass(frozen=True)
class Evaluation:
    series: list[SeriesResult]

    @property
    def nab_score(self) -> float:
        return normalised([result.score for result in self.series])

    @property
    def false_alarms_per_series_month(self) -> float:
        months = sum(result.quiet_months for result in self.series)
        return sum(result.score.false_positives for result in self.series) / months if months else 0.0


def bucket_seconds_of(series: Series) -> int:
    gaps = sorted(int((b - a).total_seconds()) for a, b in zip(series.timestamps, series.timestamps[1:], strict=False))
    return gaps[len(gaps) // 2] if gaps else 300


def detect(series: Series, config: DetectorConfig) -> list[bool]:
    detector = SpikeDetector(config)
    return [detector.observe(at, round(value)).alert
            for at, value in zip(series.timestamps, series.values, strict=True)]


def _quiet_months(series: Series, bucket_seconds: int) -> float:
    start = probation_rows(len(series.timestamps))
    rows = series.timestamps[start:]
    inside = sum(1 for at in rows if any(a <= at <= b for a, b in series.windows))
    return (len(rows) - inside) * bucket_seconds / SECONDS_PER_MONTH


def evaluate(folder: Path, make_config: Callable[[int], DetectorConfig] | None = None) -> Evaluation:
    """Run the detector at its default setting (for the series' bucket size) on every file of `folder`."""
    results = []
    for series in load_corpus(folder):
        seconds = bucket_seconds_of(series)
        config = make_config(seconds) if make_config else DetectorConfig(bucket_seconds=seconds)
        fired = detect(series, config)
        score = score_detections(series.timestamps, fired, series.windows)
        results.append(SeriesResult(name=series.name, score=score, alerts=sum(fired),
                                    quiet_months=_quiet_months(series, seconds)))
    return Evaluation(series=results)
