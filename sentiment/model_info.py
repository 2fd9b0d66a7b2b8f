"""What the configured model is, read from its committed metrics (never by loading it: the web process has no torch)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sentiment.config import DEFAULT_MODEL
from sentiment.language import LANGUAGES

METRICS_PATH = Path(__file__).resolve().parent / "artefacts" / "metrics.json"
# The language of each held-out data set the default model is measured on (see sentiment.datasets).
DATASET_LANGUAGES = {"tweeteval": "en", "complaints": "en", "rotten_tomatoes": "en", "nsmc": "ko", "ja": "ja"}


@dataclass(frozen=True)
class ModelInfo:
    name: str
    version: str  # "" when only loading the model would tell (a Hugging Face model id)
    encoder: str
    detected_languages: tuple[str, ...]  # what language detection can name; others are "und"
    evaluated_languages: tuple[str, ...]  # languages with a held-out figure
    trained_at: str = ""
    headline: dict[str, float | None] = field(default_factory=dict)


def model_info(name: str, metrics_path: Path = METRICS_PATH) -> ModelInfo:
    detected = tuple(code.lower() for code in LANGUAGES)
    if name != DEFAULT_MODEL:
        return ModelInfo(name, "", name, detected, ())
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    meta = metrics.get("meta", {})
    evaluated = sorted({DATASET_LANGUAGES[d] for d in metrics.get("split_sizes", {}) if d in DATASET_LANGUAGES})
    lexical = meta.get("lexical_head") or {}
    version = str(meta.get("model_version", "")) + (f"+lex-{lexical['digest']}" if lexical.get("digest") else "")
    return ModelInfo(name, version, str(meta.get("encoder_id", "")), detected,
                     tuple(evaluated), str(meta.get("trained_at", "")), dict(metrics.get("headline", {})))
