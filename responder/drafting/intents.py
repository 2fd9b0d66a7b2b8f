"""What a mention asks of the brand (its intent), whether it speaks to the brand at all, and what it already told us.

Intents, first match wins:
- escalation: the author takes the matter to an authority, a lawyer, the card issuer or the public (消費生活センター,
  한국소비자원, "BBB", "chargeback"): a person and a lead answer it, never a saved reply;
- question: it asks something, and reports nothing wrong (else it is a complaint phrased as a question);
- mixed: a 3- or 4-star review with a reservation (a 5-star one with a clear one: "otherwise", もう少し, 좀 더), or
  a poor review that praises something;
- complaint: models.complaint's verdict, or a review of one or two stars;
- praise: positive, or a review of four or five stars;
- neutral: the rest.

The text cues are data (intent_cues.json, regular expressions by language), so they are tuned without code.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from listener.platforms import STORE_NETWORKS
from models import Mention
from models.complaint import is_complaint
from models.cues import CuesByLanguage, compile_by_language, cues_for, read_cue_file
from models.questions import is_question

CUES_FILE = Path(__file__).resolve().parent / "intent_cues.json"
INTENTS = ("escalation", "question", "mixed", "complaint", "praise", "neutral")
SAVED_REPLY_INTENTS = ("complaint", "question", "mixed", "praise", "neutral")  # escalations get no saved reply
CHANNELS = ("store", "social")
LANGUAGES = ("en", "ja", "ko")
# Networks whose collectors mark every post that speaks to the brand (in_reply_to_brand): an unmarked one there is
# a search hit in someone else's conversation (a subreddit thread), not a message to the brand.
MARKING_NETWORKS = frozenset({"reddit"})
SURE_COMPLAINT = 0.9
BRAND_ADDRESS_SUFFIXES = ("さん", "様", "さま", "公式", "님", "측", "고객센터")


@lru_cache(maxsize=1)
def cue_patterns() -> dict[str, CuesByLanguage]:
    return {kind: compile_by_language(by_language) for kind, by_language in read_cue_file(CUES_FILE).items()}


def _patterns(kind: str, language: str | None) -> tuple[re.Pattern[str], ...]:
    return cues_for(cue_patterns()[kind], language)


def find_cues(kind: str, text: str, language: str | None = None) -> list[str]:
    """The stretches of `text` that match a cue of `kind` (in `language`, or in any when it is unknown)."""
    return [found.group(0) for pattern in _patterns(kind, language) if (found := pattern.search(text))]


def has_cue(kind: str, text: str, language: str | None = None) -> bool:
    return any(pattern.search(text) for pattern in _patterns(kind, language))


def mention_text(mention: Mention) -> str:
    return f"{mention.title}\n{mention.text}" if mention.title else mention.text


def escalation_cues(mention: Mention) -> list[str]:
    """The escalation phrases in the mention, in every language: an author may write 1372 or "BBB" in any."""
    return find_cues("escalation", mention_text(mention))


def detect_intent(mention: Mention) -> str:
    """One of INTENTS (see the module docstring)."""
    text, language = mention_text(mention), mention.language
    if escalation_cues(mention):
        return "escalation"
    if mention.rating is not None:
        return _review_intent(mention, text, language)
    if is_question(text, language):
        return "complaint" if _reports_problem(mention, text, language) else "question"
    if is_complaint(mention):
        return "complaint"
    return "praise" if mention.sentiment == "positive" else "neutral"


def _reports_problem(mention: Mention, text: str, language: str | None) -> bool:
    """A question that is really a complaint ("where is it?", "열흘째... 언제 출고되나요?") reports something wrong,
    or is negative and a sure complaint ("refund?"). Scores alone are not enough: the model reads many plain product
    questions ("IHでも使えますか？") as negative complaints of middling certainty."""
    sure = mention.sentiment == "negative" and (mention.complaint or 0.0) >= SURE_COMPLAINT
    return sure or has_cue("problem", text, language)


def _review_intent(mention: Mention, text: str, language: str | None) -> str:
    rating = mention.rating or 0
    question = is_question(text, language)
    if rating >= 4:
        if question:
            return "question"
        reserved = has_cue("reservation", text, language)
        if reserved or (rating == 4 and has_cue("criticism", text, language)):
            return "mixed"
        return "praise"
    if rating == 3:
        if question and not _reports_problem(mention, text, language):
            return "question"
        if any(has_cue(kind, text, language) for kind in ("praise", "criticism", "reservation")):
            return "mixed"
        return "complaint" if is_complaint(mention) else "neutral"
    # A poor review is mixed only when praise and a contrast meet ("good pan, but..."); praise words alone are often
    # sarcasm ("great, another broken one").
    praised = has_cue("praise", text, language) and has_cue("criticism", text, language)
    return "mixed" if praised else "complaint"


def channel_of(network: str) -> str:
    """"store" on review sites without DMs (listener.platforms.STORE_NETWORKS), else "social"."""
    return "store" if network in STORE_NETWORKS else "social"


def brand_handles(settings: object) -> tuple[str, ...]:
    """The brand's account names, lowercased without "@": BRAND_HANDLES when set, else the brand name without
    spaces (Lumo Home -> lumohome, which also covers @lumohome_jp)."""
    configured = str(getattr(settings, "brand_handles", "") or "")
    handles = [handle.strip().lstrip("@").lower() for handle in configured.split(",") if handle.strip()]
    return tuple(handles) or (re.sub(r"\W", "", brand_name(settings)).lower(),)


def brand_name(settings: object) -> str:
    return str(getattr(settings, "brand_name", None) or getattr(settings, "brand", "") or "")


def addresses_brand(mention: Mention, settings: object) -> bool:
    """Does the mention speak to the brand? Reviews always do; a post does when it answers or quotes the brand
    (in_reply_to_brand), @-mentions a brand account or calls the brand by name (Lumo Homeさん, Lumo Home 측).
    `settings` is Settings or a drafting Workspace (anything with brand_name or brand)."""
    if mention.rating is not None or mention.network in STORE_NETWORKS or mention.in_reply_to_brand is True:
        return True
    if _calls_brand(mention.text, settings):
        return True
    if mention.in_reply_to_brand is False:
        return False
    return mention.network not in MARKING_NETWORKS  # unmarked elsewhere: the collector cannot tell


def _calls_brand(text: str, settings: object) -> bool:
    lowered = text.lower()
    for handle in brand_handles(settings):
        if handle and re.search(rf"(?:@|\bu/){re.escape(handle)}", lowered):
            return True
    name = brand_name(settings).lower()
    if not name:
        return False
    suffixes = "|".join(map(re.escape, BRAND_ADDRESS_SUFFIXES))
    return bool(re.search(rf"^\W*(?:hey |hi |dear )?{re.escape(name)}\s*[,:]|{re.escape(name)}\s*(?:{suffixes})",
                          lowered))


def order_number(text: str, language: str | None = None) -> str | None:
    """The order number the author already gave ("#12345", "注文番号 123-456", "주문번호 2024..."), if any."""
    for pattern in _patterns("order_number", language):
        found = pattern.search(text)
        if found:
            return found.group(1).strip("-ー－")
    return None


def asks_for_order_number(wording: str) -> bool:
    """The wording asks the customer for their order number (outside a {?prompted} field, which Earful fills)."""
    plain = re.sub(r"\{\?[^{}]*\}", "", wording)
    return has_cue("order_request", plain)
