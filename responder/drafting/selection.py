"""Which saved reply fits a mention, scored on everything known about it at once, and which wording to send.

A saved reply fits when each field it sets (intent, topic, sentiment, network, channel) agrees with the mention
(a topic reply needs the mention to be about that topic alone: topics are listed in the taxonomy's order, not by
weight, so with several of them the first is often only where the item was, "arrived cracked"),
it says sorry only to a complaint (or the criticism in a mixed review), and it offers nothing the network forbids.
Among those that fit, each agreeing field adds to the score, intent most: a reply that misses on one field is
never a candidate, so it can never outrank one that agrees. A reply that asks for the order number loses to one
that does not when the author already gave it. The wording is the next in turn that the author has not already
received from us.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlmodel import Session, col, select

from models import Mention, Reply, SavedReply
from models.complaint import is_complaint
from responder.drafting.intents import asks_for_order_number, channel_of, detect_intent, mention_text, order_number
from responder.drafting.variables import fill_prompts, unfilled_prompts
from responder.lint.checks import BLOCK, matches, phrases_of
from responder.lint.rules import default_rules

FALLBACK_LANGUAGE = "en"
APOLOGY_INTENTS = frozenset({"complaint", "mixed", "escalation"})
WEIGHTS = {"intent": 8, "topic": 4, "sentiment": 2, "network": 2, "channel": 1}
ASKS_AGAIN_PENALTY = 6  # more than a topic match: never ask for what the author already gave
ORDER_PROMPTS = ("order number", "order no", "注文番号", "ご注文番号", "주문번호", "주문 번호")
HISTORY_LIMIT = 50
MIN_FINGERPRINT = 8  # shorter literal text ("Hi ", "様、") says nothing about which wording was sent


@dataclass(frozen=True)
class Profile:
    """What selection reads of a mention, worked out once."""

    language: str
    intent: str
    channel: str
    network: str
    sentiment: str | None
    topics: tuple[str, ...]
    complaint: bool
    order_number: str | None

    @property
    def topic(self) -> str | None:
        return self.topics[0] if self.topics else None


def profile_of(mention: Mention) -> Profile:
    return Profile(language=mention.language or FALLBACK_LANGUAGE, intent=detect_intent(mention),
                   channel=channel_of(mention.network), network=mention.network, sentiment=mention.sentiment,
                   topics=tuple(mention.topics or ()), complaint=is_complaint(mention),
                   order_number=order_number(mention_text(mention), mention.language))


def fits(saved: SavedReply, profile: Profile) -> bool:
    intent = "complaint" if profile.intent == "escalation" else profile.intent  # a person picking for one
    return (
        saved.active
        and (saved.intent is None or saved.intent == intent)
        and (saved.topic is None or profile.topics == (saved.topic,))
        and (saved.sentiment is None or saved.sentiment == profile.sentiment)
        and (saved.network is None or saved.network == profile.network)
        and (saved.channel is None or saved.channel == profile.channel)
        and (may_apologise(profile) or not apologises(saved))
        and not blocked_on(saved, profile.network)
    )


def may_apologise(profile: Profile) -> bool:
    """Sorry is for a complaint, an escalation or a mixed review's criticism; never for a question or praise."""
    return profile.intent in APOLOGY_INTENTS or (profile.complaint and profile.intent == "neutral")


def score(saved: SavedReply, profile: Profile) -> int:
    """How much of the mention a fitting saved reply speaks to (see the module docstring)."""
    points = sum(weight for name, weight in WEIGHTS.items() if getattr(saved, name) is not None)
    if profile.order_number and any(asks_for_order_number(wording) for wording in wordings(saved)):
        points -= ASKS_AGAIN_PENALTY
    return points


def ranked(candidates: Iterable[SavedReply], profile: Profile, language: str) -> list[SavedReply]:
    """The fitting saved replies in `language`, best first; among equals the oldest."""
    pool = [saved for saved in candidates if saved.language == language and fits(saved, profile)]
    return sorted(pool, key=lambda saved: (-score(saved, profile), saved.id or 0))


def matched_fields(saved: SavedReply) -> tuple[str, ...]:
    return tuple(name for name in ("intent", "topic", "sentiment", "network", "channel")
                 if getattr(saved, name) is not None)


def wordings(saved: SavedReply) -> list[str]:
    return [saved.body, *(variant for variant in saved.variants or [] if variant.strip())]


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


# --- wordings the author has not had -----------------------------------------------------------------------------

def author_history(session: Session, mention: Mention) -> list[str]:
    """The texts of our earlier replies (drafted, sent or not) to this author on this network, newest first."""
    if mention.author_id:
        same_author = col(Mention.author_id) == mention.author_id
    elif mention.author:
        same_author = col(Mention.author) == mention.author
    else:
        return []
    statement = (select(Reply.text).join(Mention, col(Mention.id) == col(Reply.mention_id))
                 .where(same_author, col(Mention.network) == mention.network, col(Mention.id) != mention.id)
                 .order_by(col(Reply.id).desc()).limit(HISTORY_LIMIT))
    return [text for text in session.exec(statement) if text]


def fingerprint(wording: str) -> str:
    """The wording's longest stretch of fixed text: what every reply drafted from it contains."""
    try:
        literals = [literal for literal, *_ in string.Formatter().parse(wording)]
    except ValueError:
        literals = [wording]
    return max((literal.strip() for literal in literals), key=len, default="")


def already_sent(wording: str, history: Sequence[str]) -> bool:
    mark = fingerprint(wording)
    return len(mark) >= MIN_FINGERPRINT and any(mark in text for text in history)


def next_unsent(saved: SavedReply, turn: int, history: Sequence[str]) -> int | None:
    """The index of the first wording from the `turn`-th on (round robin) that the author has not received."""
    options = wordings(saved)
    for step in range(len(options)):
        index = (turn + step) % len(options)
        if not already_sent(options[index], history):
            return index
    return None


def fill_order_number(text: str, number: str | None) -> str:
    """Put the order number the author gave into the prompted field asking for it."""
    if not number:
        return text
    # through fill_prompts so a Korean particle after the field agrees ("{?주문번호}를" + 1023 -> "1023을")
    return fill_prompts(text, {label: number for label in unfilled_prompts(text)
                               if label.strip().lower() in ORDER_PROMPTS})
