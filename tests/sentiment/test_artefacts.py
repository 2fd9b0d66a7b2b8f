"""The committed heads are small, self-describing and come with honestly measured metrics."""

from __future__ import annotations

import json

from sentiment.model import HEADS_PATH
from sentiment.scoring import LABELS

MAX_HEADS_BYTES = 3 * 1024 * 1024  # the shared adapter and Korean's own, about 1.2 MB each, and the heads


def test_heads_file_is_small() -> None:
    assert HEADS_PATH.is_file() and HEADS_PATH.stat().st_size <= MAX_HEADS_BYTES


def test_heads_metadata_describes_the_model() -> None:
    from sentiment.heads import load_heads

    sentiment, complaint, meta = load_heads(HEADS_PATH)
    assert meta["labels"] == list(LABELS) and meta["pooling"] == "mean" and meta["prefix"] == "query: "
    assert meta["encoder_id"] == "intfloat/multilingual-e5-small" and meta["temperature"] > 0
    assert sentiment.linear.out_features == 3 and complaint.linear.out_features == 1


def test_adapter_targets_the_encoder_it_is_merged_into() -> None:
    from sentiment.heads import load_adapter, load_heads

    adapter = load_adapter(HEADS_PATH)
    _, _, meta = load_heads(HEADS_PATH)
    layers = {int(key.split(".")[2]) for key in adapter}
    assert layers == set(meta["lora"]["layers"]) and meta["lora"]["alpha"] > 0  # empty: heads-only model
    assert all(key.startswith("encoder.layer.") and key.endswith((".lora_a", ".lora_b")) for key in adapter)


def test_koreans_own_adapter_targets_the_same_layers_as_the_shared_one() -> None:
    from sentiment.heads import load_adapter, load_heads, load_language_adapters

    shared, own = load_adapter(HEADS_PATH), load_language_adapters(HEADS_PATH)
    _, _, meta = load_heads(HEADS_PATH)
    assert set(own) == {"ko"} and set(own["ko"]) == set(shared)
    assert all(own["ko"][key].shape == shared[key].shape for key in shared)
    assert meta["model_version"].startswith(meta["shared_model_version"] + "+ko-")
    assert meta["language_adapters"]["stage"]["language"] == "ko"


def test_metrics_were_recorded() -> None:
    metrics = json.loads((HEADS_PATH.parent / "metrics.json").read_text(encoding="utf-8"))
    for key in ("tweeteval_macro_recall", "complaint_macro_f1", "nsmc_accuracy", "ja_holdout_accuracy",
                "ece_sentiment_3way"):
        assert 0.0 <= metrics["headline"][key] <= 1.0


def test_the_settings_page_names_the_model_with_its_lexical_head() -> None:
    import torch

    from sentiment.config import DEFAULT_MODEL
    from sentiment.heads import load_heads
    from sentiment.lexical import LEXICAL_FILE
    from sentiment.model_info import model_info

    digest = torch.load(HEADS_PATH.parent / LEXICAL_FILE, weights_only=True)["meta"]["digest"]
    assert model_info(DEFAULT_MODEL).version == f"{load_heads(HEADS_PATH)[2]['model_version']}+lex-{digest}"
