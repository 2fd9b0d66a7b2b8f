"""Held-out evaluation: per-dataset metrics from probabilities, the held-out rows, and a whole-model evaluation.

The same metric code serves training (probabilities from cached embeddings) and ``earful eval`` (probabilities
from the model as it scores in production), so the committed metrics.json and the CLI agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sentiment import datasets
from sentiment.datasets import Example
from sentiment.metrics import (
    Metric,
    accuracy,
    bootstrap_interval,
    expected_calibration_error,
    macro_f1,
    macro_recall,
    paired_bootstrap_difference,
)

if TYPE_CHECKING:
    from sentiment.heads import LinearHead
    from sentiment.model import SentimentModel

HEADLINE = {
    "tweeteval_macro_recall": ("sentiment", "tweeteval", "macro_recall"),
    "nsmc_accuracy": ("sentiment", "nsmc", "accuracy"),
    "ja_holdout_accuracy": ("sentiment", "ja_holdout", "accuracy"),
    "complaint_macro_f1": ("complaint", "complaints", "macro_f1"),
}
METRICS: dict[str, Metric] = {"accuracy": accuracy, "macro_recall": macro_recall, "macro_f1": macro_f1}
# Published figures for orientation (shared/data/README.md); they are on other splits, so not like for like.
REFERENCES = {
    "tweeteval_macro_recall": "TweetEval test: TimeLMs-2021 73.7, BERTweet 73.4, RoBERTa-base 71.3, FastText 62.9",
    "complaint_macro_f1": "complaints: up to 79 (ACL 2019), up to 87 (transformers, COLING 2020)",
    "nsmc_accuracy": "NSMC official test: BERT-class Korean models about 90",
}
SEED = 13


@dataclass(frozen=True)
class Calibrated:
    head: LinearHead
    temperature: float

    def probs(self, x: np.ndarray) -> np.ndarray:
        from sentiment.heads import logits_of

        logits = logits_of(self.head, x) / self.temperature
        if logits.shape[1] == 1:
            return np.asarray(1.0 / (1.0 + np.exp(-logits[:, 0])))
        z = np.exp(logits - logits.max(axis=1, keepdims=True))
        return np.asarray(z / z.sum(axis=1, keepdims=True))


def validation_rows(data_dir: Path) -> list[Example]:
    """What the figures are measured on and nothing is trained or chosen on: all of TweetEval validation and of the
    NSMC share, and the Japanese test-only set. The complaint set is measured out of fold (validation_scores)."""
    return datasets.tweeteval(data_dir) + datasets.nsmc(data_dir) + datasets.ja_holdout()


def limited(rows: list[Example], limit: int | None) -> list[Example]:
    """The first ``limit`` rows of each dataset (quick checks); all of them without a limit."""
    if limit is None:
        return rows
    kept: dict[str, int] = {}
    out = []
    for r in rows:
        if kept.get(r.dataset, 0) < limit:
            kept[r.dataset] = kept.get(r.dataset, 0) + 1
            out.append(r)
    return out


def evaluate_rows(rows: list[Example], probs: np.ndarray, complaint: np.ndarray,
                  intervals: bool = False) -> dict[str, Any]:
    """Metrics for rows given each row's 3-way probabilities and complaint probability; with ``intervals`` each
    data set's figure also gets its 95% bootstrap interval (``ci95``)."""
    s = np.array([r.sentiment is not None for r in rows], dtype=bool)
    c = np.array([r.complaint is not None for r in rows], dtype=bool)
    s_rows, c_rows = [r for r, k in zip(rows, s, strict=True) if k], [r for r, k in zip(rows, c, strict=True) if k]
    out: dict[str, Any] = {"sentiment": sentiment_metrics(s_rows, probs[s], intervals),
                           "complaint": complaint_metrics(c_rows, complaint[c], intervals)}
    out["headline"] = headline_of(out)
    return out


def headline_of(metrics: dict[str, Any]) -> dict[str, float | None]:
    """The headline figures and calibration errors of a metrics tree (its "sentiment" and "complaint" parts)."""
    headline = {name: _dig(metrics, path) for name, path in HEADLINE.items()}
    headline["ece_sentiment_3way"] = metrics.get("sentiment", {}).get("ece_3way")
    headline["ece_sentiment_binary"] = metrics.get("sentiment", {}).get("ece_binary")
    headline["ece_complaint"] = metrics.get("complaint", {}).get("ece")
    return headline


def evaluate_model(model: SentimentModel, rows: list[Example], batch_size: int = 32) -> dict[str, Any]:
    """Score the rows with a loaded model, exactly as production does, and measure."""
    probs, complaint = _scored(model, rows, batch_size)
    return evaluate_rows(rows, probs, complaint)


@dataclass(frozen=True)
class ValidationScores:
    rows: list[Example]  # the validation rows, then the complaint set
    probs: np.ndarray
    complaint: np.ndarray
    complaint_source: str


def validation_metrics(scores: ValidationScores) -> dict[str, Any]:
    """The validation figures, each with its 95% bootstrap interval, and where the complaint figure came from."""
    metrics = evaluate_rows(scores.rows, scores.probs, scores.complaint, intervals=True)
    metrics["complaint_source"] = scores.complaint_source
    return metrics


def validation_scores(model: SentimentModel, data_dir: Path, batch_size: int = 32,
                      limit: int | None = None, batch_tokens: int | None = None) -> ValidationScores:
    """The validation rows as scored: sentiment as the model scores in production; complaints out of fold (as
    training measured them for a model tuned on the set, else by cross-validating a head on the model's embedding),
    or as scored for a model without a head (hub models). ``complaint_source`` says which."""
    rows = limited(validation_rows(data_dir), limit)
    probs, complaint = _scored(model, rows, batch_size, batch_tokens)
    meta = getattr(model, "meta", None)
    embedder = getattr(model, "embedder", None)
    if meta is None or embedder is None:
        measured = limited(datasets.complaints(data_dir), limit)
        c_probs, c_complaint = _scored(model, measured, batch_size, batch_tokens)
        source = "complaints as the model scores them"
    else:
        measured, out_of_fold, source = _complaint_out_of_fold(meta, embedder, data_dir, batch_size, limit)
        c_probs = np.zeros((len(measured), 3))
        c_complaint = 1.0 / (1.0 + np.exp(-out_of_fold / float(meta["complaint_temperature"])))
    return ValidationScores(rows + measured, np.concatenate([probs, c_probs]),
                            np.concatenate([complaint, c_complaint]), source)


def compare_scores(base: ValidationScores, other: ValidationScores) -> dict[str, tuple[float, float, float]]:
    """Each headline figure of ``other`` minus ``base``'s, with the 95% interval of a paired bootstrap (the same
    resampled rows for both): narrower than two separate intervals, so it tells whether a retrained model is
    really better on these sets."""
    if [r.text for r in base.rows] != [r.text for r in other.rows]:
        raise ValueError("the two models were measured on different rows")
    out = {}
    for name, (head, dataset, metric) in HEADLINE.items():
        selected = [i for i, r in enumerate(base.rows) if r.dataset == dataset and getattr(r, head) is not None]
        if not selected:
            continue
        y, pred_base = _figure_inputs(base, selected, head)
        _, pred_other = _figure_inputs(other, selected, head)
        out[name] = paired_bootstrap_difference(METRICS[metric], y, pred_base, pred_other)
    return out


def _figure_inputs(scores: ValidationScores, selected: list[int], head: str) -> tuple[np.ndarray, np.ndarray]:
    """Truth and predictions for one data set."""
    rows = [scores.rows[i] for i in selected]
    if head == "complaint":
        return np.array([r.complaint for r in rows], dtype=np.int64), complaint_predictions(scores.complaint[selected])
    y = np.array([r.sentiment for r in rows], dtype=np.int64)
    return y, sentiment_predictions(scores.probs[selected], all(r.binary for r in rows))


def sentiment_predictions(probs: np.ndarray, binary: bool) -> np.ndarray:
    """The most probable of the three labels; for a negative/positive-only set, the likelier of those two."""
    return np.where(probs[:, 2] >= probs[:, 0], 2, 0) if binary else probs.argmax(axis=1)


def complaint_predictions(prob: np.ndarray) -> np.ndarray:
    return (prob >= 0.5).astype(np.int64)


def format_comparison(differences: dict[str, tuple[float, float, float]]) -> str:
    lines = [f"{'figure':<24} {'change':>7}  95% interval (paired)"]
    for name, (change, low, high) in differences.items():
        lines.append(f"{name:<24} {100 * change:>+7.1f} {100 * low:>+7.1f} to {100 * high:>+4.1f}")
    return "\n".join(lines)


def _complaint_out_of_fold(meta: dict[str, Any], embedder: Any, data_dir: Path, batch_size: int,
                           limit: int | None) -> tuple[list[Example], np.ndarray, str]:
    """The complaint set's out-of-fold logits: those training stored when it tuned the encoder on the set (a head
    cross-validated on that encoder would score rows it was tuned on), else a head cross-validated on the model's
    embedding (complaint_cv)."""
    from sentiment import complaint_cv
    from sentiment.complaint_tuning import stored_out_of_fold
    from sentiment.corpora import Recipe

    complaint_set = datasets.complaints(data_dir)
    stored = stored_out_of_fold(meta, complaint_set)
    if stored is not None:
        measured = limited(complaint_set, limit)
        return measured, stored[: len(measured)], (  # limited keeps the first rows of the one data set
            "complaints out of fold as training measured them (each fold scored by an encoder tuned without it; "
            "the shipped one was tuned on the whole set)")
    recipe = Recipe(**meta["recipe"]) if "recipe" in meta else Recipe()
    c_rows, n_measured = complaint_cv.measured_rows(data_dir, recipe)
    measured, others = limited(c_rows[:n_measured], limit), limited(c_rows[n_measured:], limit)
    x = embedder.embed([r.text for r in measured + others], batch_size=batch_size).vectors
    _, out_of_fold = complaint_cv.cross_validate(x, measured + others, len(measured), int(meta.get("seed", SEED)))
    return measured, out_of_fold, (f"complaints by {complaint_cv.FOLDS}-fold cross-validation of a head on the "
                                   "model's embedding")


def _scored(model: SentimentModel, rows: list[Example], batch_size: int,
            batch_tokens: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    predictions = model.predict([r.text for r in rows], batch_size, batch_tokens=batch_tokens)
    probs = np.array([p.probs for p in predictions], dtype=np.float64).reshape(-1, 3)
    return probs, np.array([p.complaint for p in predictions], dtype=np.float64)


def _dig(tree: dict[str, Any], path: tuple[str, ...]) -> float | None:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node)


def sentiment_metrics(rows: list[Example], probs: np.ndarray, intervals: bool = False) -> dict[str, Any]:
    names = np.array([r.dataset for r in rows])
    y = np.array([r.sentiment for r in rows], dtype=np.int64)
    pair = np.array([r.binary for r in rows], dtype=bool)
    out: dict[str, Any] = {}
    for name in np.unique(names):
        sel = names == name
        binary = bool(pair[sel].all())
        pred = sentiment_predictions(probs[sel], binary)
        if binary:
            out[str(name)] = {"n": int(sel.sum()), "accuracy": accuracy(y[sel], pred), "task": "binary neg/pos"}
            figure: Metric = accuracy
        else:
            out[str(name)] = {"n": int(sel.sum()), "accuracy": accuracy(y[sel], pred),
                              "macro_recall": macro_recall(y[sel], pred), "task": "3-way"}
            figure = macro_recall
        if intervals:
            out[str(name)]["ci95"] = list(bootstrap_interval(figure, y[sel], pred))
    three = ~pair
    if three.any():
        p3 = probs[three]
        out["ece_3way"] = expected_calibration_error(p3.max(axis=1), p3.argmax(axis=1) == y[three])
    if pair.any():
        polar = probs[pair][:, [0, 2]] / probs[pair][:, [0, 2]].sum(axis=1, keepdims=True)
        out["ece_binary"] = expected_calibration_error(polar.max(axis=1), (polar.argmax(axis=1) * 2) == y[pair])
    return out


def complaint_metrics(rows: list[Example], prob: np.ndarray, intervals: bool = False) -> dict[str, Any]:
    names = np.array([r.dataset for r in rows])
    y = np.array([r.complaint for r in rows], dtype=np.int64)
    pred = complaint_predictions(prob)
    out: dict[str, Any] = {}
    for name in np.unique(names):
        sel = names == name
        out[str(name)] = {"n": int(sel.sum()), "macro_f1": macro_f1(y[sel], pred[sel]),
                          "accuracy": accuracy(y[sel], pred[sel])}
        if intervals:
            out[str(name)]["ci95"] = list(bootstrap_interval(macro_f1, y[sel], pred[sel]))
    if len(rows):
        out["ece"] = expected_calibration_error(np.maximum(prob, 1 - prob), pred == y)
    return out


def _interval(bounds: list[float] | None) -> str:
    return f"{100 * bounds[0]:.1f}-{100 * bounds[1]:.1f}" if bounds else ""


def format_table(metrics: dict[str, Any]) -> str:
    """A plain-text table: dataset, head, n, metric, value (accuracy too), its 95% bootstrap interval where measured,
    and the published reference if any."""
    lines = [f"{'dataset':<16} {'head':<10} {'n':>5}  {'metric':<13} {'value':>6} {'acc':>6} {'95% CI':>11}  reference"]
    for head in ("sentiment", "complaint"):
        for name, row in sorted(metrics[head].items()):
            if not isinstance(row, dict):
                continue
            metric = "macro_recall" if "macro_recall" in row else "macro_f1" if "macro_f1" in row else "accuracy"
            ref = next((v for k, v in REFERENCES.items() if HEADLINE[k] == (head, name, metric)), "")
            lines.append(f"{name:<16} {head:<10} {row['n']:>5}  {metric:<13} {100 * row[metric]:>6.1f} "
                         f"{100 * row['accuracy']:>6.1f} {_interval(row.get('ci95')):>11}  {ref}")
    for key in ("ece_sentiment_3way", "ece_sentiment_binary", "ece_complaint"):
        value = metrics["headline"].get(key)
        if value is not None:
            lines.append(f"{key:<33}  {'ECE':<13} {value:>6.3f}")
    return "\n".join(lines)
