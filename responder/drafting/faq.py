"""The FAQ the admin keeps: short public answers matched to questions by keywords in the question's language.

An entry matches when every one of its keywords appears in the mention (case and width folded: ＩＨ is IH); among
matching entries the one with the most keywords wins (the most specific), then the oldest. A question with a
match is drafted with the entry's answer in the question template's {answer}; without one, {answer} becomes
the prompted field {?answer} for the agent to fill. Services flush; the caller commits once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from models import Mention, User, record_event
from models.audit import apply_audited_changes
from models.base import utcnow
from models.drafting_aids import FaqEntry
from models.errors import Invalid
from responder.drafting.intents import LANGUAGES, mention_text

MAX_QUESTION = 300
MAX_ANSWER = 1000
MAX_KEYWORDS = 12
MAX_KEYWORD = 60
ANSWER_PROMPT = "{?answer}"


@dataclass(frozen=True)
class FaqSpec:
    language: str
    question: str
    keywords: list[str]
    answer: str


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def matching_entry(session: Session, mention: Mention) -> FaqEntry | None:
    entries = session.exec(select(FaqEntry).where(col(FaqEntry.active),
                                                  FaqEntry.language == (mention.language or "en"))).all()
    return best_entry(entries, mention_text(mention))


def best_entry(entries: Sequence[FaqEntry], text: str) -> FaqEntry | None:
    folded = fold(text)
    found = [entry for entry in entries if entry.keywords and all(fold(word) in folded for word in entry.keywords)]
    return min(found, key=lambda entry: (-len(entry.keywords), entry.id or 0), default=None)


def answer_for(session: Session, mention: Mention) -> str:
    """The value of {answer}: the matching entry's answer, or the prompted field for the agent."""
    entry = matching_entry(session, mention)
    return entry.answer if entry else ANSWER_PROMPT


def validate(*, language: str, question: str, keywords: str, answer: str) -> FaqSpec:
    """Check the admin's form: keywords one per line or separated by commas; all of them must appear."""
    errors: dict[str, str] = {}
    if language not in LANGUAGES:
        errors["language"] = "Choose one of " + ", ".join(LANGUAGES) + "."
    question = " ".join(question.split())
    if not 1 <= len(question) <= MAX_QUESTION:
        errors["question"] = f"Say what it answers in 1 to {MAX_QUESTION} characters."
    words = list(dict.fromkeys(word.strip() for word in keywords.replace("、", ",").replace("\n", ",").split(",")
                               if word.strip()))
    if not words:
        errors["keywords"] = "Give at least one keyword that a question about this contains."
    elif len(words) > MAX_KEYWORDS or any(len(word) > MAX_KEYWORD for word in words):
        errors["keywords"] = f"At most {MAX_KEYWORDS} keywords of up to {MAX_KEYWORD} characters."
    answer = answer.replace("\x00", "").replace("\r\n", "\n").strip()
    if not 1 <= len(answer) <= MAX_ANSWER:
        errors["answer"] = f"The answer is 1 to {MAX_ANSWER} characters."
    elif "{" in answer or "}" in answer:
        errors["answer"] = "The answer is plain text: it cannot contain { or }."
    if errors:
        raise Invalid(errors)
    return FaqSpec(language=language, question=question, keywords=words, answer=answer)


def create_entry(session: Session, spec: FaqSpec, *, actor: User) -> FaqEntry:
    entry = FaqEntry(language=spec.language, question=spec.question, keywords=spec.keywords, answer=spec.answer)
    session.add(entry)
    session.flush()
    record_event(session, "faq.created", actor=actor, faq_entry_id=entry.id, language=spec.language,
                 question=spec.question, keywords=spec.keywords, answer=spec.answer)
    return entry


def update_entry(session: Session, entry: FaqEntry, spec: FaqSpec, *, actor: User) -> bool:
    values: dict[str, Any] = {"language": spec.language, "question": spec.question, "keywords": spec.keywords,
                              "answer": spec.answer}
    return bool(apply_audited_changes(session, entry, values, "faq.updated", actor=actor, touch="updated_at",
                                      faq_entry_id=entry.id))


def set_active(session: Session, entry: FaqEntry, active: bool, *, actor: User) -> bool:
    if entry.active == active:
        return False
    entry.active = active
    entry.updated_at = utcnow()
    session.flush()
    record_event(session, "faq.activated" if active else "faq.deactivated", actor=actor, faq_entry_id=entry.id,
                 question=entry.question)
    return True


def faq_entries(session: Session, *, include_inactive: bool = False) -> list[FaqEntry]:
    statement = select(FaqEntry)
    if not include_inactive:
        statement = statement.where(col(FaqEntry.active))
    return list(session.exec(statement.order_by(col(FaqEntry.language), col(FaqEntry.question), col(FaqEntry.id))))
