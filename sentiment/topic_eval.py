"""How the model does on the project's own test-only sets (sentiment.written_sets): per-topic precision and recall
on the topic set, and sentiment, complaint and question figures per language on the customer messages.

Topics are measured twice: as a Score carries them (only complaint-like texts get topics, as in production) and as
the detector alone finds them on every text (keywords plus embedding similarity), so a miss can be put down to the
complaint gate or to the detector.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sentiment.metrics import accuracy, macro_f1, macro_recall
from sentiment.scoring import LABELS, is_complaint_like, label_of
from sentiment.text import clean_text
from sentiment.topics import FALLBACK, detect_topics
from sentiment.written_sets import MessageRow, TopicRow, topic_keys

if TYPE_CHECKING:
    from sentiment.model import SentimentModel

QuestionRule = Callable[[str, str], bool]  # (text, language) -> is it a question


@dataclass(frozen=True)
class Judged:
    label: str
    complaint: float
    topics: tuple[str, ...]  # as a Score would carry them: none unless complaint-like, then at least FALLBACK
    detected: tuple[str, ...]  # what the detector finds on the text regardless of the gate (FALLBACK left out)
    question: float | None  # the model's question probability, when it has a question head


def judge(model: SentimentModel, texts: Sequence[str], batch_size: int = 32,
          batch_tokens: int | None = None) -> list[Judged]:
    """The model's judgement of each text, topics found as sentiment.api.score_texts finds them."""
    cleaned = [clean_text(t) for t in texts]
    out = []
    for text, p in zip(cleaned, model.predict(cleaned, batch_size, batch_tokens=batch_tokens), strict=True):
        label = LABELS[label_of(p.probs)]
        detected = tuple(t for t in detect_topics(text, similar=p.similar_topics) if t != FALLBACK)
        gated = is_complaint_like(label, p.complaint)
        question = getattr(p, "question", None)  # a question head may come; until then the question cues stand in
        out.append(Judged(label, p.complaint, (detected or (FALLBACK,)) if gated else (), detected,
                          None if question is None else float(question)))
    return out


def multilabel_metrics(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]],
                       names: Sequence[str]) -> dict[str, Any]:
    """Per-name precision, recall and F1 (with gold count n, tp, fp, fn), and their micro and macro averages."""
    per: dict[str, dict[str, float]] = {}
    for name in names:
        tp = sum(name in g and name in p for g, p in zip(gold, predicted, strict=True))
        fp = sum(name not in g and name in p for g, p in zip(gold, predicted, strict=True))
        fn = sum(name in g and name not in p for g, p in zip(gold, predicted, strict=True))
        per[name] = {"n": tp + fn, "tp": tp, "fp": fp, "fn": fn, **_prf(tp, fp, fn)}
    totals = [sum(int(row[k]) for row in per.values()) for k in ("tp", "fp", "fn")]
    macro = {k: float(np.mean([row[k] for row in per.values()])) if per else 0.0
             for k in ("precision", "recall", "f1")}
    return {"topics": per, "micro": _prf(*totals), "macro": macro}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def topic_report(rows: Sequence[TopicRow], judged: Sequence[Judged]) -> dict[str, Any]:
    """Topic figures as Scores carry them and from the detector alone, overall and per language, plus the share
    of complaints that name a topic yet got only FALLBACK or nothing."""
    names = topic_keys()
    gold = [row.topics for row in rows]
    out: dict[str, Any] = {"n": len(rows),
                           "score": multilabel_metrics(gold, [j.topics for j in judged], names),
                           "detector": multilabel_metrics(gold, [j.detected for j in judged], names),
                           "languages": {}}
    for language in sorted({row.language for row in rows}):
        idx = [i for i, row in enumerate(rows) if row.language == language]
        out["languages"][language] = {
            "n": len(idx),
            "score": multilabel_metrics([gold[i] for i in idx], [judged[i].topics for i in idx], names)["micro"],
            "detector": multilabel_metrics([gold[i] for i in idx], [judged[i].detected for i in idx], names)["micro"]}
    named = [i for i, row in enumerate(rows) if row.complaint and row.topics]
    missed = [i for i in named if not set(judged[i].topics) - {FALLBACK}]
    out["named_complaints"] = len(named)
    out["named_complaints_without_topic"] = len(missed) / len(named) if named else 0.0
    return out


def question_flags(texts: Sequence[str], languages: Sequence[str], judged: Sequence[Judged],
                   rule: QuestionRule) -> tuple[list[bool], str]:
    """Whether each text is a question, and by what: the model's question probability when it has one, else
    ``rule`` (the question cues, models.questions)."""
    if judged and all(j.question is not None for j in judged):
        return [float(j.question or 0.0) >= 0.5 for j in judged], "model question head"
    return [rule(t, lang) for t, lang in zip(texts, languages, strict=True)], "question cues"


def message_report(rows: Sequence[MessageRow], judged: Sequence[Judged], questions: Sequence[bool]) -> dict[str, Any]:
    """Per language and overall: sentiment macro recall and accuracy, complaint and question F1 (of the positive
    class) and macro F1."""
    groups = {"all": list(range(len(rows)))}
    for language in sorted({row.language for row in rows}):
        groups[language] = [i for i, row in enumerate(rows) if row.language == language]
    return {name: _message_group([rows[i] for i in idx], [judged[i] for i in idx], [questions[i] for i in idx])
            for name, idx in groups.items()}


def _message_group(rows: list[MessageRow], judged: list[Judged], questions: list[bool]) -> dict[str, Any]:
    y = np.array([LABELS.index(r.sentiment) for r in rows])
    pred = np.array([LABELS.index(j.label) for j in judged])
    complaint = np.array([r.complaint for r in rows]), np.array([int(j.complaint >= 0.5) for j in judged])
    question = np.array([r.question for r in rows]), np.array([int(q) for q in questions])
    return {"n": len(rows), "sentiment_macro_recall": macro_recall(y, pred), "sentiment_accuracy": accuracy(y, pred),
            "complaint_f1": _positive_f1(*complaint), "complaint_macro_f1": macro_f1(*complaint),
            "question_f1": _positive_f1(*question), "question_macro_f1": macro_f1(*question)}


def _positive_f1(gold: np.ndarray, pred: np.ndarray) -> float:
    tp, fp, fn = (int(np.sum((gold == g) & (pred == p))) for g, p in ((1, 1), (0, 1), (1, 0)))
    return _prf(tp, fp, fn)["f1"]


def format_topic_report(report: dict[str, Any]) -> str:
    lines = [f"topic test-only set: {report['n']} rows; as a Score carries topics (complaint-like texts only) "
             "and from the detector alone",
             f"{'topic':<10} {'n':>5}  {'P':>6} {'R':>6} {'F1':>6}   {'det P':>6} {'det R':>6} {'det F1':>6}"]
    score, detector = report["score"], report["detector"]
    rows = [(name, score["topics"][name], detector["topics"][name]) for name in score["topics"]]
    rows += [("micro", score["micro"], detector["micro"]), ("macro", score["macro"], detector["macro"])]
    for name, s, d in rows:
        n = f"{int(s['n']):>5}" if "n" in s else " " * 5
        lines.append(f"{name:<10} {n}  " + _pct(s) + "   " + _pct(d))
    for language, row in report["languages"].items():
        lines.append(f"{'micro ' + language:<10} {row['n']:>5}  " + _pct(row["score"]) + "   " + _pct(row["detector"]))
    lines.append(f"complaints naming a topic that got only {FALLBACK!r} or none: "
                 f"{100 * report['named_complaints_without_topic']:.1f}% of {report['named_complaints']}")
    return "\n".join(lines)


def _pct(row: dict[str, float]) -> str:
    return " ".join(f"{100 * row[k]:>6.1f}" for k in ("precision", "recall", "f1"))


def format_message_report(report: dict[str, Any], question_source: str) -> str:
    lines = [f"customer messages test-only set (questions by {question_source})",
             f"{'language':<9} {'n':>5}  {'sent MR':>7} {'acc':>6}  {'compl F1':>8} {'macro':>6}  "
             f"{'quest F1':>8} {'macro':>6}"]
    for name, row in report.items():
        lines.append(f"{name:<9} {row['n']:>5}  {100 * row['sentiment_macro_recall']:>7.1f} "
                     f"{100 * row['sentiment_accuracy']:>6.1f}  {100 * row['complaint_f1']:>8.1f} "
                     f"{100 * row['complaint_macro_f1']:>6.1f}  {100 * row['question_f1']:>8.1f} "
                     f"{100 * row['question_macro_f1']:>6.1f}")
    return "\n".join(lines)


def limited(rows: Sequence[Any], limit: int | None) -> list[Any]:
    """The first ``limit`` rows of each language (all when None), for quick checks."""
    if limit is None:
        return list(rows)
    kept: dict[str, int] = {}
    out = []
    for row in rows:
        if kept.get(row.language, 0) < limit:
            kept[row.language] = kept.get(row.language, 0) + 1
            out.append(row)
    return out
