"""The model's configuration: built once from the settings, refused when its parts cannot run together."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentiment.config import DEFAULT_MODEL, ModelConfig
from settings import Settings


def test_built_from_the_settings() -> None:
    settings = Settings(sentiment_model=DEFAULT_MODEL, model_cache_dir=Path("/tmp/models"),  # type: ignore[call-arg]
                        score_batch_size=8, score_batch_tokens=512, torch_threads=0, sentiment_precision="int8",
                        _env_file=None)
    config = ModelConfig.from_settings(settings)
    assert config == ModelConfig(DEFAULT_MODEL, Path("/tmp/models"), 8, None, "int8", batch_tokens=512)
    with pytest.raises(AttributeError):
        config.batch_size = 4  # type: ignore[misc]


def test_the_batch_size_does_not_tell_loaded_models_apart() -> None:
    small = ModelConfig(DEFAULT_MODEL, Path("m"), 4, batch_tokens=256)
    large = ModelConfig(DEFAULT_MODEL, Path("m"), 64)
    assert small.load_key == large.load_key != ModelConfig(DEFAULT_MODEL, Path("m"), 4, precision="fp32").load_key


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_an_encoder_precision_for_a_hub_model_is_an_error_not_ignored(precision: str) -> None:
    with pytest.raises(ValueError, match="runs in float32: set SENTIMENT_PRECISION to auto or fp32"):
        ModelConfig("cardiffnlp/twitter-roberta-base-sentiment-latest", Path("m"), precision=precision)


def test_an_unknown_precision_or_batch_size_is_an_error() -> None:
    with pytest.raises(ValueError, match="must be one of auto, fp32, bf16, int8"):
        ModelConfig(DEFAULT_MODEL, Path("m"), precision="fp16")
    with pytest.raises(ValueError, match="at least 1"):
        ModelConfig(DEFAULT_MODEL, Path("m"), batch_size=0)
    with pytest.raises(ValueError, match="token limit must be at least 1"):
        ModelConfig(DEFAULT_MODEL, Path("m"), batch_tokens=0)
