"""Saved-reply variables: workspace values from settings, the mention's author, the agent, and prompted fields.

A `{variable}` is filled from what Earful knows; an unknown or empty one stays visible (never guessed) and lint
blocks approval until someone fills it. `{?order number}` is a prompted field: it stays in the draft and
the approver types its value on the mention page before approving.

Some values depend on the language of the template they fill ({name}: お客様 / 고객님 / there; {contact},
{next_business_day}, {reply_window}): variables_for gives them per language under "field:ja" keys, and render
takes the one for the template's language (its script). Rendering also keeps one honorific after a name
("{name}様" with お客様 is "お客様") and makes a Korean particle right after a value agree with it
("{brand}를" with Lumo Home is "Lumo Home을"; see names and particles).
"""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from models import Mention, User
from models.base import utcnow
from models.business_hours import BusinessCalendar
from responder.drafting.business_days import BusinessDays, next_business_day_text, reply_window_text
from responder.drafting.contact import contact_phrase
from responder.drafting.names import customer_name, join_honorific
from responder.drafting.particles import agree, final_sound, form_for, leading_particle
from settings import Settings

KNOWN_VARIABLES = ("author", "name", "brand", "product", "order_link", "agent", "support_url", "contact",
                   "next_business_day", "reply_window", "answer")  # answer: the FAQ's, for a question
LANGUAGES = ("en", "ja", "ko")
BY_LANGUAGE = ("name", "contact", "next_business_day", "reply_window")  # values that depend on the language
KANA = re.compile(r"[\u3040-\u30ff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")
PROMPT = re.compile(r"\{\?([^{}\n:!]{1,40})\}")
AUTHOR_HONORIFIC = re.compile(r"\{author\}\s?(?:様|さま|さん|殿|님|씨)")  # "@kazu_0808様": a handle is not a name
MAX_PROMPT_VALUE = 80


class TemplateInvalid(ValueError):
    """A saved reply body that cannot be used as a template (the admin form shows the message)."""


@dataclass(frozen=True)
class Workspace:
    """The values every saved reply may use, read from settings at an entry point and passed down."""

    brand: str
    product: str = ""
    support_url: str = ""
    order_link: str = ""
    business_days: BusinessDays = dataclasses.field(default_factory=lambda: BusinessDays(BusinessCalendar.from_text()))
    # language -> the private channel's name; variable -> its Korean reading (for particles)
    contact_channels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    readings: Mapping[str, str] = dataclasses.field(default_factory=dict)
    brand_handles: str = ""  # not a variable: which posts speak to the brand (responder.drafting.intents)

    @classmethod
    def from_settings(cls, settings: Settings) -> Workspace:
        days = BusinessDays(BusinessCalendar.from_settings(settings))
        return cls(brand=settings.brand_name, product=settings.product_name, support_url=settings.support_url,
                   order_link=settings.order_link, business_days=days,
                   contact_channels={"en": settings.contact_channel_en, "ja": settings.contact_channel_ja,
                                     "ko": settings.contact_channel_ko},
                   readings={"brand": settings.brand_reading_ko, "product": settings.product_reading_ko},
                   brand_handles=settings.brand_handles)


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: tuple[str, ...]


def render(body: str, variables: Mapping[str, str], language: str | None = None) -> Rendered:
    """Fill {name} placeholders in one pass (a value is never expanded again); unknown or empty ones stay
    visible and are reported, and {?prompted} fields are left for the approver. `language` (default: the
    template's script) picks the per-language values and the honorific and particle rules."""
    language = language or template_language(body)
    missing: list[str] = []
    parts: list[str] = []
    parsed = _parse(body)
    literals = [literal for literal, *_ in parsed]
    for index, (_literal, name, spec, conversion) in enumerate(parsed):
        parts.append(literals[index])
        if name is None:
            continue
        value = "" if name.startswith("?") or spec or conversion else _value(variables, name, language)
        if value:
            if index + 1 < len(literals):
                value, literals[index + 1] = _joined(value, literals[index + 1], language,
                                                     variables.get(f"{name}:reading", ""))
            parts.append(value)
            continue
        if not name.startswith("?"):
            missing.append(name)
        parts.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return Rendered(text="".join(parts), missing=tuple(dict.fromkeys(missing)))


def _value(variables: Mapping[str, str], name: str, language: str) -> str:
    return variables.get(f"{name}:{language}") or variables.get(name, "")


def _joined(value: str, following: str, language: str, reading: str) -> tuple[str, str]:
    """The value and the text after it, with one honorific between them and, in Korean, an agreeing particle."""
    value, following = join_honorific(value, following, language)
    return value, agree(value, following, reading) if language == "ko" else following


def template_language(text: str) -> str:
    """ko for Hangul, ja for kana or kanji, else en: the language a template (or reply) is written in."""
    if HANGUL.search(text):
        return "ko"
    return "ja" if KANA.search(text) or HAN.search(text) else "en"


def _parse(body: str) -> list[tuple[str, str | None, str | None, str | None]]:
    try:
        return list(string.Formatter().parse(body))
    except ValueError as error:
        raise TemplateInvalid(f"braces do not pair up ({error}); write {{{{ or }}}} for a literal brace") from None


def check_template(body: str) -> list[str]:
    """Why this body cannot be a saved reply; empty when it can."""
    try:
        parsed = [(field, spec, conv) for _literal, field, spec, conv in _parse(body) if field is not None]
    except TemplateInvalid as error:
        return [str(error)]
    problems = []
    for field, spec, conversion in dict.fromkeys(parsed):
        if spec or conversion:
            problems.append(f"{{{field}...}} cannot hold : or ! (a prompt's label is plain words)")
        elif field.startswith("?"):
            if not PROMPT.fullmatch("{" + field + "}"):
                problems.append(f"prompted field {{{field}}} needs a label of 1 to 40 characters without : or !")
        elif field not in KNOWN_VARIABLES:
            problems.append(f"unknown variable {{{field}}}; use one of "
                            + ", ".join("{" + name + "}" for name in KNOWN_VARIABLES) + " or {?a prompt}")
    if AUTHOR_HONORIFIC.search(body):
        problems.append("{author} is the handle (an X one with its @), not a name: write {name}様 or {name}님, "
                        "which gives the customer's name or お客様 / 고객님")
    return problems


def author_name(mention: Mention) -> str:
    author = mention.author.strip()
    if author and mention.network == "x":
        author = "@" + author.lstrip("@")
    return author


def agent_name(user: User) -> str:
    """How a reply is signed by a person: the first part of the email's local part, e.g. mika.tanaka@ -> Mika."""
    local = user.email.split("@", 1)[0]
    first = re.split(r"[._+\-]", local, maxsplit=1)[0] or local
    return first[:1].upper() + first[1:]


def variables_for(mention: Mention, workspace: Workspace, agent: User | None = None,
                  now: datetime | None = None) -> dict[str, str]:
    """Every variable's value for this mention; the per-language ones under "field:language" too, with the
    mention's language (English when it is none of en, ja, ko) under the plain name."""
    now = now or utcnow()
    values = {"author": author_name(mention), "brand": workspace.brand, "product": workspace.product,
              "support_url": workspace.support_url, "order_link": workspace.order_link,
              "agent": agent_name(agent) if agent is not None else ""}
    for language in LANGUAGES:
        values |= {f"name:{language}": customer_name(mention, language),
                   f"contact:{language}": contact_phrase(mention.network, language,
                                                         channels=workspace.contact_channels,
                                                         support_url=workspace.support_url),
                   f"next_business_day:{language}": next_business_day_text(workspace.business_days, now, language),
                   f"reply_window:{language}": reply_window_text(workspace.business_days, now, language)}
    own = (mention.language or mention.language_hint or "").replace("_", "-").split("-")[0].lower()
    own = own if own in LANGUAGES else "en"
    values |= {name: values[f"{name}:{own}"] for name in BY_LANGUAGE}
    values |= {f"{name}:reading": reading for name, reading in workspace.readings.items() if reading.strip()}
    return values


def unfilled_prompts(text: str) -> list[str]:
    """The labels of prompted fields still in the text, in order, each once: approval waits for them."""
    return list(dict.fromkeys(match.group(1).strip() for match in PROMPT.finditer(text)))


def fill_prompts(text: str, values: Mapping[str, str]) -> str:
    """Put each given value in place of its {?label}; labels without a (non-blank) value stay as they are."""
    cleaned = {label: clean_prompt_value(value) for label, value in values.items()}
    korean = template_language(text) == "ko"
    parts: list[str] = []
    position = 0
    for match in PROMPT.finditer(text):
        value = cleaned.get(match.group(1).strip()) or match.group(0)
        parts.append(text[position:match.start()] + value)
        position = match.end()
        particle = leading_particle(text[position:]) if korean and value != match.group(0) else None
        if particle is not None:  # "{?주문번호}를" filled with 1023 reads "1023을" (천이십삼)
            parts.append(form_for(particle[0], final_sound(value)))
            position += len(particle[1])
    return "".join(parts) + text[position:]


def clean_prompt_value(value: str) -> str:
    """A prompted value is one short line of data, not more reply text; braces could smuggle in placeholders."""
    single_line = " ".join(value.split())
    if any(char in single_line for char in "{}"):
        raise TemplateInvalid("a filled-in value cannot contain { or }")
    if len(single_line) > MAX_PROMPT_VALUE:
        raise TemplateInvalid(f"a filled-in value can be at most {MAX_PROMPT_VALUE} characters")
    return single_line


def fill_agent(text: str, agent: User) -> str:
    """Sign a draft that still says {agent} (one drafted by the worker) with the person handling it; in Korean a
    particle after it agrees ("담당자 {agent}가" signed by Ken reads "Ken이")."""
    name = agent_name(agent)
    if template_language(text) != "ko":
        return text.replace("{agent}", name)
    first, *rest = text.split("{agent}")
    return first + "".join(name + agree(name, part) for part in rest)
