"""Whether a text asks something: question cues by language (question_cues.json, regular expressions).

A domain rule like models.complaint: the model's evaluation and the responder's intents share it (a question is
not a complaint unless it reports something wrong: the intents decide that), and importing it loads no model.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

CUES_FILE = Path(__file__).resolve().parent / "question_cues.json"


@lru_cache(maxsize=1)
def question_patterns() -> dict[str, tuple[re.Pattern[str], ...]]:
    data = json.loads(CUES_FILE.read_text(encoding="utf-8"))
    return {language: tuple(re.compile(pattern, re.IGNORECASE | re.MULTILINE) for pattern in patterns)
            for language, patterns in data.items() if not language.startswith("_")}


def is_question(text: str, language: str | None = None) -> bool:
    """True when `text` asks something, by the cues of `language` (or of every language when it has none)."""
    by_language = question_patterns()
    patterns = by_language.get(language or "") or tuple(p for group in by_language.values() for p in group)
    return any(pattern.search(text) for pattern in patterns)
