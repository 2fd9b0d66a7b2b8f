"""Reviews that were updated: the part after the last "UPDATE:" is the customer's opinion now.

A five-star review that ends "UPDATE: stopped working after two weeks" is a complaint to answer; read whole, its
praise outweighs the one late sentence (the encoder pools every token alike, and the issue that asked for this saw
such updates missed). So scoring (sentiment.api) reads the update apart and, when the update is negative, the
mention is judged by it. Only then: a positive edit is as often "Edit: thanks for the gold" under a Reddit complaint
(61 of 47,531 GoEmotions comments carry an edit) as a resolved problem, and a complaint must not be lost to it.
Review sites and app stores show these markers in many forms; the ones below are those the brands' review sources
print, in the languages scoring knows.
"""

from __future__ import annotations

import re

MIN_PART_LETTERS = 8  # both the review and its update must say something for the update to be read apart
_SENTENCE_END = ".!?。！？)]】…"
_MARKER = re.compile(
    r"(?<!\w)(?:"
    # [UPDATE], 【追記】
    r"[\[(【]\s*(?:update[ds]?|edit(?:ed)?|追記|追加|追评|추가|수정|업데이트)\s*\d*\s*[\])】]\s*[:：\-–—]?"
    r"|(?:update[ds]?|edit(?:ed)?|actualizaci[oó]n|mise à jour|edit[ée]|nachtrag)\s*\d*\s*[:：\-–—]"  # UPDATE: Edit -
    r"|(?:追記|追评|追加评论|추가|수정|업데이트)\s*[:：]"  # 追記： 추가: (a dash there is as often a price list's)
    r")",
    re.IGNORECASE,
)


def latest_part(text: str) -> str | None:
    """The text after its last update marker, when the text says something before the marker and after it; None
    otherwise (no marker, or nothing on one side: a text that is only an update is read whole)."""
    markers = [m for m in _MARKER.finditer(text) if _starts_a_part(text, m)]
    if not markers:
        return None
    last = markers[-1]
    before, after = text[:last.start()], text[last.end():].strip()
    return after if _letters(before) >= MIN_PART_LETTERS and _letters(after) >= MIN_PART_LETTERS else None


def _starts_a_part(text: str, marker: re.Match[str]) -> bool:
    """A marker opens an update after a sentence ends, in brackets, in capitals ("UPDATE:", where the line break
    before it is gone) or in a script without capitals; "Solar Update: a coronal mass ejection" is a headline."""
    word = marker.group()
    previous = text[:marker.start()].rstrip()[-1:]
    return (not previous or previous in _SENTENCE_END or word[0] in "[(【" or word.isupper()
            or not any("a" <= ch.casefold() <= "z" for ch in word))


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)
