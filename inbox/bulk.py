"""Bulk actions on the mentions selected in the queue: each mention succeeds or is skipped with a reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from inbox.lint import blocking_problems
from inbox.triage import assign, ignore
from models import Mention, Reply, ReplyStatus, User
from responder.replies.service import ReplyStateError, StaleReplyError, approve, awaiting_second_approval

MAX_SELECTION = 200


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)  # mention ids
    skipped: list[tuple[int, str]] = field(default_factory=list)  # mention id, why
    approved_replies: list[int] = field(default_factory=list)  # to hand to the poster after commit
    first_approvals: list[int] = field(default_factory=list)  # mention ids whose reply still needs a second approval


def selected_mentions(session: Session, ids: Sequence[int]) -> list[Mention]:
    statement = select(Mention).where(col(Mention.id).in_(ids)).order_by(col(Mention.id))
    return list(session.exec(statement).all())


def bulk_assign(session: Session, mentions: Sequence[Mention], assignee: User | None, *, actor: User) -> BulkResult:
    result = BulkResult()
    for mention in mentions:
        _attempt(result, mention, lambda m: assign(session, m, assignee, actor=actor))
    return result


def bulk_ignore(session: Session, mentions: Sequence[Mention], *, actor: User, note: str) -> BulkResult:
    result = BulkResult()
    for mention in mentions:
        _attempt(result, mention, lambda m: ignore(session, m, actor=actor, note=note))
    return result


def bulk_approve(session: Session, mentions: Sequence[Mention], versions: Mapping[int, int], *, user: User,
                 allow_self_approval: bool) -> BulkResult:
    """Approve each selected draft as the user saw it (its version), if it passes lint; skip the rest."""
    result = BulkResult()
    for mention in mentions:
        mention_id = _mention_id(mention)
        reply = _draft_of(session, mention)
        problems = blocking_problems(session, reply, mention) if reply else ["no draft is awaiting approval"]
        if mention_id not in versions:
            problems.append("its draft was not on the page you submitted; reload and try again")
        if problems or reply is None:
            result.skipped.append((mention_id, "; ".join(problems)))
            continue
        # The checks all run before approve changes anything, so a refusal leaves the reply untouched.
        try:
            approve(session, reply, user=user, expected_version=versions[mention_id], text=None,
                    allow_self_approval=allow_self_approval)
        except ReplyStateError as error:
            result.skipped.append((mention_id, _reason(error)))
            continue
        result.done.append(mention_id)
        if awaiting_second_approval(reply):
            result.first_approvals.append(mention_id)
        else:
            result.approved_replies.append(_reply_id(reply))
    return result


def summary(verb: str, result: BulkResult) -> str:
    text = f"{verb} {len(result.done)} mention{'s' if len(result.done) != 1 else ''}."
    if result.first_approvals:
        waiting = ", ".join(f"#{mention_id}" for mention_id in result.first_approvals)
        text += f" First approval only (1 of 2 approvals), another approver has to give the second: {waiting}."
    if result.skipped:
        reasons = "; ".join(f"#{mention_id}: {why}" for mention_id, why in result.skipped)
        text += f" Skipped {len(result.skipped)}: {reasons}"
    return text


def _attempt(result: BulkResult, mention: Mention, action: Callable[[Mention], None]) -> None:
    try:
        action(mention)
    except ReplyStateError as error:
        result.skipped.append((_mention_id(mention), _reason(error)))
        return
    result.done.append(_mention_id(mention))


def _draft_of(session: Session, mention: Mention) -> Reply | None:
    statement = (select(Reply).where(Reply.mention_id == mention.id, Reply.status == ReplyStatus.draft.value)
                 .order_by(col(Reply.id).desc()))
    return session.exec(statement).first()


def _reason(error: ReplyStateError) -> str:
    if isinstance(error, StaleReplyError):
        return "the draft changed after you loaded the page"
    return str(error)


def _mention_id(mention: Mention) -> int:
    assert mention.id is not None
    return mention.id


def _reply_id(reply: Reply) -> int:
    assert reply.id is not None
    return reply.id

