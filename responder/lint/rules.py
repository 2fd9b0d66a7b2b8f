"""The workspace's lint rules: LintRule rows over the shipped defaults (rules.json), and the admin's edits.

A rule the table does not hold yet runs with its shipped default, so a rule added in a later release works
before anyone edits it; the first edit stores the workspace's own copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from models import LintRule, User, record_event
from models.base import utcnow
from models.errors import Invalid
from responder.lint.checks import CHECKS, PHRASE_KINDS, SEVERITIES, RuleSpec, platform_rules

DEFAULTS_PATH = Path(__file__).resolve().parent / "rules.json"
MAX_LIMIT = 100_000
MAX_PHRASES = 200
MAX_PHRASE_CHARS = 100
MAX_MESSAGE_CHARS = 500
PHRASE_LANGUAGES = ("en", "ja", "ko")


@dataclass(frozen=True)
class RuleEdit:
    """What the admin may change on a rule."""

    message: str
    severity: str
    enabled: bool
    limit: int | None = None  # length rules
    phrases: dict[str, list[str]] | None = None  # phrase rules, by language


@lru_cache(maxsize=1)
def default_rules() -> tuple[RuleSpec, ...]:
    raw = json.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
    # {"platform_rules": kind} stands for the rules the networks' specs imply (lengths, one reply per review).
    rules = tuple(rule for item in raw
                  for rule in (platform_rules(item["platform_rules"]) if "platform_rules" in item else (_spec(item),)))
    unknown = sorted({rule.kind for rule in rules} - set(CHECKS))
    if unknown or len({rule.code for rule in rules}) != len(rules):
        raise ValueError(f"{DEFAULTS_PATH}: duplicate codes or unknown kinds {unknown}")
    return rules


def _spec(item: dict[str, Any]) -> RuleSpec:
    return RuleSpec(code=item["code"], kind=item["kind"], message=item["message"],
                    severity=item.get("severity", "warn"), networks=_tuple(item.get("networks")),
                    languages=_tuple(item.get("languages")), params=item.get("params") or {},
                    enabled=item.get("enabled", True))


def _tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return tuple(values) if values is not None else None


def spec_of(row: LintRule) -> RuleSpec:
    return RuleSpec(code=row.code, kind=row.kind, message=row.message, severity=row.severity,
                    networks=_tuple(row.networks), languages=_tuple(row.languages), params=dict(row.params),
                    enabled=row.enabled)


def load_rules(session: Session) -> list[RuleSpec]:
    """Every rule in the shipped order, the workspace's stored version where it has one; stored rules of a
    kind this release does not know are skipped."""
    stored = {row.code: spec_of(row) for row in session.exec(select(LintRule).order_by(col(LintRule.id))).all()}
    rules = [_over_default(stored.pop(rule.code), rule) if rule.code in stored else rule for rule in default_rules()]
    return rules + [rule for rule in stored.values() if rule.kind in CHECKS]


def _over_default(stored: RuleSpec, default: RuleSpec) -> RuleSpec:
    """The stored rule, with the shipped value of each param it lacks: a param a later release added (an
    "allow" list) reaches rules a workspace seeded or edited before, and the admin's own params win."""
    missing = {key: value for key, value in default.params.items() if key not in stored.params}
    return replace(stored, params={**stored.params, **missing}) if missing and stored.kind == default.kind else stored


def row_values(rule: RuleSpec) -> dict[str, Any]:
    return {"code": rule.code, "kind": rule.kind, "message": rule.message, "severity": rule.severity,
            "networks": list(rule.networks) if rule.networks is not None else None,
            "languages": list(rule.languages) if rule.languages is not None else None,
            "params": dict(rule.params), "enabled": rule.enabled}


def seed_rules(session: Session) -> int:
    """Store the shipped default of every rule the table lacks; returns how many were added."""
    known = set(session.exec(select(LintRule.code)).all())
    missing = [rule for rule in default_rules() if rule.code not in known]
    for rule in missing:
        session.add(LintRule(**row_values(rule)))
    session.flush()
    return len(missing)


def find_rule(session: Session, code: str) -> RuleSpec | None:
    return next((rule for rule in load_rules(session) if rule.code == code), None)


def validate_edit(rule: RuleSpec, *, message: str, severity: str, enabled: bool, limit: str = "",
                  phrases: dict[str, str] | None = None) -> RuleEdit:
    """Form text -> RuleEdit, or Invalid naming each bad field."""
    errors: dict[str, str] = {}
    message = message.strip()
    if not message or len(message) > MAX_MESSAGE_CHARS:
        errors["message"] = f"write a message of 1 to {MAX_MESSAGE_CHARS} characters"
    if severity not in SEVERITIES:
        errors["severity"] = f"choose one of {', '.join(SEVERITIES)}"
    parsed_limit = _limit(limit, errors) if rule.kind == "length" else None
    parsed_phrases = _phrases(phrases or {}, errors) if rule.kind in PHRASE_KINDS else None
    if errors:
        raise Invalid(errors)
    return RuleEdit(message, severity, enabled, parsed_limit, parsed_phrases)


def _limit(raw: str, errors: dict[str, str]) -> int | None:
    if not raw.strip().isdigit() or not 1 <= int(raw.strip()) <= MAX_LIMIT:
        errors["limit"] = f"a whole number of characters from 1 to {MAX_LIMIT:,}"
        return None
    return int(raw.strip())


def _phrases(raw: dict[str, str], errors: dict[str, str]) -> dict[str, list[str]]:
    parsed = {}
    for language in PHRASE_LANGUAGES:
        lines = [line.strip() for line in raw.get(language, "").splitlines() if line.strip()]
        if len(lines) > MAX_PHRASES or any(len(line) > MAX_PHRASE_CHARS for line in lines):
            errors[f"phrases_{language}"] = f"at most {MAX_PHRASES} phrases of {MAX_PHRASE_CHARS} characters"
        parsed[language] = list(dict.fromkeys(lines))
    return parsed


def save_rule(session: Session, rule: RuleSpec, edit: RuleEdit, *, actor: User) -> bool:
    """Store the edited rule (creating the workspace's row from the default if needed); False if unchanged."""
    params = dict(rule.params)
    if edit.limit is not None:
        params["limit"] = edit.limit
    if edit.phrases is not None:
        params["phrases"] = {**(params.get("phrases") or {}), **edit.phrases}
    updated = replace(rule, message=edit.message, severity=edit.severity, enabled=edit.enabled, params=params)
    if updated == rule:
        return False
    row = session.exec(select(LintRule).where(LintRule.code == rule.code)).first()
    if row is None:
        row = LintRule(**row_values(rule))
        session.add(row)
    for name, value in row_values(updated).items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.flush()
    record_event(session, "lint_rule.updated", actor=actor, code=rule.code, severity=edit.severity,
                 enabled=edit.enabled, message=edit.message, params=params)
    return True
