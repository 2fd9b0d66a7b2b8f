"""Saved-reply variables: workspace values from settings, the mention's author, the agent, and prompted fields.

`{name}` is filled from what Earful knows; an unknown or empty one stays visible (never guessed) and lint
blocks approval until someone fills it. `{?order number}` is a prompted field: it stays in the draft and
the approver types its value on the mention page before approving.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from models import Mention, User
from settings import Settings

KNOWN_VARIABLES = ("author", "brand", "product", "order_link", "agent", "support_url")
PROMPT = re.compile(r"\{\?([^{}\n:!]{1,40})\}")
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

    @classmethod
    def from_settings(cls, settings: Settings) -> Workspace:
        return cls(brand=settings.brand_name, product=settings.product_name, support_url=settings.support_url,
                   order_link=settings.order_link)


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: tuple[str, ...]


def render(body: str, variables: Mapping[str, str]) -> Rendered:
    """Fill {name} placeholders in one pass (a value is never expanded again); unknown or empty ones stay
    visible and are reported, and {?prompted} fields are left for the approver."""
    missing: list[str] = []
    parts: list[str] = []
    for literal, field, spec, conversion in _parse(body):
        parts.append(literal)
        if field is None:
            continue
        value = "" if field.startswith("?") or spec or conversion else variables.get(field, "")
        if value:
            parts.append(value)
            continue
        if not field.startswith("?"):
            missing.append(field)
        parts.append("{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return Rendered(text="".join(parts), missing=tuple(dict.fromkeys(missing)))


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


def variables_for(mention: Mention, workspace: Workspace, agent: User | None = None) -> dict[str, str]:
    return {"author": author_name(mention), "brand": workspace.brand, "product": workspace.product,
            "support_url": workspace.support_url, "order_link": workspace.order_link,
            "agent": agent_name(agent) if agent is not None else ""}


def unfilled_prompts(text: str) -> list[str]:
    """The labels of prompted fields still in the text, in order, each once: approval waits for them."""
    return list(dict.fromkeys(match.group(1).strip() for match in PROMPT.finditer(text)))


def fill_prompts(text: str, values: Mapping[str, str]) -> str:
    """Put each given value in place of its {?label}; labels without a (non-blank) value stay as they are."""
    cleaned = {label: clean_prompt_value(value) for label, value in values.items()}

    def replace(match: re.Match[str]) -> str:
        return cleaned.get(match.group(1).strip()) or match.group(0)

    return PROMPT.sub(replace, text)


def clean_prompt_value(value: str) -> str:
    """A prompted value is one short line of data, not more reply text; braces could smuggle in placeholders."""
    single_line = " ".join(value.split())
    if any(char in single_line for char in "{}"):
        raise TemplateInvalid("a filled-in value cannot contain { or }")
    if len(single_line) > MAX_PROMPT_VALUE:
        raise TemplateInvalid(f"a filled-in value can be at most {MAX_PROMPT_VALUE} characters")
    return single_line


def fill_agent(text: str, agent: User) -> str:
    """Sign a draft that still says {agent} (one drafted by the worker) with the person handling it."""
    return text.replace("{agent}", agent_name(agent))
