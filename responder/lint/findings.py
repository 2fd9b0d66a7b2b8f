"""Lint a reply before approval: platform limits and rules, unfilled fields, and the brand's tone guide.

Each finding has a code, a message and a severity: `block` (approval is refused: the platform would reject the
reply, or it must not go out as written) or `warn` (shown beside the draft). The rules are data (LintRule rows
over the defaults in rules.json, see responder.lint.rules); the checks are in responder.lint.checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from models import Mention, Reply, ReplyStatus, SavedReply
from responder.lint.checks import (
    BLOCK,
    CHECKS,
    PHRASE_KINDS,
    SEVERITIES,
    WARN,
    Draft,
    LengthRule,
    ReplyLength,
    RuleSpec,
    length_rule,
    matches,
    measure,
    measure_draft,
    weighted_length,
)
from responder.lint.rules import load_rules

__all__ = ["BLOCK", "CHECKS", "PHRASE_KINDS", "SEVERITIES", "WARN", "Draft", "Finding", "LengthRule", "LintBlocked",
           "ReplyLength", "RuleSpec", "check_reply", "draft_for", "fill_message", "length_rule", "lint_draft",
           "matches", "measure", "measure_draft", "refuse_blocked", "weighted_length"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    severity: str

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCK


class LintBlocked(Exception):
    """Approval refused: the reply has blocking findings."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = [finding for finding in findings if finding.blocking]
        super().__init__("Not approved: " + " ".join(finding.message for finding in self.findings))


def lint_draft(draft: Draft, rules: Iterable[RuleSpec]) -> list[Finding]:
    """Every finding for this draft, blocking ones first, in rule order."""
    findings = []
    for rule in rules:
        check = CHECKS.get(rule.kind)
        if check is None or not rule.applies_to(draft):
            continue
        values = check(draft, rule)
        if values is not None:
            findings.append(Finding(rule.code, fill_message(rule.message, values), rule.severity))
    return sorted(findings, key=lambda finding: not finding.blocking)


def fill_message(message: str, values: Mapping[str, Any]) -> str:
    """{name} placeholders from the check's values; unknown names stay as typed (admins write these)."""
    return PLACEHOLDER.sub(lambda match: str(values.get(match[1], match[0])), message)


# --- entry points with a session ---


def draft_for(session: Session, reply: Reply, mention: Mention | None = None, *, text: str | None = None) -> Draft:
    """The Draft for a stored reply; `text` is what is about to be approved when it differs from the stored text."""
    mention = mention or session.get_one(Mention, reply.mention_id)
    saved = session.get(SavedReply, reply.saved_reply_id) if reply.saved_reply_id else None
    extra = mention.extra or {}
    existing, existing_at = extra.get("reply"), extra.get("reply_at")
    if not existing and _posted_before(session, reply):
        existing, existing_at = "posted by Earful", None
    return Draft(text=reply.text if text is None else text, network=mention.network,
                 mention_language=mention.language or mention.language_hint,
                 in_reply_to_brand=mention.in_reply_to_brand, rating=mention.rating, complaint=mention.complaint,
                 sentiment=mention.sentiment, existing_reply=str(existing) if existing else None,
                 existing_reply_at=str(existing_at) if existing_at else None,
                 saved_body=saved.body if saved else None, author=mention.author, title=mention.title)


def _posted_before(session: Session, reply: Reply) -> bool:
    statement = select(Reply.id).where(Reply.mention_id == reply.mention_id, col(Reply.id) != reply.id,
                                       Reply.status == ReplyStatus.posted.value)
    return session.exec(statement).first() is not None


def check_reply(session: Session, reply: Reply, mention: Mention | None = None, *,
                text: str | None = None) -> list[Finding]:
    return lint_draft(draft_for(session, reply, mention, text=text), load_rules(session))


def refuse_blocked(session: Session, reply: Reply, mention: Mention | None = None, *,
                   text: str | None = None) -> list[Finding]:
    """Call before approving: raises LintBlocked when a blocking finding exists; returns the warnings."""
    findings = check_reply(session, reply, mention, text=text)
    if any(finding.blocking for finding in findings):
        raise LintBlocked(findings)
    return findings
