"""A language's own adapter: its texts go through its own copy of the encoder's layers (the token embeddings shared),
every other text through the shared layers, whether the languages are given or detected, at every precision; a saved
model carries the adapter and the model scores through it, while the topic prototypes stay on the shared layers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from sentiment.embedding import Embedder

ALPHA = 16.0
TEXTS = ["배송이 너무 늦어요", "My parcel is late again", "환불해 주세요"]
LANGUAGES = ["ko", "en", "ko"]


def random_adapter(seed: int, layers: tuple[int, ...] = (0, 5, 11)) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    adapter = {}
    for layer in layers:
        for module, (rows, cols) in (("attention.self.query", (384, 384)), ("intermediate.dense", (1536, 384))):
            name = f"encoder.layer.{layer}.{module}"
            adapter[f"{name}.lora_a"] = (torch.randn(8, cols, generator=generator) * 0.05).half()
            adapter[f"{name}.lora_b"] = (torch.randn(rows, 8, generator=generator) * 0.05).half()
    return adapter


@pytest.fixture(scope="module")
def adapters() -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    return random_adapter(1), random_adapter(2)


def test_a_languages_texts_go_through_its_own_layers(encoder_dir: Path, adapters: tuple[dict, dict]) -> None:
    shared, korean = adapters
    routed = Embedder(encoder_dir, adapter=shared, alpha=ALPHA, language_adapters={"ko": korean})
    vectors = routed.embed(TEXTS, languages=LANGUAGES).vectors
    alone = Embedder(encoder_dir, adapter=korean, alpha=ALPHA).embed([TEXTS[0], TEXTS[2]]).vectors
    np.testing.assert_allclose(vectors[[0, 2]], alone, atol=1e-5)
    only_shared = Embedder(encoder_dir, adapter=shared, alpha=ALPHA).embed(TEXTS).vectors
    np.testing.assert_allclose(vectors[1], only_shared[1], atol=1e-5)
    assert float(vectors[0] @ only_shared[0]) < 0.9999  # the route changed the Korean text's embedding
    np.testing.assert_allclose(routed.embed(TEXTS).vectors, vectors, atol=1e-6)  # detected as given
    assert routed.routes["ko"].embeddings is routed.model.embeddings  # shared, not copied
    assert routed.routes["ko"].encoder is not routed.model.encoder


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_a_route_runs_at_the_models_precision(encoder_dir: Path, adapters: tuple[dict, dict], precision: str) -> None:
    shared, korean = adapters
    routed = Embedder(encoder_dir, precision=precision, adapter=shared, alpha=ALPHA, language_adapters={"ko": korean})
    exact = Embedder(encoder_dir, adapter=korean, alpha=ALPHA).embed(TEXTS[:1]).vectors
    vectors = routed.embed(TEXTS, languages=LANGUAGES).vectors
    assert float(vectors[0] @ exact[0]) > 0.99
    route = routed.routes["ko"].encoder.layer[0].attention.self.query
    if precision == "bf16":
        assert route.weight.dtype == torch.bfloat16 and routed.model.embeddings.word_embeddings.weight.dtype == \
            torch.bfloat16
    else:
        assert "quantized" in type(route).__module__


def test_a_route_needs_its_adapter(encoder_dir: Path) -> None:
    with pytest.raises(ValueError, match="need its adapter"):
        Embedder(encoder_dir, language_adapters={"ko": {}})


def test_a_saved_models_language_adapter_is_what_scores_that_language(
        tmp_path: Path, encoder_dir: Path, adapters: tuple[dict, dict]) -> None:
    from sentiment.heads import load_language_adapters, read_heads_file
    from sentiment.model import HEADS_PATH, E5HeadsModel
    from sentiment.storage import save_atomically

    _, korean = adapters
    payload = read_heads_file(HEADS_PATH)
    path = tmp_path / "heads.pt"
    save_atomically({**payload, "language_adapters": {"ko": korean}}, path)
    assert set(load_language_adapters(path)) == {"ko"} and load_language_adapters({"meta": {}}) == {}
    model = E5HeadsModel(encoder_dir.parent, path, precision="fp32", lexical=False)
    committed = E5HeadsModel(encoder_dir.parent, HEADS_PATH, precision="fp32", lexical=False)
    english = [TEXTS[1]]
    assert model.predict(english)[0].probs == pytest.approx(committed.predict(english)[0].probs, abs=1e-5)
    assert model.predict(TEXTS[:1])[0].probs != pytest.approx(committed.predict(TEXTS[:1])[0].probs, abs=1e-3)
    # a topic's prototype averages examples in every language: they go through the shared layers, so no language's
    # own adapter moves the prototypes the others are compared with
    np.testing.assert_allclose(model.prototypes().vectors, committed.prototypes().vectors, atol=1e-5)
