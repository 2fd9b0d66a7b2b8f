"""Text cues kept as data: regular expressions by language in a JSON file, so they are tuned without code.

A cue file maps language -> patterns (models/question_cues.json) or kind -> language -> patterns
(responder/drafting/intent_cues.json); keys starting with "_" are notes for people. Patterns are Python re,
matched case-insensitively, with ^ and $ at every line. The callers cache what they compile (lru_cache)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

FLAGS = re.IGNORECASE | re.MULTILINE

CuesByLanguage = dict[str, tuple[re.Pattern[str], ...]]


def read_cue_file(path: Path) -> dict[str, Any]:
    """The file's entries, its "_" notes left out."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


def compile_by_language(patterns: Mapping[str, Iterable[str]]) -> CuesByLanguage:
    return {language: tuple(re.compile(pattern, FLAGS) for pattern in texts) for language, texts in patterns.items()}


def cues_for(cues: CuesByLanguage, language: str | None) -> tuple[re.Pattern[str], ...]:
    """The cues of `language`, or every language's when it has no entry (unknown, or None)."""
    if language in cues:
        return cues[language]
    return tuple(pattern for patterns in cues.values() for pattern in patterns)
