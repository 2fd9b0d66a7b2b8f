"""Pure scoring: labels, reasons, empty input."""

from __future__ import annotations

from sentiment.scoring import Prediction, WordWeights, driving_phrases, empty_score, make_score


def test_reason_names_the_words_that_pushed_the_label() -> None:
    words = WordWeights(("the", "box", "was", "crushed", "!", "thanks"),
                        ((0, 0, 0), (0.2, 0, -0.2), (0.1, 0, 0), (0.9, 0, -0.9), (0.5, 0, 0), (-0.4, 0, 0.4)))
    assert driving_phrases(words, 0) == ["box was crushed"]
    score = make_score("the box was crushed! thanks", "en", Prediction((0.8, 0.1, 0.1), 0.9, words),
                       ["quality"], "m", "v")
    assert score.label == "negative" and score.confidence == 0.8
    assert score.reason == 'negative: "box was crushed"; complaint about quality'


def test_japanese_phrases_join_without_spaces() -> None:
    words = WordWeights(("配送", "が", "遅れ", "て"), ((0.3, 0, 0), (0.2, 0, 0), (0.5, 0, 0), (-0.1, 0, 0)))
    assert driving_phrases(words, 0) == ["配送が遅れ"]


def test_cue_lexicon_explains_models_without_word_weights() -> None:
    score = make_score("Worst service ever, so rude", "en", Prediction((0.9, 0.05, 0.05), 0.9), [], "hf", "v")
    assert score.reason.startswith('negative: "worst"') and "rude" in score.reason


def test_empty_score_is_neutral_and_unsure() -> None:
    score = empty_score("und", "m", "v")
    assert (score.label, score.language, score.topics) == ("neutral", "und", []) and score.confidence < 0.5


def test_function_words_are_never_the_reason_on_their_own() -> None:
    # A fine-tuned encoder can give "The" and "and" large shares: every token's state carries the whole sentence.
    words = WordWeights(("The", "parcel", "never", "arrived", "and", "support", "ignored", "me"),
                        ((0.9, 0, 0), (0.1, 0, 0), (0.3, 0, 0), (0.2, 0, 0), (0.8, 0, 0), (0.05, 0, 0),
                         (0.6, 0, 0), (0.7, 0, 0)))
    assert driving_phrases(words, 0) == ["never arrived", "ignored"]


def test_who_is_addressed_and_links_are_never_the_reason() -> None:
    # The encoder gives the brand's handle a large share of a complaint addressed to it: not why it is negative.
    words = WordWeights(("@united", "my", "bag", "never", "arrived", "https://t.co/x1", "(@AskUnited)"),
                        ((0.9, 0, 0), (0.1, 0, 0), (0.3, 0, 0), (0.5, 0, 0), (0.4, 0, 0), (0.8, 0, 0), (0.7, 0, 0)))
    assert driving_phrases(words, 0) == ["bag never arrived"]


def test_chinese_particles_and_punctuation_of_any_script_are_not_reasons() -> None:
    words = WordWeights(("快递", "太", "慢", "了", "，", "快递员", "也很差"),
                        ((0.6, 0, 0), (0.2, 0, 0), (0.3, 0, 0), (0.9, 0, 0), (0.8, 0, 0), (0.1, 0, 0), (0.5, 0, 0)))
    assert driving_phrases(words, 0) == ["快递太慢", "也很差"]


def test_a_phrase_does_not_run_across_sentences() -> None:
    words = WordWeights(("three", "weeks.", "Terrible", "service"), ((0, 0, 0), (0.5, 0, 0), (0.9, 0, 0), (0.4, 0, 0)))
    assert driving_phrases(words, 0) == ["weeks", "Terrible service"]


def test_korean_intensifiers_are_not_reasons() -> None:
    words = WordWeights(("정말", "재밌게", "봤어요", "최고의", "영화"),
                        ((0, 0, 0.9), (0, 0, 0.5), (0, 0, 0.1), (0, 0, 0.7), (0, 0, 0.05)))
    assert driving_phrases(words, 2) == ["재밌게 봤어요 최고의"]


def test_a_score_says_whether_the_text_asks_something() -> None:
    asks = [("Can I change the delivery address?", "en"), ("配送先を変更できますか？", "ja"),
            ("배송지를 변경할 수 있나요?", "ko"), ("返品の方法を教えてください", "ja"),
            ("환불 가능한지 궁금합니다", "ko")]
    tells = [("The parcel never arrived", "en"), ("配送が遅れています。", "ja"), ("배송이 너무 늦어요", "ko")]
    neutral = Prediction((0.1, 0.8, 0.1), 0.2)
    assert all(make_score(text, language, neutral, [], "m", "v").question for text, language in asks)
    assert not any(make_score(text, language, neutral, [], "m", "v").question for text, language in tells)
    assert empty_score("und", "m", "v").question is False
