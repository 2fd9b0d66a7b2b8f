"""Offline language detection: script fast path for CJK, lingua for the rest, "und" when there is too little text."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

UNDETERMINED = "und"
MIN_LETTERS = 3
LANGUAGES = ("EN", "JA", "KO", "ZH", "ES", "FR", "DE", "PT", "IT", "NL", "RU", "AR", "TR", "ID", "VI", "TH", "PL",
             "SV", "HI", "UK")
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@＠]\w+|#", re.UNICODE)


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code) for code in LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def letters(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch).startswith("L"))


def script_language(chars: str) -> str | None:
    """Scripts that name their language outright; short CJK text is where statistical detectors fail."""
    kana = sum(0x3040 <= ord(c) <= 0x30FF or 0xFF66 <= ord(c) <= 0xFF9D for c in chars)
    hangul = sum(0xAC00 <= ord(c) <= 0xD7A3 or 0x1100 <= ord(c) <= 0x11FF or 0x3130 <= ord(c) <= 0x318F for c in chars)
    han = sum(0x4E00 <= ord(c) <= 0x9FFF or 0x3400 <= ord(c) <= 0x4DBF for c in chars)
    if hangul and hangul >= kana:
        return "ko"
    if kana:
        return "ja"
    if han and han * 2 >= len(chars):
        return "zh"
    return None


def detect_language(text: str) -> str:
    """ISO 639-1 code, or "und" for empty, very short, emoji-only or URL-only text."""
    stripped = _NOISE.sub(" ", text)
    chars = letters(stripped)
    by_script = script_language(chars)
    if by_script:
        return by_script
    if len(chars) < MIN_LETTERS or len(set(chars.casefold())) < MIN_LETTERS:
        return UNDETERMINED
    found = _detector().detect_language_of(stripped)
    return found.iso_code_639_1.name.lower() if found is not None else UNDETERMINED
