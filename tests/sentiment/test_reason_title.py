"""A reason phrase stays within the title or within the body of a review, never both."""

from __future__ import annotations

from datetime import datetime, timezone

from models import Mention
from models.mention_text import scored_text
from sentiment.scoring import WordWeights, driving_phrases
from sentiment.text import clean_text

NEGATIVE = 0


def _review(title: str, text: str) -> Mention:
    return Mention(network="appstore", external_id="r1", title=title, text=text,
                   created_at=datetime(2026, 11, 5, tzinfo=timezone.utc))


def _phrases(text: str, pushing: set[str]) -> list[str]:
    """The reason's phrases when exactly the words in `pushing` push towards negative (as the model's shares would)."""
    words = tuple(clean_text(text).split(" "))
    weights = tuple((1.0 if word.strip(".!?").casefold() in pushing else 0.0, 0.0, 0.0) for word in words)
    return driving_phrases(WordWeights(words, weights), NEGATIVE)


def test_a_reason_phrase_does_not_run_from_the_title_into_the_body() -> None:
    scored = scored_text(_review("Broke after a week", "Terrible kettle, the lid snapped"))
    assert scored == "Broke after a week.\nTerrible kettle, the lid snapped"
    assert _phrases(scored, {"week", "terrible"}) == ["week", "Terrible"]


def test_a_title_that_ends_a_sentence_is_kept_as_written() -> None:
    assert scored_text(_review("Broke!", "Sad.")) == "Broke!\nSad."
    assert scored_text(_review("壊れた。", "残念")) == "壊れた。\n残念"
    assert scored_text(Mention(network="x", external_id="1", text="no title",
                                    created_at=datetime(2026, 11, 5, tzinfo=timezone.utc))) == "no title"


def test_words_within_one_part_still_form_one_phrase() -> None:
    assert _phrases(scored_text(_review("Lid was crushed", "ok")), {"lid", "crushed"}) == ["Lid was crushed"]
