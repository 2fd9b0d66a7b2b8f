"""Whether a text asks something: question cues by language (question_cues.json, regular expressions).

A domain rule like models.complaint: the model's evaluation and the responder's intents share it (a question is
not a complaint unless it reports something wrong: the intents decide that), and importing it loads no model.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from models.cues import CuesByLanguage, compile_by_language, cues_for, read_cue_file

CUES_FILE = Path(__file__).resolve().parent / "question_cues.json"


@lru_cache(maxsize=1)
def question_patterns() -> CuesByLanguage:
    return compile_by_language(read_cue_file(CUES_FILE))


def is_question(text: str, language: str | None = None) -> bool:
    """True when `text` asks something, by the cues of `language` (or of every language when it has none)."""
    return any(pattern.search(text) for pattern in cues_for(question_patterns(), language))
