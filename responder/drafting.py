"""Pure drafting rules: which mentions deserve an answer, which saved reply fits, filling its variables."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from models import Mention, SavedReply

COMPLAINT_THRESHOLD = 0.5
PRAISE_CONFIDENCE = 0.6
QUESTION_PATTERN = re.compile(r"[?？]|(?:나요|까요|습니까|ですか|ますか|でしょうか)\s*$", re.MULTILINE)
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: tuple[str, ...]


def is_question(text: str) -> bool:
    return bool(QUESTION_PATTERN.search(text))


def needs_reply(mention: Mention) -> bool:
    """Every review gets an answer; on social, complaints, questions and confident praise do."""
    if mention.rating is not None:
        return True
    if (mention.complaint or 0.0) >= COMPLAINT_THRESHOLD or mention.sentiment == "negative":
        return True
    if is_question(mention.text):
        return True
    return mention.sentiment == "positive" and (mention.confidence or 0.0) >= PRAISE_CONFIDENCE


def primary_topic(mention: Mention) -> str | None:
    return mention.topics[0] if mention.topics else None


def choose_saved_reply(candidates: Iterable[SavedReply], mention: Mention) -> SavedReply | None:
    """The most specific active saved reply in the mention's language (English when none exists)."""
    pool = [c for c in candidates if c.active]
    language = mention.language or FALLBACK_LANGUAGE
    in_language = [c for c in pool if c.language == language] or [c for c in pool if c.language == FALLBACK_LANGUAGE]
    scored = [(_specificity(c, mention), -(c.id or 0), c) for c in in_language if _compatible(c, mention)]
    if not scored:
        return None
    return max(scored, key=lambda item: (item[0], item[1]))[2]


def _compatible(saved: SavedReply, mention: Mention) -> bool:
    topic = primary_topic(mention)
    return (
        (saved.topic is None or saved.topic == topic)
        and (saved.sentiment is None or saved.sentiment == mention.sentiment)
        and (saved.network is None or saved.network == mention.network)
    )


def _specificity(saved: SavedReply, mention: Mention) -> int:
    return 4 * (saved.topic is not None) + 2 * (saved.sentiment is not None) + (saved.network is not None)


def render(body: str, variables: Mapping[str, str]) -> Rendered:
    """Fill {name} placeholders; unknown or empty ones stay visible and are reported, never guessed."""
    missing: list[str] = []
    parts: list[str] = []
    for literal, field, _spec, _conv in string.Formatter().parse(body):
        parts.append(literal)
        if field is None:
            continue
        value = variables.get(field, "")
        if value:
            parts.append(value)
        else:
            missing.append(field)
            parts.append("{" + field + "}")
    return Rendered(text="".join(parts), missing=tuple(dict.fromkeys(missing)))


def mention_variables(mention: Mention, brand: str) -> dict[str, str]:
    author = mention.author.strip()
    if author and mention.network == "x":
        author = "@" + author.lstrip("@")
    return {"author": author, "brand": brand}
