"""Complaint topics from an editable keyword taxonomy (data/topics.json), en/ja/ko."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

TAXONOMY_PATH = Path(__file__).parent / "data" / "topics.json"
FALLBACK = "other"
_SUFFIXES = "(?:s|es|ed|d|ing|er|ers)?"
Taxonomy = dict[str, list[re.Pattern[str]]]


def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    """Topic -> compiled keyword patterns; Latin keywords match whole words (plus inflections), CJK anywhere."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {topic: [_pattern(k) for words in spec.get("keywords", {}).values() for k in words]
            for topic, spec in data.items()}


def _pattern(keyword: str) -> re.Pattern[str]:
    escaped = re.escape(keyword.casefold())
    return re.compile(rf"(?<![a-z0-9]){escaped}{_SUFFIXES}(?![a-z0-9])" if keyword.isascii() else escaped)


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()


def detect_topics(text: str, taxonomy: Taxonomy | None = None) -> list[str]:
    """Topics whose keywords occur in the text, in taxonomy order; ["other"] when none does."""
    lowered = text.casefold()
    found = [topic for topic, patterns in (taxonomy or default_taxonomy()).items()
             if any(p.search(lowered) for p in patterns)]
    return found or [FALLBACK]
