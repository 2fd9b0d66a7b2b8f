from __future__ import annotations

import json
from pathlib import Path

import pytest

from sentiment.topics import TAXONOMY_PATH, detect_topics, load_taxonomy

EXPECTED = {"delivery", "refund", "quality", "billing", "account", "support", "price", "app_bug", "other"}


@pytest.mark.parametrize(("text", "topics"), [
    ("My package never arrived and I want a refund", ["delivery", "refund"]),
    ("I was charged twice for one subscription", ["billing"]),
    ("Locked out of my account, password reset email never comes", ["account"]),
    ("The app keeps crashing since the update", ["app_bug"]),
    ("Rude customer service agent hung up on me", ["support"]),
    ("Way too expensive after the price increase", ["price"]),
    ("The approach of this company is unacceptable", ["other"]),
    ("配送が遅れて、返金もまだです", ["delivery", "refund"]),
    ("アプリが起動するたびに落ちる", ["app_bug"]),
    ("결제가 두 번 됐어요. 환불해 주세요", ["refund", "billing"]),
    ("제품이 도착하자마자 고장났어요", ["delivery", "quality"]),
])
def test_detect_topics(text: str, topics: list[str]) -> None:
    assert detect_topics(text) == topics


def test_taxonomy_is_editable_data(tmp_path: Path) -> None:
    data = json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))
    assert set(data) == EXPECTED
    data["delivery"]["keywords"]["en"].append("pigeon")
    custom = tmp_path / "topics.json"
    custom.write_text(json.dumps(data), encoding="utf-8")
    assert detect_topics("the pigeon lost it", load_taxonomy(custom)) == ["delivery"]
