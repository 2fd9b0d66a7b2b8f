"""The queue's side of reply lint (responder.lint.findings): the live length count, the text-only findings, and the
blocking findings that refuse an approval (single, bulk and API all ask blocking_problems).

Rules are the workspace's (responder.lint.rules.load_rules) when the caller passes them, the shipped defaults
otherwise; the mention page's findings beside a draft are web.queue.findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from models import Mention, Reply
from responder.lint.findings import (
    Draft,
    Finding,
    LengthRule,
    ReplyLength,
    RuleSpec,
    check_reply,
    length_rule,
    lint_draft,
    measure_draft,
    weighted_length,
)
from responder.lint.rules import default_rules
from responder.posters.mastodon_status import author_acct, content_warning

__all__ = ["Finding", "LengthRule", "MastodonCount", "ReplyLength", "blocking_problems", "lint", "mastodon_count",
           "reply_length", "weighted_length"]
# What can be judged from the text and network alone, without the mention it answers.
TEXT_ONLY_KINDS = frozenset({"empty", "unfilled_variables", "prompted_fields", "length", "forbidden_phrases",
                             "personal_data"})


@dataclass(frozen=True)
class MastodonCount:
    """What the live counter (static/js/count.js) adds to the typed text to count a Mastodon reply as lint does:
    the author's @mention, unless the text already has it, and the content warning the reply repeats."""

    user: str  # "" when the author is no account: nobody is mentioned
    domain: str  # "" for an account of the replying instance
    warning_length: int

    @property
    def added(self) -> str:
        """What the count holds beyond the typed text, for its label."""
        return " and ".join(["the @mention"] * bool(self.user) + ["the content warning"] * bool(self.warning_length))


def reply_length(text: str, network: str, *, author: str | None = None, title: str | None = None,
                 rules: Sequence[RuleSpec] | None = None) -> ReplyLength:
    """The count shown under the draft, against the workspace's length rule for the network: the length of what
    the platform will receive and count (on Mastodon, with the author's @mention and the content warning)."""
    draft = Draft(text=text, network=network, author=author, title=title)
    return measure_draft(draft, length_rule(_or_defaults(rules), network))


def mastodon_count(network: str, author: str | None, title: str | None) -> MastodonCount | None:
    if network != "mastodon":
        return None
    user, domain = author_acct(author) or ("", None)
    return MastodonCount(user, domain or "", len(content_warning(title)))


def lint(text: str, network: str, rules: Sequence[RuleSpec] | None = None) -> list[str]:
    """Messages of the findings that need no mention (text and network only); check_reply has them all."""
    text_only = [rule for rule in _or_defaults(rules) if rule.kind in TEXT_ONLY_KINDS]
    return [finding.message for finding in lint_draft(Draft(text=text, network=network), text_only)]


def blocking_problems(session: Session, reply: Reply, mention: Mention | None = None, *,
                      text: str | None = None) -> list[str]:
    """Why this reply (with `text`, when approving an edit) may not be approved; empty when it may."""
    cleaned = None if text is None else text.replace("\r\n", "\n").strip()
    findings = check_reply(session, reply, mention, text=cleaned)
    return [finding.message for finding in findings if finding.blocking]


def _or_defaults(rules: Sequence[RuleSpec] | None) -> Sequence[RuleSpec]:
    return default_rules() if rules is None else rules
