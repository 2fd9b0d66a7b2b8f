"""The project's own labelled sets as shipped: they parse, labels are valid, and no text is in both shares."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sentiment import datasets
from sentiment.written_sets import (
    CALIBRATION_FILE,
    MESSAGE_FILES,
    MESSAGE_LANGUAGES,
    TOPIC_FILES,
    TOPIC_LANGUAGES,
    customer_calibration,
    customer_messages,
    normalise,
    read_message_rows,
    read_topic_rows,
    share_of,
    topic_keys,
    topic_set,
)


def test_topic_set_parses_with_valid_labels_in_every_language() -> None:
    for share in ("train", "test"):
        rows = topic_set(share)
        assert {r.language for r in rows} == set(TOPIC_LANGUAGES)
        assert all(set(r.topics) <= set(topic_keys()) and r.complaint in (0, 1) for r in rows)
        assert any(not r.topics for r in rows)  # texts with no topic, so precision means something
    counts = Counter(t for share in ("train", "test") for r in topic_set(share) for t in r.topics)
    assert set(counts) == set(topic_keys()) and min(counts.values()) >= 150


def test_customer_messages_parse_with_valid_labels() -> None:
    for share in ("train", "test"):
        rows = customer_messages(share)
        assert {r.language for r in rows} == set(MESSAGE_LANGUAGES)
        assert {r.sentiment for r in rows} == {"negative", "neutral", "positive"}
        assert {r.question for r in rows} == {0, 1} and {r.complaint for r in rows} == {0, 1}
    per_language = Counter(r.language for share in ("train", "test") for r in customer_messages(share))
    assert min(per_language.values()) >= 300


def test_no_text_is_in_both_shares_and_each_sits_in_its_hash_share() -> None:
    shares = {share: [r.text for r in topic_set(share)] + [r.text for r in customer_messages(share)]
              for share in ("train", "test")}
    for share, texts in shares.items():
        assert all(share_of(t) == share for t in texts)
    keys = {share: [normalise(t) for t in texts] for share, texts in shares.items()}
    assert not set(keys["train"]) & set(keys["test"])
    every = keys["train"] + keys["test"]
    assert len(every) == len(set(every))  # no duplicates within a share or across the two sets either
    japanese = {normalise(r.text) for r in datasets.ja_polarity() + datasets.ja_holdout()}
    assert not japanese & set(every)  # nor with the older Japanese sets, one of which is test-only too
    calibration = [normalise(text) for text, _, _ in customer_calibration()]
    assert len(calibration) == len(set(calibration)) and not set(calibration) & set(every)


def test_the_calibration_share_holds_english_and_korean_messages_of_every_sentiment() -> None:
    rows = customer_calibration()
    for language in ("en", "ko"):
        labels = Counter(sentiment for _, lang, sentiment in rows if lang == language)
        assert set(labels) == {"negative", "neutral", "positive"} and sum(labels.values()) >= 150


def test_shipped_files_say_where_they_come_from_and_which_are_test_only() -> None:
    for files in (TOPIC_FILES, MESSAGE_FILES):
        for share, path in files.items():
            head = path.read_text(encoding="utf-8").split("\n", 2)[:2]
            assert head[0].startswith("# Written for Earful by the project")
            assert ("TEST-ONLY" in head[1]) == (share == "test")
    head = CALIBRATION_FILE.read_text(encoding="utf-8").split("\n", 2)[:2]
    assert head[0].startswith("# Written for Earful by the project") and "no model trains on it" in head[1]


def test_normalise_ignores_case_width_punctuation_and_emoji() -> None:
    assert normalise("Where is my ORDER?? 😡") == normalise("where is my order") == "whereismyorder"
    assert normalise("ＡＢＣ！") == "abc"


def test_malformed_rows_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("# note\ntext\tlanguage\tcomplaint\ttopics\nlate\ten\t1\tshipping\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown topics"):
        read_topic_rows(path)
    path.write_text("text\tlanguage\tsentiment\tcomplaint\tquestion\ttopics\nhi\ten\tangry\t0\t0\t\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="unknown sentiment"):
        read_message_rows(path)
    path.write_text("text\tlanguage\tcomplaint\ttopics\nlate\ten\t1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="malformed"):
        read_topic_rows(path)
