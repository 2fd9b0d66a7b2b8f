"""Cue-phrase lexicon (data in data/cues.json) used to explain labels when a model gives no word weights."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

CUES_PATH = Path(__file__).parent / "data" / "cues.json"


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, dict[str, list[str]]]:
    data: dict[str, dict[str, list[str]]] = json.loads(CUES_PATH.read_text(encoding="utf-8"))
    return data


def cue_phrases(language: str, label: str) -> list[str]:
    """Cues for one language and label, longest first so the most specific phrase is reported."""
    lexicon = _lexicon()
    cues = lexicon.get(language, lexicon["en"]).get(label, [])
    return sorted(cues, key=len, reverse=True)
