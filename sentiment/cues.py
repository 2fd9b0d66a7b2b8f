"""Word lists behind reasons: cue phrases (data/cues.json) for models that give no word weights, and function
words (data/function_words.json) a reason should not name on their own."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

CUES_PATH = Path(__file__).parent / "data" / "cues.json"
FUNCTION_WORDS_PATH = Path(__file__).parent / "data" / "function_words.json"


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, dict[str, list[str]]]:
    data: dict[str, dict[str, list[str]]] = json.loads(CUES_PATH.read_text(encoding="utf-8"))
    return data


def cue_phrases(language: str, label: str) -> list[str]:
    """Cues for one language and label, longest first so the most specific phrase is reported."""
    lexicon = _lexicon()
    cues = lexicon.get(language, lexicon["en"]).get(label, [])
    return sorted(cues, key=len, reverse=True)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Articles, particles, pronouns and the like in every language, casefolded. Only Chinese and Japanese share a
    script, and the Chinese ones are not Japanese words on their own (on 320 Japanese texts they changed two reasons,
    both for the better: "生地がしっかりしていて" instead of "生")."""
    data = json.loads(FUNCTION_WORDS_PATH.read_text(encoding="utf-8"))
    return frozenset(word.casefold() for key, words in data.items() if key != "note" for word in words)
