"""The Hugging Face path, exercised offline with a tiny random model saved to a local folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentiment import score_texts
from sentiment.config import ModelConfig
from sentiment.model import HFModel, get_model, label_columns


def save_tiny_classifier(folder: Path, encoder_dir: Path, id2label: dict[int, str]) -> Path:
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(encoder_dir)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=512, id2label=id2label,
                        label2id={v: k for k, v in id2label.items()})
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory, encoder_dir: Path) -> Path:
    labels = {0: "NEGATIVE", 1: "Neutral", 2: "positive"}
    return save_tiny_classifier(tmp_path_factory.mktemp("tiny-hf"), encoder_dir, labels)


def test_local_hf_model_scores_in_order(tiny_model: Path, model_cache_dir: Path) -> None:
    texts = ["I love it", "", "配送が遅い", "x" * 100_000, "배송이 늦어요"]
    scores = score_texts(texts, ModelConfig(str(tiny_model), model_cache_dir))
    assert len(scores) == len(texts)
    assert [s.language for s in scores] == ["en", "und", "ja", "und", "ko"]
    for s in scores:
        assert s.label in {"negative", "neutral", "positive"} and 0 <= s.confidence <= 1
        assert s.model_name == str(tiny_model) and s.model_version.startswith("hf:")
    live = [s for i, s in enumerate(scores) if i != 1]
    assert all(isinstance(s.topics, list) for s in live)


def test_hf_complaint_falls_back_to_negative_probability(tiny_model: Path, model_cache_dir: Path) -> None:
    model = get_model(ModelConfig(str(tiny_model), model_cache_dir))
    assert isinstance(model, HFModel)
    (prediction,) = model.predict(["The parcel never arrived"])
    assert prediction.complaint == pytest.approx(prediction.probs[0])
    assert sum(prediction.probs) == pytest.approx(1.0, abs=1e-5)
    assert get_model(ModelConfig(str(tiny_model), model_cache_dir)) is model


def test_binary_label_models_map_without_neutral() -> None:
    assert label_columns({0: "neg", 1: "POS"}) == [0, 2]
    assert label_columns({"1": "Positive", "0": "Negative"}) == [0, 2]


def test_unmappable_labels_fail_clearly(tmp_path: Path, encoder_dir: Path) -> None:
    folder = save_tiny_classifier(tmp_path / "stars", encoder_dir, {0: "1 star", 1: "5 stars"})
    with pytest.raises(ValueError, match="cannot map model labels"):
        HFModel(str(folder))
