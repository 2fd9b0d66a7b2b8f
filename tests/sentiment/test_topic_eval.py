"""Topic and customer-message figures (sentiment.topic_eval) on small hand-made fixtures, no model."""

from __future__ import annotations

import pytest

from sentiment.topic_eval import (
    Judged,
    format_message_report,
    format_topic_report,
    limited,
    message_report,
    multilabel_metrics,
    question_flags,
    topic_report,
)
from sentiment.written_sets import MessageRow, TopicRow


def judged(topics: tuple[str, ...] = (), detected: tuple[str, ...] = (), label: str = "negative",
           complaint: float = 0.9, question: float | None = None) -> Judged:
    return Judged(label, complaint, topics, detected, question)


def test_multilabel_metrics_per_name_micro_and_macro() -> None:
    gold = [("delivery",), ("delivery", "support"), (), ("refund",)]
    pred = [("delivery",), ("support",), ("delivery",), ()]
    m = multilabel_metrics(gold, pred, ["delivery", "support", "refund"])
    assert m["topics"]["delivery"] == {"n": 2, "tp": 1, "fp": 1, "fn": 1, "precision": 0.5, "recall": 0.5,
                                       "f1": 0.5}
    assert m["topics"]["support"]["precision"] == 1.0 and m["topics"]["support"]["recall"] == 1.0
    assert m["topics"]["refund"] == {"n": 1, "tp": 0, "fp": 0, "fn": 1, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert m["micro"]["precision"] == pytest.approx(2 / 3) and m["micro"]["recall"] == pytest.approx(2 / 4)
    assert m["macro"]["recall"] == pytest.approx((0.5 + 1.0 + 0.0) / 3)


def test_topic_report_counts_named_complaints_left_without_a_topic() -> None:
    rows = [TopicRow("parcel late", "en", 1, ("delivery",)), TopicRow("荷物が来ない", "ja", 1, ("delivery",)),
            TopicRow("最悪", "ja", 1, ()), TopicRow("hi there", "en", 0, ())]
    out = [judged(("delivery",), ("delivery",)), judged(("other",), ()), judged(("other",), ()),
           judged((), ("delivery",), label="neutral", complaint=0.1)]
    report = topic_report(rows, out)
    assert report["named_complaints"] == 2 and report["named_complaints_without_topic"] == 0.5
    score, detector = report["score"]["topics"]["delivery"], report["detector"]["topics"]["delivery"]
    assert (score["tp"], score["fp"], score["fn"]) == (1, 0, 1)
    assert (detector["tp"], detector["fp"], detector["fn"]) == (1, 1, 1)  # the detector alone fires on small talk
    assert "other" not in report["score"]["topics"]  # the fallback is what a miss looks like, not a topic
    assert report["languages"]["ja"]["n"] == 2 and report["languages"]["ja"]["score"]["recall"] == 0.0
    text = format_topic_report(report)
    assert "delivery" in text and "micro ja" in text and "50.0% of 2" in text


def test_message_report_per_language_and_overall() -> None:
    rows = [MessageRow("Where is my order?", "en", "negative", 1, 1, ("delivery",)),
            MessageRow("Do you ship to Norway?", "en", "neutral", 0, 1, ("delivery",)),
            MessageRow("最高でした", "ja", "positive", 0, 0, ()),
            MessageRow("届かない", "ja", "negative", 1, 0, ("delivery",))]
    out = [judged(label="negative", complaint=0.9), judged(label="negative", complaint=0.7),
           judged(label="positive", complaint=0.1), judged(label="neutral", complaint=0.8)]
    report = message_report(rows, out, [True, False, False, False])
    assert set(report) == {"all", "en", "ja"} and report["all"]["n"] == 4
    assert report["en"]["sentiment_macro_recall"] == 0.5  # negative right, neutral called negative
    assert report["ja"]["sentiment_accuracy"] == 0.5
    assert report["all"]["complaint_f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 0))
    assert report["all"]["question_f1"] == pytest.approx(2 * 1 / (2 * 1 + 0 + 1))
    assert "question cues" in format_message_report(report, "question cues")


def test_question_flags_prefer_a_question_head_and_say_which_was_used() -> None:
    texts, languages = ["Where is it?", "late again"], ["en", "en"]

    def rule(text: str, language: str) -> bool:
        return text.endswith("?")

    flags, source = question_flags(texts, languages, [judged(), judged()], rule)
    assert flags == [True, False] and source == "question cues"
    flags, source = question_flags(texts, languages, [judged(question=0.2), judged(question=0.9)], rule)
    assert flags == [False, True] and source == "model question head"


def test_limited_keeps_the_first_rows_of_each_language() -> None:
    rows = [TopicRow(f"t{i}", lang, 0, ()) for i, lang in enumerate(["en", "ja", "en", "en", "ja"])]
    assert [r.text for r in limited(rows, 2)] == ["t0", "t1", "t2", "t4"]
    assert limited(rows, None) == rows
