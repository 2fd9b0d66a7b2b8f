"""Held-out evaluation of calibrated heads, per dataset, and the int8 acceptance rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sentiment.heads import LinearHead, logits_of
from sentiment.metrics import accuracy, expected_calibration_error, macro_f1, macro_recall

if TYPE_CHECKING:
    from sentiment.train import Task

HEADLINE = {
    "tweeteval_macro_recall": ("sentiment", "tweeteval", "macro_recall"),
    "nsmc_accuracy": ("sentiment", "nsmc", "accuracy"),
    "ja_accuracy": ("sentiment", "ja", "accuracy"),
    "rotten_tomatoes_accuracy": ("sentiment", "rotten_tomatoes", "accuracy"),
    "complaint_macro_f1": ("complaint", "complaints", "macro_f1"),
}


@dataclass(frozen=True)
class Calibrated:
    head: LinearHead
    temperature: float

    def probs(self, x: np.ndarray) -> np.ndarray:
        logits = logits_of(self.head, x) / self.temperature
        if logits.shape[1] == 1:
            return np.asarray(1.0 / (1.0 + np.exp(-logits[:, 0])))
        z = np.exp(logits - logits.max(axis=1, keepdims=True))
        return np.asarray(z / z.sum(axis=1, keepdims=True))


def evaluate(sentiment_rows: Task, complaint_rows: Task, sentiment: Calibrated,
             complaint: Calibrated) -> dict[str, Any]:
    out: dict[str, Any] = {"sentiment": _sentiment(sentiment_rows, sentiment),
                           "complaint": _complaint(complaint_rows, complaint)}
    out["headline"] = {name: _dig(out, path) for name, path in HEADLINE.items()}
    out["headline"]["ece_sentiment_3way"] = out["sentiment"]["ece_3way"]
    out["headline"]["ece_complaint"] = out["complaint"]["ece"]
    return out


def _dig(tree: dict[str, Any], path: tuple[str, ...]) -> float | None:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node)


def _names(task: Task) -> np.ndarray:
    return np.array([r.dataset for r in task.rows])


def _sentiment(task: Task, model: Calibrated) -> dict[str, Any]:
    probs, names, pair = model.probs(task.x), _names(task), task.pair
    assert pair is not None
    out: dict[str, Any] = {}
    for name in np.unique(names):
        sel = names == name
        y, p = task.y[sel], probs[sel]
        if pair[sel].all():
            pred = np.where(p[:, 2] >= p[:, 0], 2, 0)
            out[str(name)] = {"n": int(sel.sum()), "accuracy": accuracy(y, pred), "task": "binary neg/pos"}
        else:
            pred = p.argmax(axis=1)
            out[str(name)] = {"n": int(sel.sum()), "accuracy": accuracy(y, pred),
                              "macro_recall": macro_recall(y, pred), "task": "3-way"}
    three = ~pair
    out["ece_3way"] = expected_calibration_error(probs[three].max(axis=1), probs[three].argmax(axis=1) == task.y[three])
    polar = probs[pair][:, [0, 2]] / probs[pair][:, [0, 2]].sum(axis=1, keepdims=True)
    out["ece_binary"] = expected_calibration_error(polar.max(axis=1), (polar.argmax(axis=1) * 2) == task.y[pair])
    out["temperature"] = model.temperature
    return out


def _complaint(task: Task, model: Calibrated) -> dict[str, Any]:
    prob, names = model.probs(task.x), _names(task)
    pred = (prob >= 0.5).astype(np.int64)
    out: dict[str, Any] = {}
    for name in np.unique(names):
        sel = names == name
        out[str(name)] = {"n": int(sel.sum()), "macro_f1": macro_f1(task.y[sel], pred[sel]),
                          "accuracy": accuracy(task.y[sel], pred[sel])}
    out["ece"] = expected_calibration_error(np.maximum(prob, 1 - prob), pred == task.y)
    out["temperature"] = model.temperature
    return out


def int8_within_one_point(fp32: dict[str, Any], int8: dict[str, Any]) -> bool:
    """int8 is acceptable only if no headline score drops by more than one point."""
    pairs = [(fp32["headline"][k], int8["headline"][k]) for k in HEADLINE]
    return all(a is None or b is None or a - b <= 0.01 for a, b in pairs)
