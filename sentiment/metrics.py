"""Held-out metrics (pure numpy): recall, F1, accuracy, expected calibration error."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Metric = Callable[[np.ndarray, np.ndarray], float]


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(y_true == y_pred)) if len(y_true) else float("nan")


def macro_recall(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    classes = np.unique(y_true)
    return float(np.mean([np.mean(y_pred[y_true == c] == c) for c in classes]))


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    scores = []
    for c in np.unique(np.concatenate([y_true, y_pred])):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return float(np.mean(scores))


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Weighted mean |accuracy - confidence| over equal-width confidence bins."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        sel = which == b
        if sel.any():
            total += sel.mean() * abs(correct[sel].mean() - confidence[sel].mean())
    return float(total)


def bootstrap_interval(metric: Metric, y_true: np.ndarray, y_pred: np.ndarray, resamples: int = 1000,
                       level: float = 0.95, seed: int = 13) -> tuple[float, float]:
    """The percentile bootstrap interval of a figure over its rows: how far the figure moves between draws of as
    many rows from the same texts, the model fixed: how precisely the set pins the figure down (two models are
    compared by paired_bootstrap_difference). It does not include how far a retrained model moves."""
    if not len(y_true):
        return float("nan"), float("nan")
    return _bootstrap(lambda rows: metric(y_true[rows], y_pred[rows]), len(y_true), resamples, level, seed)


def paired_bootstrap_difference(metric: Metric, y_true: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray,
                                resamples: int = 1000, level: float = 0.95,
                                seed: int = 13) -> tuple[float, float, float]:
    """metric(b) - metric(a) on the same rows, and its percentile bootstrap interval with both models scored on the
    same draws: what the two share cancels, so a real difference shows where two separate intervals overlap."""
    if not len(y_true):
        return float("nan"), float("nan"), float("nan")

    def change(rows: np.ndarray) -> float:
        return metric(y_true[rows], pred_b[rows]) - metric(y_true[rows], pred_a[rows])

    low, high = _bootstrap(change, len(y_true), resamples, level, seed)
    return change(np.arange(len(y_true))), low, high


def _bootstrap(statistic: Callable[[np.ndarray], float], n_rows: int, resamples: int, level: float,
               seed: int) -> tuple[float, float]:
    """The percentile interval of a statistic of row indices over draws of n_rows rows with replacement."""
    draws = np.random.default_rng(seed).integers(0, n_rows, size=(resamples, n_rows))
    values = np.array([statistic(rows) for rows in draws])
    tail = 50.0 * (1.0 - level)
    low, high = np.percentile(values, [tail, 100.0 - tail])
    return float(low), float(high)
