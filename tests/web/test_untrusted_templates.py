"""A guard over every template: hostile fields are printed only through the isolating filters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
# Fields that hold what customers, platforms or admins typed: authors, mention text and titles, reply and
# saved-reply text, names of sources, saved replies and tokens, queries, errors, audit details, form errors.
HOSTILE = re.compile(
    r"\.(author|title|text|body|details|reason|draft_reason|error|last_error|preview|message|description"
    r"|stored_text|submitted_text|query)\b|\b(s|source|saved|token|choice)\.name\b|\berrors\[")
LAST_FILTER = re.compile(r"\|\s*(\w+)\s*(\([^()]*\))?\s*$")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
ATTRIBUTE = re.compile(r"([\w:-]+)\s*=\s*\"[^\"]*$")
FORM_VALUES = frozenset({"value"})  # an <input>'s value is drawn in its own box: nothing in it leaks out
# Macros (web/templates/_admin_macros.html) that print their label argument inside an attribute: a call passes the
# hostile value already through the attribute filter.
ATTRIBUTE_MACROS = re.compile(r"^(edit_link|switch_form)\((.*)\)$")
# Pages whose every value comes from the code (the API reference renders the OpenAPI document's own docs).
FROM_THE_CODE = frozenset({"api/reference.html"})


@dataclass(frozen=True)
class Output:
    template: str
    line: int
    expression: str
    context: str  # "text", "plain" (attribute, <option>, <title>) or "control" (textarea, input value)


def _blank_jinja(text: str) -> str:
    """Jinja tags blanked to spaces of the same length, so their < and > do not look like HTML."""
    return JINJA.sub(lambda found: " " * len(found.group()), text)


def _inside(prefix: str, opening: str, closing: str) -> bool:
    return prefix.rfind(opening) > prefix.rfind(closing)


def _context(raw_prefix: str) -> str:
    prefix = _blank_jinja(raw_prefix)
    if _inside(prefix, "<textarea", "</textarea>"):
        return "control"
    if prefix.rfind("<") > prefix.rfind(">"):
        attribute = ATTRIBUTE.search(prefix)
        return "control" if attribute and attribute.group(1) in FORM_VALUES else "plain"
    if _inside(prefix, "<option", "</option>") or _inside(prefix, "<title", "</title>"):
        return "plain"
    if _inside(raw_prefix, "{% block title %}", "{% endblock"):
        return "plain"
    return "text"


def outputs() -> list[Output]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if str(path.relative_to(TEMPLATES)) in FROM_THE_CODE:
            continue
        source = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\{\{(.*?)\}\}", source, re.DOTALL):
            expression = " ".join(match.group(1).strip("-").split())  # {{- x -}} trims whitespace
            line = source.count("\n", 0, match.start()) + 1
            found.append(Output(str(path.relative_to(TEMPLATES)), line, expression, _context(source[:match.start()])))
    return found


def last_filter(expression: str) -> str | None:
    found = LAST_FILTER.search(expression)
    return found.group(1) if found else None


def _arguments(call: str) -> list[str]:
    """A macro call's arguments, split at the commas outside brackets."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(call):
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            parts.append(call[start:index])
            start = index + 1
    return [*parts, call[start:]]


def _filtered_as_needed(output: Output, wanted: dict[str, set[str]]) -> bool:
    macro = ATTRIBUTE_MACROS.match(output.expression)
    if macro:
        return all(last_filter(argument.strip()) == "untrusted_plain"
                   for argument in _arguments(macro.group(2)) if HOSTILE.search(argument))
    return last_filter(output.expression) in wanted[output.context]


def test_the_guard_sees_the_templates_and_their_contexts() -> None:
    seen = {(o.template, o.context) for o in outputs() if HOSTILE.search(o.expression)}
    assert ("queue/_card.html", "text") in seen and ("queue/_reply.html", "control") in seen
    assert ("sources/index.html", "plain") in seen  # aria-label="Edit {{ s.name }}"


def test_hostile_text_is_printed_through_the_isolating_filters() -> None:
    wanted = {"text": {"untrusted", "hidden_marker"}, "plain": {"untrusted_plain"}}
    bad = [f"{o.template}:{o.line} {{{{ {o.expression} }}}} needs | {' or '.join(sorted(wanted[o.context]))}"
           for o in outputs() if HOSTILE.search(o.expression) and o.context in wanted
           and not _filtered_as_needed(o, wanted)]
    assert bad == []


def test_an_attribute_macro_needs_its_hostile_label_filtered_for_attributes() -> None:
    wanted = {"text": {"untrusted", "hidden_marker"}, "plain": {"untrusted_plain"}}
    call = "edit_link(url_for('sources.edit', source_id=s.id), s.name{})"
    assert _filtered_as_needed(Output("t.html", 1, call.format(" | untrusted_plain"), "text"), wanted)
    assert not _filtered_as_needed(Output("t.html", 1, call.format(""), "text"), wanted)
    assert not _filtered_as_needed(Output("t.html", 1, call.format(" | untrusted"), "text"), wanted)
