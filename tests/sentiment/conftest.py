"""Shared fixtures: one model cache per session (EARFUL_MODEL_CACHE reuses a built one, e.g. in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def model_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("EARFUL_MODEL_CACHE")
    if configured:
        Path(configured).mkdir(parents=True, exist_ok=True)
        return Path(configured)
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def encoder_dir(model_cache_dir: Path) -> Path:
    from sentiment.encoder import build_encoder

    return build_encoder(model_cache_dir)
