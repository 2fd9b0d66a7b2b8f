"""Drafting rules: which mentions deserve an answer, which saved reply fits and why, which wording is next.

What gets a draft: every review (respond to every review, positive or negative), and on social networks
every complaint, every question and confident praise. What does not, and why:
- neutral chatter that is neither a complaint, a question nor praise (news, promotions, passing mentions):
  answering it reads as spam;
- negative talk that is not a complaint and not addressed to the brand (a news story, a critical thread): the
  brand is discussed, not spoken to, so an answer reads as spam too;
- a copy of a social post already heard (retweet, repost, syndicated copy; `duplicate_of_id`): the original
  gets the answer, so nobody is answered twice for one post;
- low-confidence "praise" on social: the model is unsure it is praise (sarcasm reads positive), so a person
  decides from the queue instead of a thank-you going out by reflex.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlmodel import Session, col, func, select

from models import Mention, Reply, SavedReply, User
from models.complaint import is_complaint
from responder.drafting.variables import Rendered, Workspace, author_name, render, variables_for
from responder.lint.checks import BLOCK, matches, phrases_of
from responder.lint.rules import default_rules

PRAISE_CONFIDENCE = 0.6
QUESTION_PATTERN = re.compile(r"[?？]|(?:나요|까요|습니까|ですか|ますか|でしょうか)\s*$", re.MULTILINE)
FALLBACK_LANGUAGE = "en"
MAX_REASON = 500

__all__ = ["Rendered", "choose_saved_reply", "compose_draft", "needs_reply", "no_reply_reason", "render"]


@dataclass(frozen=True)
class Match:
    saved: SavedReply
    matched_on: tuple[str, ...]  # the saved reply's own fields that matched: language, topic, sentiment, network
    language_fallback: bool  # no saved reply in the mention's language fitted, so the English one was used


@dataclass(frozen=True)
class Draft:
    text: str
    saved_reply_id: int | None
    reason: str
    missing: tuple[str, ...] = ()


def is_question(text: str) -> bool:
    return bool(QUESTION_PATTERN.search(text))


def no_reply_reason(mention: Mention) -> str | None:
    """Why this mention gets no draft, or None when it deserves one (see the module docstring)."""
    if mention.rating is not None:
        return None
    if mention.duplicate_of_id is not None:
        return "a copy of a post already heard; the original gets the answer"
    if is_complaint(mention) or is_question(mention.text):
        return None
    if mention.sentiment == "positive":
        if (mention.confidence or 0.0) >= PRAISE_CONFIDENCE:
            return None
        return "positive, but the model is not confident it is praise"
    if mention.sentiment == "negative":
        return "negative, but not a complaint and not addressed to the brand (news or commentary)"
    return "neither a complaint, a question nor praise"


def needs_reply(mention: Mention) -> bool:
    return no_reply_reason(mention) is None


def primary_topic(mention: Mention) -> str | None:
    return mention.topics[0] if mention.topics else None


def match_saved_reply(candidates: Iterable[SavedReply], mention: Mention) -> Match | None:
    """The most specific active saved reply in the mention's language (English when none fits):
    topic outweighs sentiment, which outweighs network; among equals the oldest wins."""
    pool = [c for c in candidates if c.active]
    language = mention.language or FALLBACK_LANGUAGE
    best = _most_specific([c for c in pool if c.language == language], mention)
    fallback = best is None and language != FALLBACK_LANGUAGE
    if fallback:
        best = _most_specific([c for c in pool if c.language == FALLBACK_LANGUAGE], mention)
    if best is None:
        return None
    fields = ("topic", "sentiment", "network")
    matched = ("language",) * (not fallback) + tuple(name for name in fields if getattr(best, name) is not None)
    return Match(best, matched, fallback)


def choose_saved_reply(candidates: Iterable[SavedReply], mention: Mention) -> SavedReply | None:
    match = match_saved_reply(candidates, mention)
    return match.saved if match else None


def _most_specific(candidates: list[SavedReply], mention: Mention) -> SavedReply | None:
    scored = [(specificity(c), -(c.id or 0), c) for c in candidates if compatible(c, mention)]
    if not scored:
        return None
    return max(scored, key=lambda item: (item[0], item[1]))[2]


def compatible(saved: SavedReply, mention: Mention) -> bool:
    """Its scope matches the mention, it apologises only to a complaint, and it offers nothing the network blocks
    (a DM where there are none)."""
    return (
        (saved.topic is None or saved.topic == primary_topic(mention))
        and (saved.sentiment is None or saved.sentiment == mention.sentiment)
        and (saved.network is None or saved.network == mention.network)
        and (is_complaint(mention) or not apologises(saved))
        and not blocked_on(saved, mention.network)
    )


def apologises(saved: SavedReply) -> bool:
    """Some wording says sorry, by the shipped apology phrases (en/ja/ko)."""
    return any(matches(wording, apology_phrases()) for wording in wordings(saved))


def blocked_on(saved: SavedReply, network: str) -> bool:
    """Some wording has a phrase that a shipped blocking rule forbids on the network (e.g. "DM us" on Google Play)."""
    phrases = blocked_phrases(network)
    return bool(phrases) and any(matches(wording, phrases) for wording in wordings(saved))


@lru_cache(maxsize=1)
def apology_phrases() -> tuple[str, ...]:
    return tuple(phrase for rule in default_rules() if rule.kind == "apology" for phrase in phrases_of(rule))


@lru_cache(maxsize=32)
def blocked_phrases(network: str) -> tuple[str, ...]:
    return tuple(phrase for rule in default_rules()
                 if rule.kind == "forbidden_phrases" and rule.severity == BLOCK and rule.enabled
                 and rule.networks is not None and network in rule.networks for phrase in phrases_of(rule))


def specificity(saved: SavedReply) -> int:
    return 4 * (saved.topic is not None) + 2 * (saved.sentiment is not None) + (saved.network is not None)


def wordings(saved: SavedReply) -> list[str]:
    return [saved.body, *(variant for variant in saved.variants or [] if variant.strip())]


def pick_wording(saved: SavedReply, drafts_so_far: int) -> tuple[int, str]:
    """Round robin over the body and its variants: the n-th draft from a saved reply uses wording n mod k.
    Deterministic, and it needs no counter row to lock (two scoring workers could deadlock on one)."""
    options = wordings(saved)
    index = drafts_so_far % len(options)
    return index, options[index]


def drafts_made_from(session: Session, saved: SavedReply) -> int:
    statement = select(func.count()).select_from(Reply).where(col(Reply.saved_reply_id) == saved.id)
    return int(session.exec(statement).one())


def describe(mention: Mention) -> str:
    """What the mention is, as the reason line shows it: 'ja · delivery complaint · negative'."""
    topic = primary_topic(mention)
    if is_complaint(mention):
        subject = f"{topic} complaint" if topic else "complaint"
    elif is_question(mention.text):
        subject = f"{topic} question" if topic else "question"
    elif mention.rating is not None:
        subject = f"{mention.rating}★ review"
    elif mention.sentiment == "positive":
        subject = "praise"
    else:
        subject = topic or "mention"
    return " · ".join([mention.language or "language unknown", subject, mention.sentiment or "not scored"])


def reason_for(mention: Mention, match: Match | None, wording: int = 0, wording_count: int = 1) -> str:
    if match is None:
        return f"{describe(mention)} · no active saved reply fits: write this reply by hand"[:MAX_REASON]
    saved = match.saved
    on = f" on {', '.join(match.matched_on)}" if match.matched_on else ""
    reason = f"{describe(mention)} · matched saved reply '{saved.name}'{on}"
    if not set(match.matched_on) - {"language"}:
        reason += " (the general reply)"
    if match.language_fallback:
        reason += f" · no saved reply in {mention.language} fits, so the English one is used"
    if wording_count > 1:
        reason += f" · wording {wording + 1} of {wording_count}"
    return reason[:MAX_REASON]


def compose_draft(session: Session, mention: Mention, workspace: Workspace | str,
                  agent: User | None = None) -> Draft:
    """The draft for a mention from the best saved reply: next wording, variables filled, and why.
    `workspace` may be only the brand name (callers that have no other workspace values)."""
    if isinstance(workspace, str):
        workspace = Workspace(brand=workspace)
    active = session.exec(select(SavedReply).where(col(SavedReply.active))).all()
    match = match_saved_reply(active, mention)
    if match is None:
        return Draft(text="", saved_reply_id=None, reason=reason_for(mention, None))
    index, body = pick_wording(match.saved, drafts_made_from(session, match.saved))
    rendered = render(body, variables_for(mention, workspace, agent))
    reason = reason_for(mention, match, index, len(wordings(match.saved)))
    return Draft(text=rendered.text, saved_reply_id=match.saved.id, reason=reason, missing=rendered.missing)


def mention_variables(mention: Mention, brand: str) -> dict[str, str]:
    """The author and brand only; kept for callers that have no workspace (compose_draft fills them all)."""
    return {"author": author_name(mention), "brand": brand}
