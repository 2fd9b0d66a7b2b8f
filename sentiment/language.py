"""Offline language detection: script fast path for CJK, lingua for the rest, "und" when there is too little text.

A short Latin-script text gives lingua too few character n-grams ("bad" reads as Portuguese), so there lingua's
confidence values are combined with word frequencies (sentiment.word_language).

Han-only text is ambiguous between Chinese and Japanese ("配送遅延" has no kana). Japanese uses simplified
character forms (shinjitai) and characters of its own (kokuji) that neither simplified nor traditional Chinese
writes, so a text that would be called Chinese but contains one of them, or the iteration mark 々, is Japanese.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sentiment import word_language

UNDETERMINED = "und"
MIN_LETTERS = 3
LANGUAGES = ("EN", "JA", "KO", "ZH", "ES", "FR", "DE", "PT", "IT", "NL", "RU", "AR", "TR", "ID", "VI", "TH", "PL",
             "SV", "HI", "UK")
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@＠]\w+|#", re.UNICODE)
# Shinjitai and kokuji absent from both Chinese scripts (their Chinese forms in the comment), plus 々.
JAPANESE_ONLY_HAN = frozenset(
    "々"
    "込働畑峠枠匂辻凪"  # kokuji
    "遅悪対払収様気発変関険験価売読続済図広駅楽歳単営戻帰県労従舗転軽経総薬覚観権実乗焼亜悩戦絵継蔵譲釈隠雑"
    "頼顔騒黒黙齢辺闘証児満効検択覧圧囲応処両拡塩鉄巻恵桜沢歓剰勧巣拝斉粋穏稲徴"
    # shinjitai whose Chinese forms differ, e.g. 遅 (迟/遲), 悪 (恶/惡), 対 (对/對), 気 (气/氣), 発 (发/發), 価 (价/價);
    # not 届, 弁 or 浜, which Chinese also writes
)


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
    han = sum(0x4E00 <= ord(c) <= 0x9FFF or 0x3400 <= ord(c) <= 0x4DBF or c == "々" for c in chars)
    if hangul and hangul >= kana:
        return "ko"
    if kana:
        return "ja"
    if han and han * 2 >= len(chars):
        return "zh"
    return None


def japanese_or_chinese(text: str) -> str:
    """For text judged Chinese: Japanese when it uses a character only Japanese writes."""
    return "ja" if any(ch in JAPANESE_ONLY_HAN for ch in text) else "zh"


def _prepare(text: str) -> tuple[str, str | None]:
    """The text lingua should see, or the decided language when the script or its length already tells."""
    stripped = _NOISE.sub(" ", text)
    chars = letters(stripped)
    by_script = script_language(chars)
    if by_script:
        return stripped, japanese_or_chinese(chars) if by_script == "zh" else by_script
    if len(chars) < MIN_LETTERS or len(set(chars.casefold())) < MIN_LETTERS:
        return stripped, UNDETERMINED
    return stripped, None


def _code(found: Any, text: str) -> str:
    if found is None:
        return UNDETERMINED
    code = str(found.iso_code_639_1.name.lower())
    return japanese_or_chinese(text) if code == "zh" else code


def _short_latin_words(text: str) -> list[str] | None:
    """The words of a text that word evidence should decide, or None when lingua alone should."""
    words = word_language.words_of(text)
    return words if word_language.is_latin(letters(text)) and word_language.applies(words) else None


def _by_words(words: list[str], confidences: Sequence[Any]) -> str:
    by_code = {str(c.language.iso_code_639_1.name.lower()): float(c.value) for c in confidences}
    return word_language.most_likely(words, by_code)


def detect_language(text: str) -> str:
    """ISO 639-1 code, or "und" for empty, very short, emoji-only or URL-only text."""
    stripped, decided = _prepare(text)
    if decided is not None:
        return decided
    words = _short_latin_words(stripped)
    if words is not None:
        return _by_words(words, _detector().compute_language_confidence_values(stripped))
    return _code(_detector().detect_language_of(stripped), stripped)


def detect_languages(texts: Sequence[str]) -> list[str]:
    """detect_language for many texts: the script fast path first, lingua once (in parallel) for the rest."""
    prepared = [_prepare(t) for t in texts]
    out = [decided or UNDETERMINED for _, decided in prepared]
    pending = [i for i, (_, decided) in enumerate(prepared) if decided is None]
    short = {i: words for i in pending if (words := _short_latin_words(prepared[i][0])) is not None}
    longer = [i for i in pending if i not in short]
    if short:
        confidences = _detector().compute_language_confidence_values_in_parallel([prepared[i][0] for i in short])
        for (i, words), values in zip(short.items(), confidences, strict=True):
            out[i] = _by_words(words, values)
    if longer:
        found = _detector().detect_languages_in_parallel_of([prepared[i][0] for i in longer])
        for i, language in zip(longer, found, strict=True):
            out[i] = _code(language, prepared[i][0])
    return out
