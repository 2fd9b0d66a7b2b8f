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
  decides from the queue instead of a thank-you going out by reflex;
- a post that does not speak to the brand (responder.drafting.intents.addresses_brand: no @mention of its
  accounts, not a reply in a brand thread, not a search hit in someone else's subreddit thread): an agent may
  still ask for a draft from the mention page.

Which saved reply and wording: responder.drafting.selection. Escalations get no saved reply (a person and a lead
answer them, responder.drafting.escalation); during an incident, complaints it covers get its one short reply
(responder.drafting.incident); a question's {answer} comes from the FAQ (responder.drafting.faq).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from models import Mention, Reply, SavedReply, User
from models.complaint import is_complaint
from models.questions import is_question
from responder.drafting import faq, incident, intents, selection
from responder.drafting.selection import (
    FALLBACK_LANGUAGE,
    Profile,
    apologises,
    apology_phrases,
    blocked_on,
    blocked_phrases,
    profile_of,
    wordings,
)
from responder.drafting.variables import Rendered, Workspace, author_name, render, variables_for

PRAISE_CONFIDENCE = 0.6
MAX_REASON = 500

__all__ = ["Rendered", "apologises", "apology_phrases", "blocked_on", "blocked_phrases", "choose_saved_reply",
           "compose_draft", "needs_reply", "no_reply_reason", "render", "wordings"]


@dataclass(frozen=True)
class Match:
    saved: SavedReply
    matched_on: tuple[str, ...]  # the saved reply's own fields that matched: language, intent, topic, sentiment, ...
    language_fallback: bool  # no saved reply in the mention's language fitted, so the English one was used


@dataclass(frozen=True)
class Draft:
    text: str
    saved_reply_id: int | None
    reason: str
    missing: tuple[str, ...] = ()
    intent: str = ""
    escalation_cues: tuple[str, ...] = ()  # set for an escalation: the caller routes it to a lead


def no_reply_reason(mention: Mention, brand: Workspace | str | None = None) -> str | None:
    """Why this mention gets no draft, or None when it deserves one (see the module docstring). Without `brand`
    only what the collector marked decides whether a post speaks to the brand."""
    if mention.rating is not None:
        return None
    if mention.duplicate_of_id is not None:
        return "a copy of a post already heard; the original gets the answer"
    if not intents.addresses_brand(mention, _brand(brand)):
        return "does not speak to the brand (no @mention, not in a brand thread); ask for a draft to answer anyway"
    if is_complaint(mention) or is_question(mention.text, mention.language) or intents.escalation_cues(mention):
        return None
    if mention.sentiment == "positive":
        if (mention.confidence or 0.0) >= PRAISE_CONFIDENCE:
            return None
        return "positive, but the model is not confident it is praise"
    if mention.sentiment == "negative":
        return "negative, but not a complaint and not addressed to the brand (news or commentary)"
    return "neither a complaint, a question nor praise"


def _brand(brand: Workspace | str | None) -> Workspace:
    if isinstance(brand, Workspace):
        return brand
    return Workspace(brand=brand or "")


def needs_reply(mention: Mention, brand: Workspace | str | None = None) -> bool:
    return no_reply_reason(mention, brand) is None


def primary_topic(mention: Mention) -> str | None:
    return mention.topics[0] if mention.topics else None


def match_saved_reply(candidates: Iterable[SavedReply], mention: Mention, profile: Profile | None = None,
                      history: tuple[str, ...] = ()) -> Match | None:
    """The best fitting saved reply in the mention's language (English when none fits), preferring one with a
    wording the author has not had (see responder.drafting.selection)."""
    found = ranked_matches(candidates, mention, profile)
    fresh = [match for match in found if selection.next_unsent(match.saved, 0, history) is not None]
    chosen = fresh or found
    return chosen[0] if chosen else None


def ranked_matches(candidates: Iterable[SavedReply], mention: Mention, profile: Profile | None = None) -> list[Match]:
    profile = profile or profile_of(mention)
    pool = list(candidates)
    best = selection.ranked(pool, profile, profile.language)
    fallback = not best and profile.language != FALLBACK_LANGUAGE
    if fallback:
        best = selection.ranked(pool, profile, FALLBACK_LANGUAGE)
    return [Match(saved, ("language",) * (not fallback) + selection.matched_fields(saved), fallback)
            for saved in best]


def choose_saved_reply(candidates: Iterable[SavedReply], mention: Mention) -> SavedReply | None:
    match = match_saved_reply(candidates, mention)
    return match.saved if match else None


def compatible(saved: SavedReply, mention: Mention) -> bool:
    """Its scope matches the mention, it apologises only where sorry is due, and it offers nothing the network
    blocks (a DM where there are none)."""
    return selection.fits(saved, profile_of(mention))


def specificity(saved: SavedReply) -> int:
    return sum(selection.WEIGHTS[name] for name in selection.matched_fields(saved))


def pick_wording(saved: SavedReply, drafts_so_far: int, history: tuple[str, ...] = ()) -> tuple[int, str]:
    """Round robin over the body and its variants (the n-th draft from a saved reply uses wording n mod k),
    skipping wordings this author already received. Deterministic, and it needs no counter row to lock."""
    options = wordings(saved)
    index = selection.next_unsent(saved, drafts_so_far, history)
    if index is None:
        index = drafts_so_far % len(options)
    return index, options[index]


def drafts_made_from(session: Session, saved: SavedReply) -> int:
    statement = select(func.count()).select_from(Reply).where(col(Reply.saved_reply_id) == saved.id)
    return int(session.exec(statement).one())


def describe(mention: Mention, intent: str | None = None) -> str:
    """What the mention is, as the reason line shows it: 'ja · delivery complaint · negative'."""
    topic = primary_topic(mention)
    intent = intent or intents.detect_intent(mention)
    if intent == "escalation":
        subject = f"{topic} escalation" if topic else "escalation"
    elif intent == "question":
        subject = f"{topic} question" if topic else "question"
    elif intent == "complaint" or (intent == "neutral" and is_complaint(mention)):
        subject = f"{topic} complaint" if topic else "complaint"
    elif intent == "mixed":
        subject = f"{mention.rating}★ mixed review" if mention.rating else "mixed"
    elif mention.rating is not None:
        subject = f"{mention.rating}★ review"
    elif mention.sentiment == "positive":
        subject = "praise"
    else:
        subject = topic or "mention"
    return " · ".join([mention.language or "language unknown", subject, mention.sentiment or "not scored"])


def reason_for(mention: Mention, match: Match | None, wording: int = 0, wording_count: int = 1,
               *, repeated: bool = False) -> str:
    if match is None:
        return f"{describe(mention)} · no active saved reply fits: write this reply by hand"[:MAX_REASON]
    saved = match.saved
    on = f" on {', '.join(match.matched_on)}" if match.matched_on else ""
    reason = f"{describe(mention)} · matched saved reply '{saved.name}'{on}"
    if not set(match.matched_on) - {"language"}:
        reason += " (the general reply)"
    if match.language_fallback:
        reason += f" · no saved reply in {mention.language} fits, so the English one is used"
    if repeated:
        reason += " · this author has had every wording already"
    if wording_count > 1:
        reason += f" · wording {wording + 1} of {wording_count}"
    return reason[:MAX_REASON]


def compose_draft(session: Session, mention: Mention, workspace: Workspace | str,
                  agent: User | None = None) -> Draft:
    """The draft for a mention: none for an escalation (a person writes it), the incident's reply for a complaint
    it covers, else the best saved reply's next wording with variables, the FAQ answer and the order number the
    author gave filled in, and why. `workspace` may be only the brand name."""
    if isinstance(workspace, str):
        workspace = Workspace(brand=workspace)
    profile = profile_of(mention)
    if profile.intent == "escalation":
        return _escalation_draft(mention)
    current = incident.active_incident(session)
    if current is not None and incident.covers(current, profile.intent, profile.topics):
        text = incident.reply_text(current, profile.language)
        if text:
            rendered = render(text, variables_for(mention, workspace, agent))
            reason = f"{describe(mention, profile.intent)} · incident {current.id} declared: its reply to everyone"
            return Draft(text=rendered.text, saved_reply_id=None, reason=reason[:MAX_REASON],
                         missing=rendered.missing, intent=profile.intent)
    active = session.exec(select(SavedReply).where(col(SavedReply.active))).all()
    history = tuple(selection.author_history(session, mention))
    match = match_saved_reply(active, mention, profile, history)
    if match is None:
        return Draft(text="", saved_reply_id=None, reason=reason_for(mention, None), intent=profile.intent)
    index, body = pick_wording(match.saved, drafts_made_from(session, match.saved), history)
    rendered = render(body, drafting_variables(session, mention, workspace, agent, profile))
    repeated = selection.already_sent(body, history)
    reason = reason_for(mention, match, index, len(wordings(match.saved)), repeated=repeated)
    text = selection.fill_order_number(rendered.text, profile.order_number)
    return Draft(text=text, saved_reply_id=match.saved.id, reason=reason, missing=rendered.missing,
                 intent=profile.intent)


def drafting_variables(session: Session, mention: Mention, workspace: Workspace, agent: User | None,
                       profile: Profile | None = None) -> dict[str, str]:
    """Every variable a saved reply may use, with {answer} from the FAQ for a question (else the prompted
    field {?answer})."""
    variables = variables_for(mention, workspace, agent)
    intent = (profile.intent if profile else None) or intents.detect_intent(mention)
    variables["answer"] = faq.answer_for(session, mention) if intent == "question" else faq.ANSWER_PROMPT
    return variables


def _escalation_draft(mention: Mention) -> Draft:
    cues = tuple(intents.escalation_cues(mention))
    reason = (f"{describe(mention, 'escalation')} · escalation ({', '.join(cues)}): a person writes this reply "
              "with a lead; no saved reply")
    return Draft(text="", saved_reply_id=None, reason=reason[:MAX_REASON], intent="escalation", escalation_cues=cues)


def mention_variables(mention: Mention, brand: str) -> dict[str, str]:
    """The author and brand only; kept for callers that have no workspace (compose_draft fills them all)."""
    return {"author": author_name(mention), "brand": brand}
