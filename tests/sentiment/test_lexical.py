"""The lexical head: its n-grams, training, the blend's fit, word shares, saving, and the committed head."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sentiment import lexical
from sentiment.datasets import Example
from sentiment.lexical import LexicalHead
from sentiment.scoring import WordWeights

POSITIVE = ["정말 재밌어요 최고", "감동적인 영화 최고", "great film loved it", "loved every minute, great"]
NEGATIVE = ["최악이다 돈 아깝다", "지루하고 최악", "awful film hated it", "hated every minute, awful"]


def examples() -> list[Example]:
    return [Example(t, "set", 2, True, None) for t in POSITIVE] + [Example(t, "set", 0, True, None) for t in NEGATIVE]


def test_words_are_normalised_before_hashing() -> None:
    assert lexical.normalised("Ｇｒｅａｔ") == "great"
    assert lexical.normalised("@united's") == "@user's" and lexical.normalised("https://t.co/x") == "http"
    assert lexical.normalised("soooooo") == "sooo"
    assert lexical.normalised("ㅋㅋㅋㅋㅋㅋ") == lexical.normalised("ㅋㅋㅋ")  # NFKC turns ㅋ into the conjoining ᄏ


def test_each_word_owns_its_character_grams_its_form_and_the_pair_it_starts() -> None:
    first, second = lexical.grams_by_word("Bad app")
    assert {"<", "b", "<b", "<ba", "<bad", "bad>", "w:bad", "b:bad app"} <= set(first)
    assert "w:app" in second and not any(g.startswith("b:") for g in second)


def test_hashing_is_stable_and_gives_every_text_a_feature() -> None:
    ids, starts = lexical.hashed(["good", "", "good"])
    assert list(starts[:2]) == [0, len(ids) // 2 - 1] or starts[1] > 0
    first = ids[starts[0]:starts[1]]
    assert list(first) == list(ids[starts[2]:])
    assert starts[2] - starts[1] == 1  # the empty text's one marker
    assert lexical.bucket("w:good") == lexical.bucket("w:good") < 1 << lexical.BUCKET_BITS


def trained_head() -> LexicalHead:
    weights, bias = lexical.train_weights(examples() * 20, seed=1, log=lambda _: None, epochs=2)
    return LexicalHead(weights, bias, {"ko": (1.0, 1.5)})


def test_training_learns_polarity_from_binary_rows() -> None:
    head = trained_head()
    logits = head.logits(["최고", "최악", "loved it", "hated it"])
    assert np.allclose(logits.sum(axis=1), 0.0, atol=1e-5)
    assert logits[0, 2] > logits[0, 0] and logits[1, 0] > logits[1, 2]
    assert logits[2, 2] > logits[2, 0] and logits[3, 0] > logits[3, 2]


def test_word_margins_add_up_to_the_text_margins() -> None:
    head = trained_head()
    text = "정말 최악 영화"
    _, shares = head.read(text)
    assert [span for span, _ in shares] == lexical.word_spans(text)
    raw = head.logits([text])[0] - (head.bias - head.bias.mean())
    margins = raw - (raw.sum() - raw) / 2
    assert np.allclose(np.sum([s for _, s in shares], axis=0), margins, atol=1e-4)
    worst = max(shares, key=lambda item: item[1][0])[0]
    assert text[worst[0]:worst[1]] == "최악"


def test_the_blend_uses_each_languages_weight_and_the_encoder_alone_elsewhere() -> None:
    head = LexicalHead(np.zeros((1, 3), dtype=np.float32), np.zeros(3, dtype=np.float32), {"ko": (2.0, 1.25)})
    log_probs = np.log(np.array([[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]]))
    lex = np.array([[1.0, 0.0, -1.0], [1.0, 0.0, -1.0]])
    out = head.blended(log_probs, lex, ["ko", "ja"])
    assert np.allclose(out[0], (log_probs[0] + 2.0 * lex[0]) / 1.25) and np.allclose(out[1], log_probs[1])


def test_the_blend_is_fitted_to_the_part_that_knows() -> None:
    rng = np.random.default_rng(0)
    targets = rng.integers(0, 3, 600)
    binary = np.zeros(600, dtype=bool)
    noise = np.log(rng.dirichlet(np.ones(3), 600))
    knowing = np.eye(3)[targets] * 3.0 - 1.0
    assert lexical.fit_blend(noise, knowing, targets, binary)[0] > 0.5
    assert lexical.fit_blend(np.log(np.eye(3)[targets] * 0.8 + 0.2 / 3), rng.normal(size=(600, 3)), targets,
                             binary)[0] <= 0.1


def test_the_temperature_tempers_an_overconfident_blend() -> None:
    rng = np.random.default_rng(1)
    targets = rng.integers(0, 3, 900)
    right = rng.random(900) < 0.7  # right 70% of the time, but sure of itself every time
    guess = np.where(right, targets, (targets + 1) % 3)
    weight, temperature = lexical.fit_blend(np.log(np.full((900, 3), 1 / 3)), np.eye(3)[guess] * 8.0, targets,
                                            np.zeros(900, dtype=bool))
    assert weight > 0 and temperature > 1.0


def test_binary_rows_are_judged_on_negative_versus_positive_only() -> None:
    logits = np.array([[0.0, 9.0, 0.0]])
    assert lexical.negative_log_likelihood(logits, np.array([2]), np.array([True])) == pytest.approx(np.log(2))


def test_lexical_shares_are_spread_over_the_encoders_words_and_added_past_its_limit() -> None:
    text = "box crushed badly"
    words = WordWeights(("box", "crushed"), ((1.0, 0.0, 0.0), (0.0, 2.0, 0.0)))
    spans = [((0, 3), [0.0, 0.0, 4.0]), ((4, 11), [1.0, 0.0, 0.0]), ((12, 17), [3.0, 0.0, 0.0])]
    merged = lexical.merged_words(text, words, spans, encoder_scale=0.5, lexical_weight=2.0)
    assert merged.words == ("box", "crushed", "badly")
    assert merged.weights[0] == (0.5, 0.0, 8.0) and merged.weights[1] == (2.0, 1.0, 0.0)
    assert merged.weights[2] == (6.0, 0.0, 0.0)


def test_a_saved_head_loads_as_it_was_fitted(tmp_path: Path) -> None:
    head = trained_head()
    path = tmp_path / lexical.LEXICAL_FILE
    lexical.save(path, head, "model-1", {"trained_rows": 160})
    loaded, meta = lexical.load(path)
    assert meta["heads_version"] == "model-1" and meta["trained_rows"] == 160 and meta["digest"] == lexical.digest(head)
    assert loaded.blend == {"ko": (1.0, 1.5)}
    assert np.allclose(loaded.weights, lexical.dequantised(head).weights)
    assert np.abs(loaded.logits(POSITIVE) - head.logits(POSITIVE)).max() < 0.02
    assert path.stat().st_size < 4 * 1024 * 1024


def test_a_head_saved_with_other_ngram_settings_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / lexical.LEXICAL_FILE
    monkeypatch.setattr(lexical, "MAX_CHARS", 5)
    lexical.save(path, LexicalHead(np.zeros((1 << lexical.BUCKET_BITS, 3), dtype=np.float32),
                                   np.zeros(3, dtype=np.float32), {}), "m", {})
    monkeypatch.undo()
    with pytest.raises(RuntimeError, match="other n-gram settings"):
        lexical.load(path)


@pytest.fixture(scope="module")
def committed(encoder_dir: Path) -> tuple[object, object]:
    """The committed model with its lexical head, and without it."""
    from sentiment.model import E5HeadsModel

    return (E5HeadsModel(encoder_dir.parent, precision="fp32"),
            E5HeadsModel(encoder_dir.parent, precision="fp32", lexical=False))


def test_the_committed_head_was_fitted_with_the_committed_model(committed: tuple[object, object]) -> None:
    from sentiment.model import HEADS_PATH

    blended, alone = committed
    _, meta = lexical.load(HEADS_PATH.parent / lexical.LEXICAL_FILE)
    assert meta["heads_version"] in alone.version and f"+lex-{meta['digest']}" in blended.version  # type: ignore
    assert set(meta["blend"]) == {"en", "ko"} and all(0 < w <= 2 and t > 0 for w, t in meta["blend"].values())
    assert (HEADS_PATH.parent / lexical.LEXICAL_FILE).stat().st_size < 4 * 1024 * 1024


def test_korean_review_slang_moves_the_committed_model(committed: tuple[object, object]) -> None:
    blended, alone = committed
    texts = ["노잼 시간 아깝다", "개꿀잼 강추 ㅋㅋ"]
    with_head = blended.predict(texts, languages=["ko", "ko"])  # type: ignore[attr-defined]
    without = alone.predict(texts, languages=["ko", "ko"])  # type: ignore[attr-defined]
    assert with_head[0].probs[0] > without[0].probs[0] and with_head[0].probs[0] > 0.5
    assert with_head[1].probs[2] > without[1].probs[2] and with_head[1].probs[2] > 0.5


def test_a_language_without_a_blend_keeps_the_encoder_alone(committed: tuple[object, object]) -> None:
    blended, alone = committed
    text = ["配送が遅すぎます。連絡もありません"]
    [mixed], [own] = blended.predict(text, languages=["ja"]), alone.predict(text, languages=["ja"])  # type: ignore
    assert np.allclose(mixed.probs, own.probs, atol=1e-6) and mixed.words.words == own.words.words
    assert np.allclose(mixed.words.weights, own.words.weights, atol=1e-5)


def test_reasons_of_the_blend_name_the_words(committed: tuple[object, object]) -> None:
    from sentiment.scoring import driving_phrases

    blended, _ = committed
    [prediction] = blended.predict(["연기도 별로고 스토리도 노잼 시간 아깝다"], languages=["ko"])  # type: ignore
    assert prediction.words is not None
    assert any("노잼" in p or "아깝다" in p for p in driving_phrases(prediction.words, 0))


def test_a_head_fitted_with_another_model_is_refused(tmp_path: Path, encoder_dir: Path) -> None:
    import shutil

    from sentiment.model import HEADS_PATH, E5HeadsModel

    shutil.copy(HEADS_PATH, tmp_path / "heads.pt")
    lexical.save(tmp_path / lexical.LEXICAL_FILE, LexicalHead(np.zeros((1 << lexical.BUCKET_BITS, 3), np.float32),
                                                            np.zeros(3, np.float32), {}), "another-model", {})
    with pytest.raises(RuntimeError, match="earful train --lexical-only"):
        E5HeadsModel(encoder_dir.parent, tmp_path / "heads.pt")


def test_reading_one_text_agrees_with_the_batch_logits() -> None:
    head = trained_head()
    for text in ("정말 최악 영화 ㅋㅋ", "loved it, great", "", "   "):
        logits, shares = head.read(text)
        assert np.allclose(logits, head.logits([text])[0], atol=1e-5)
        assert [span for span, _ in shares] == lexical.word_spans(text)


def test_word_ids_hash_the_grams_of_each_word_in_order() -> None:
    text = "Bad app, bad"
    spans, ids, starts = lexical.word_ids(text)
    grams = lexical.grams_by_word(text)
    assert spans == lexical.word_spans(text)
    assert list(ids) == [lexical.bucket(g) for word in grams for g in word]
    assert list(np.diff(np.append(starts, len(ids)))) == [len(word) for word in grams]
