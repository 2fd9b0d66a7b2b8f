"""The lint checks, one per rule kind: pure functions of a Draft (the reply and what the mention tells) and a
RuleSpec (the rule as data). Each returns the values for the rule's message, or None when the draft passes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from listener.platforms import NETWORKS, UPSERT_NETWORKS
from models.complaint import is_complaint
from responder.drafting.business_days import REPLY_WINDOW
from responder.drafting.particles import particle_errors
from responder.posters.mastodon_status import posted_length

BLOCK, WARN = "block", "warn"
SEVERITIES = (BLOCK, WARN)
URL = re.compile(r"https?://\S+", re.IGNORECASE)
VARIABLE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
PROMPTED = re.compile(r"\{\?[^{}\n]{1,80}\}")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*|\n+")  # "example.com" is not an end
URL_WEIGHT = 23
# twitter-text v3: code points in these ranges weigh 1, everything else (CJK, emoji, ...) weighs 2.
LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
LANGUAGE_NAMES = {"en": "English", "ja": "Japanese", "ko": "Korean", "zh": "Chinese", "es": "Spanish",
                  "fr": "French", "de": "German", "pt": "Portuguese", "it": "Italian", "nl": "Dutch"}


@dataclass(frozen=True)
class RuleSpec:
    """One rule as the checks read it, from a LintRule row or the shipped defaults."""

    code: str
    kind: str
    message: str
    severity: str = WARN
    networks: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    enabled: bool = True

    def applies_to(self, draft: Draft) -> bool:
        """Runs where it is enabled, on the networks and languages it names (None or empty: all). Where the
        mention's language is unknown, kana or hangul in the reply say ja or ko; a reply in neither gets the
        rules that name a language written in another script (a Japanese-only rule skips "Thanks!")."""
        if not self.enabled or (self.networks is not None and draft.network not in self.networks):
            return False
        if not self.languages:
            return True
        named = {primary_language(name) for name in self.languages}
        language = primary_language(draft.mention_language) or script_language(draft.text)
        return language in named if language is not None else bool(named - CJK_LANGUAGES)


CJK_LANGUAGES = frozenset({"ja", "ko", "zh"})
KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def primary_language(tag: str | None) -> str | None:
    """"ja-JP" -> "ja"; None for a missing or undetermined language."""
    primary = (tag or "").replace("_", "-").split("-")[0].strip().lower()
    return primary if primary and primary != "und" else None


def script_language(text: str) -> str | None:
    """"ko" for hangul, "ja" for kana, else None: enough to tell which language-only rules may run."""
    return "ko" if HANGUL.search(text) else "ja" if KANA.search(text) else None


@dataclass(frozen=True)
class Draft:
    """What the checks need to know about a reply and the mention it answers."""

    text: str
    network: str
    mention_language: str | None = None
    in_reply_to_brand: bool | None = None
    rating: int | None = None  # set on reviews
    complaint: float | None = None
    sentiment: str | None = None
    existing_reply: str | None = None  # what the platform already shows as our reply (upsert networks)
    existing_reply_at: str | None = None
    saved_body: str | None = None  # the saved reply this draft came from
    author: str | None = None  # the mention's author: a Mastodon reply @mentions them
    title: str | None = None  # the mention's title: on Mastodon its content warning, which the reply repeats


# --- lengths (also the live count on the mention page) ---


@dataclass(frozen=True)
class LengthRule:
    limit: int
    weighted: bool  # X's weighted count rather than plain characters


@dataclass(frozen=True)
class ReplyLength:
    used: int
    rule: LengthRule | None

    @property
    def over(self) -> bool:
        return self.rule is not None and self.used > self.rule.limit


def weighted_length(text: str) -> int:
    normalized = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for match in URL.finditer(normalized):
        total += _weigh(normalized[position:match.start()]) + URL_WEIGHT
        position = match.end()
    return total + _weigh(normalized[position:])


def _weigh(text: str) -> int:
    return sum(1 if any(low <= ord(char) <= high for low, high in LIGHT_RANGES) else 2 for char in text)


def length_rule(rules: Iterable[RuleSpec], network: str) -> LengthRule | None:
    for rule in rules:
        if rule.kind == "length" and rule.enabled and rule.networks is not None and network in rule.networks:
            return LengthRule(int(rule.params["limit"]), bool(rule.params.get("weighted", False)))
    return None


def measure(text: str, rule: LengthRule | None) -> ReplyLength:
    used = weighted_length(text) if rule is not None and rule.weighted else len(text)
    return ReplyLength(used, rule)


# --- the platforms' rules, from their specs (listener.platforms) ---

LENGTH_MESSAGE = "{{used}} characters, over the limit of {{limit}} ({{over}} over): {reason}"
EXISTING_REPLY_MESSAGE = ("This review already has a reply from you{when}; a review holds one reply, so posting "
                          "replaces it.")


def platform_rules(kind: str) -> tuple[RuleSpec, ...]:
    """The shipped rules a network's spec implies: a length rule per reply limit, one existing-reply warning
    for the upsert networks. rules.json places them with {"platform_rules": kind}."""
    if kind == "length":
        return tuple(RuleSpec(code=f"length_{key}", kind="length", severity=BLOCK, networks=(key,),
                              params={"limit": spec.reply_limit.limit, **({"weighted": True}
                                                                           if spec.reply_limit.weighted else {})},
                              message=LENGTH_MESSAGE.format(reason=spec.reply_limit.reason))
                     for key, spec in NETWORKS.items() if spec.reply_limit is not None)
    if kind == "existing_reply":
        upserts = tuple(key for key in NETWORKS if key in UPSERT_NETWORKS)
        return (RuleSpec(code="replaces_existing_reply", kind="existing_reply", severity=WARN, networks=upserts,
                         message=EXISTING_REPLY_MESSAGE),)
    raise ValueError(f"no platform rules of kind {kind!r}")


# --- the checks ---

Values = dict[str, Any] | None


def _empty(draft: Draft, rule: RuleSpec) -> Values:
    return {} if not draft.text.strip() else None


def _unfilled(draft: Draft, rule: RuleSpec) -> Values:
    found = sorted(set(VARIABLE.findall(draft.text)))
    return {"found": ", ".join(found)} if found else None


def _prompted(draft: Draft, rule: RuleSpec) -> Values:
    found = sorted(set(PROMPTED.findall(draft.text)))
    return {"found": ", ".join(found)} if found else None


def measure_draft(draft: Draft, rule: LengthRule | None) -> ReplyLength:
    """The length of what the platform will receive and count."""
    if draft.network == "mastodon":
        return ReplyLength(posted_length(draft.text, draft.author, draft.title), rule)
    return measure(draft.text, rule)


def _length(draft: Draft, rule: RuleSpec) -> Values:
    length = measure_draft(draft, length_rule([rule], draft.network))
    if not length.over or length.rule is None:
        return None
    return {"used": length.used, "limit": length.rule.limit, "over": length.used - length.rule.limit}


def _x_addressed(draft: Draft, rule: RuleSpec) -> Values:
    # The X poster hands exactly these (in_reply_to_brand not True) to a person, so lint says the same.
    return {} if draft.in_reply_to_brand is not True else None


def _existing_reply(draft: Draft, rule: RuleSpec) -> Values:
    if draft.network not in UPSERT_NETWORKS or not (draft.existing_reply or "").strip():
        return None
    return {"when": f" (last changed {draft.existing_reply_at})" if draft.existing_reply_at else ""}


def _language_mismatch(draft: Draft, rule: RuleSpec) -> Values:
    expected = (draft.mention_language or "").split("-")[0].lower()
    text = VARIABLE.sub(" ", PROMPTED.sub(" ", draft.text))
    if expected in ("", "und") or _letters(text) < int(rule.params.get("min_letters", 12)):
        return None
    found = reply_language(text)
    if found in ("und", expected):
        return None
    return {"reply_language": _language_name(found), "mention_language": _language_name(expected)}


def reply_language(text: str) -> str:
    """sentiment.language's detection (the script decides CJK; lingua the rest), with lingua in its low-accuracy
    mode: the web process lints, and the full models take ~300 MB and seconds to load (low: ~20 MB, ~1 s)."""
    from sentiment.language import MIN_LETTERS, UNDETERMINED, japanese_or_chinese, letters, script_language

    chars = letters(URL.sub(" ", text))
    by_script = script_language(chars)
    if by_script and _mostly_non_latin(chars):  # an English reply quoting a Korean product name is English
        return japanese_or_chinese(chars) if by_script == "zh" else by_script
    if len(chars) < MIN_LETTERS:
        return UNDETERMINED
    found = _light_detector().detect_language_of(text)
    return str(found.iso_code_639_1.name.lower()) if found is not None else UNDETERMINED


def _mostly_non_latin(chars: str) -> bool:
    latin = sum(char.isascii() for char in chars)
    return latin <= 2 * (len(chars) - latin)


@lru_cache(maxsize=1)
def _light_detector() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    from sentiment.language import LANGUAGES

    codes = [getattr(IsoCode639_1, code) for code in LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


def _forbidden(draft: Draft, rule: RuleSpec) -> Values:
    found = matches(allowed_out(draft.text, rule), phrases_of(rule))
    return {"found": _quoted(found)} if found else None


def _apology(draft: Draft, rule: RuleSpec) -> Values:
    # "allow" holds what only sounds like an apology (양해 부탁드립니다 asks the customer to bear with us).
    if not is_complaint(draft) or not draft.text.strip() or matches(allowed_out(draft.text, rule), phrases_of(rule)):
        return None
    return {}


def _refund(draft: Draft, rule: RuleSpec) -> Values:
    phrases = phrases_of(rule)
    found = matches(allowed_out(draft.text, rule), phrases)
    if not found or matches(draft.saved_body or "", phrases):
        return None
    return {"found": _quoted(found)}


def _personal_data(draft: Draft, rule: RuleSpec) -> Values:
    """A request for personal data is fine in the sentence that moves it to a private channel (DM, email), and
    a sentence that gives a phone number gives ours rather than asks for theirs."""
    asked, private = phrases_of(rule), phrases_of(rule, "private_channels")
    found: list[str] = []
    for sentence in SENTENCE_END.split(draft.text):
        hits = matches(allowed_out(sentence, rule), asked)
        if GIVEN_PHONE.search(_fold(sentence).replace("‐", "-")):
            hits = [hit for hit in hits if not any(word in _fold(hit) for word in PHONE_WORDS)]
        if hits and not matches(sentence, private):
            found.extend(hit for hit in hits if hit not in found)
    return {"found": _quoted(found)} if found else None


def _refusal(draft: Draft, rule: RuleSpec) -> Values:
    """A refusal ("いたしかねます", "불가합니다", "we cannot") needs an alternative somewhere in the reply."""
    text = allowed_out(draft.text, rule)
    found = matches(text, phrases_of(rule))
    for phrase in found:  # "we can't" is no "we can"
        text = _phrase_pattern(phrase).sub(lambda match: " " * len(match[0]), text)
    if not found or matches(text, phrases_of(rule, "alternatives")):
        return None
    return {"found": _quoted(found)}


def _ko_particles(draft: Draft, rule: RuleSpec) -> Values:
    """A Korean particle left with both forms ("을(를)": drafting could not tell how the value before it is read)
    or disagreeing with the Latin or digit word it follows ("Lumo Home를": 홈 takes 을)."""
    found = particle_errors(draft.text)
    return {"found": _quoted(found)} if found else None


def _over_promise(draft: Draft, rule: RuleSpec) -> Values:
    """A promise of time or an exchange the team may not keep (本日中に, 오늘 바로, 交換品をお送りいたします). A saved
    reply's {reply_window} says "today" only when the business calendar allows it, so that wording passes."""
    text = allowed_out(draft.text, rule)
    if "{reply_window}" in (draft.saved_body or ""):
        for today, _later in REPLY_WINDOW.values():
            text = _phrase_pattern(today).sub(lambda match: " " * len(match[0]), text)
    found = matches(text, phrases_of(rule))
    return {"found": _quoted(found)} if found else None


# "@kazu_0808様", "@minseo 님": a handle addressed with an honorific (a handle is not a name).
HANDLE_HONORIFIC = re.compile(r"[@＠][A-Za-z0-9_.]+\s?(?:様|さま|さん|殿|氏|님|씨)")


def _handle_honorific(draft: Draft, rule: RuleSpec) -> Values:
    found = list(dict.fromkeys(match.group(0) for match in HANDLE_HONORIFIC.finditer(draft.text)))
    return {"found": _quoted(found)} if found else None


CHECKS: dict[str, Callable[[Draft, RuleSpec], Values]] = {
    "empty": _empty,
    "unfilled_variables": _unfilled,
    "prompted_fields": _prompted,
    "length": _length,
    "x_addressed": _x_addressed,
    "existing_reply": _existing_reply,
    "language_mismatch": _language_mismatch,
    "forbidden_phrases": _forbidden,
    "apology": _apology,
    "refund_promise": _refund,
    "personal_data": _personal_data,
    "refusal": _refusal,
    "ko_particles": _ko_particles,
    "over_promise": _over_promise,
    "handle_honorific": _handle_honorific,
}
PHRASE_KINDS = frozenset({"forbidden_phrases", "apology", "refund_promise", "personal_data", "refusal", "over_promise"})
# A phone number written out (03-1234-5678, 0120-123-456, 010-1234-5678, 1588-1234): the company's own.
PHONE_WORDS = ("phone", "your number", "電話", "전화", "연락처")
GIVEN_PHONE = re.compile(r"(?<![0-9])(?:\+[0-9]{1,3}[ -]?)?(?:[0-9]{2,4}-[0-9]{3,4}-[0-9]{3,4}|1[5-9][0-9]{2}-[0-9]{4})"
                         r"(?![0-9])")


# --- phrases ---


def phrases_of(rule: RuleSpec, key: str = "phrases") -> list[str]:
    by_language = rule.params.get(key) or {}
    return [phrase for phrases in by_language.values() for phrase in phrases if phrase.strip()]


def allowed_out(text: str, rule: RuleSpec) -> str:
    """The text with the rule's allowed phrases blanked out (folded, as matches() reads it): "お客様の責任では
    ございません" allowed hides the "お客様の責任" inside it, and "返金ではなく" the "返金"."""
    folded = _fold(text)
    for phrase in phrases_of(rule, "allow"):
        folded = _phrase_pattern(phrase).sub(lambda match: " " * len(match[0]), folded)
    return folded


def matches(text: str, phrases: Iterable[str]) -> list[str]:
    """The phrases found in text: case- and width-insensitive, whole words for Latin-script phrases."""
    folded = _fold(text)
    return [phrase for phrase in phrases if _phrase_pattern(phrase).search(folded)]


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    body = re.escape(_fold(phrase.strip()))
    start = r"(?<![a-z0-9])" if phrase.strip()[:1].isascii() else ""
    end = r"(?![a-z0-9])" if phrase.strip()[-1:].isascii() else ""
    return re.compile(start + body + end)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("’", "'")


def _quoted(found: Sequence[str]) -> str:
    return ", ".join(f'"{phrase}"' for phrase in found)


def _letters(text: str) -> int:
    return sum(unicodedata.category(char).startswith("L") for char in URL.sub(" ", text))


def _language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
