"""Updated reviews: the part after the last update marker is the opinion now, when it takes a side."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentiment import score_texts
from sentiment.config import DEFAULT_MODEL, ModelConfig
from sentiment.updates import latest_part

PRAISE = "Great blender, smooth results and easy to clean."


@pytest.mark.parametrize(("text", "part"), [
    (f"{PRAISE} UPDATE: stopped working after two weeks.", "stopped working after two weeks."),
    (f"{PRAISE} Edit - they replaced it for free!", "they replaced it for free!"),
    (f"{PRAISE} [Update 2] the replacement broke as well", "the replacement broke as well"),
    (f"{PRAISE} Update: meh. UPDATE 2: it caught fire", "it caught fire"),
    ("とても使いやすくて気に入っています。【追記】3ヶ月で電源が入らなくなりました。",
     "3ヶ月で電源が入らなくなりました。"),
    ("배송 빠르고 좋아요 포장도 꼼꼼해요 [추가] 한 달 만에 고장났어요 너무 아쉽네요",
     "한 달 만에 고장났어요 너무 아쉽네요"),
    ("质量很好，物流也很快，非常满意 追评：用了一周就坏了，客服也不理人", "用了一周就坏了，客服也不理人"),
    ("Muy buena calidad y llegó rápido. Actualización: dejó de funcionar al mes", "dejó de funcionar al mes"),
])
def test_the_part_after_the_last_marker_is_the_update(text: str, part: str) -> None:
    assert latest_part(text) == part


@pytest.mark.parametrize("text", [
    "Sat on the runway for 2 hours, no water, no updates. Never again",
    "Update on my order please? It's been a week",
    "UPDATE: the latest version broke sync completely. Was my favourite app, now unusable",
    f"{PRAISE} Edit: ok",
    "The app update added a bug for every feature it fixed",
])
def test_without_a_review_and_an_update_the_text_is_read_whole(text: str) -> None:
    assert latest_part(text) is None


@pytest.fixture(scope="module")
def config(model_cache_dir: Path) -> ModelConfig:
    return ModelConfig(DEFAULT_MODEL, model_cache_dir)


def test_a_late_update_that_complains_makes_the_review_a_complaint(config: ModelConfig) -> None:
    texts = ["", f"{PRAISE} UPDATE: stopped working after two weeks, now it won't even turn on.", PRAISE,
             "배송 빠르고 좋아요 포장도 꼼꼼해요 [추가] 한 달 만에 고장났어요 너무 아쉽네요"]
    empty, updated, praise, korean = score_texts(texts, config)
    assert empty.reason == "empty or non-textual input" and praise.label == "positive"
    assert updated.label == "negative" and updated.complaint >= 0.5 and "stopped" in updated.reason
    assert korean.label == "negative" and korean.complaint >= 0.5 and "quality" in korean.topics


def test_an_update_that_does_not_complain_leaves_the_text_as_it_was(config: ModelConfig) -> None:
    typo, gold = score_texts([f"{PRAISE} EDIT: corrected the model number in my review",
                              "Arrived broken and support ignored my emails for a week. Edit: thanks for the gold, "
                              "kind stranger!"], config)
    assert typo.label == "positive"
    assert gold.label == "negative" and gold.complaint >= 0.5


@pytest.mark.parametrize("text", [
    "From the ARRL - The K7RA Solar Update: A coronal mass ejection (CME) hit the Earth on September 30",
    "Kevin Rudd talks about PM betrayal - Updated: 19:00, Sunday Oct 28, 2012 Senior Labor MPs are again",
    "옵션 추가 - 3000원 더 내면 포장 가능하다고 하네요 좋아요",
])
def test_a_headline_or_a_price_list_is_not_an_update(text: str) -> None:
    assert latest_part(text) is None


def test_an_update_in_capitals_counts_where_the_line_break_before_it_was_lost() -> None:
    assert latest_part(f"{PRAISE}\\nUPDATE: broke in a month".replace("\\n", " ")) == "broke in a month"
