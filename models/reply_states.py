"""The reply lifecycle in one place: its states, the one table of moves between them, and transition().

draft -> approved -> posting -> posted | manual -> posted | failed | unknown (design card, rule 6). Every process
(web, posting worker, reconciler) moves a reply only through `transition`, with a named move from MOVES:

- on a reply loaded in the session (a person's action in the queue) it checks the table and raises
  ForbiddenTransition when the reply is not in one of the move's source states;
- on a reply id (the posting worker, the reconciler) it is one conditional UPDATE whose WHERE status IN (...) is
  the move's source states, so of two racing processes exactly one wins and the other gets None.

A move, not just its target state, picks the source states: the same target means different things to different
actors (`approved` is a person's approval of a draft, or a deferred post going back to wait; only the first may
start from a draft), so a table keyed by target alone would let a late worker approve a draft nobody approved.
The named sets below are derived from the states and say what each caller means by "open".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, overload

import sqlalchemy as sa
from sqlmodel import Session, col

from models.base import utcnow

if TYPE_CHECKING:
    from models.reply import Reply


class ReplyStatus(StrEnum):
    draft = "draft"
    approved = "approved"
    posting = "posting"
    manual = "manual"  # ready to paste by hand; waits for the operator to confirm
    posted = "posted"
    failed = "failed"
    unknown = "unknown"
    rejected = "rejected"


INITIAL = ReplyStatus.draft  # a reply is born a draft (responder.replies.service drafts it)
Actor = Literal["person", "posting worker", "reconciler"]


class Move(StrEnum):
    approve = "approve"
    undo_approve = "undo_approve"
    reject = "reject"
    confirm_pasted = "confirm_pasted"
    reopen = "reopen"
    claim = "claim"
    record_posted = "record_posted"
    hand_to_person = "hand_to_person"
    defer = "defer"
    record_refused = "record_refused"
    record_maybe_sent = "record_maybe_sent"
    give_up = "give_up"
    expire_claim = "expire_claim"
    found_on_platform = "found_on_platform"
    not_on_platform = "not_on_platform"
    note_unchecked = "note_unchecked"


@dataclass(frozen=True)
class Transition:
    sources: tuple[ReplyStatus, ...]
    target: ReplyStatus
    by: Actor
    why: str


_S = ReplyStatus
_ALL_BUT_POSTED = tuple(status for status in ReplyStatus if status is not ReplyStatus.posted)

# THE table. Nothing else in the code base lists which states a reply may move from.
MOVES: dict[Move, Transition] = {
    Move.approve: Transition((_S.draft,), _S.approved, "person", "the (last) approval; posting is queued"),
    # Only within the undo window and only by a conditional UPDATE that also needs the hold still running, so of an
    # undo racing the posting worker's claim (which needs the hold over) exactly one wins.
    Move.undo_approve: Transition((_S.approved,), _S.draft, "person", "undone within the undo window, never claimed"),
    Move.reject: Transition((_S.draft, _S.approved), _S.rejected, "person",
                            "rejected, superseded, withdrawn, or its mention ignored; never once it is posting"),
    Move.confirm_pasted: Transition((_S.manual,), _S.posted, "person", "the operator pasted it by hand"),
    Move.reopen: Transition((_S.failed,), _S.draft, "person", "re-sending a failed reply is a person's decision"),
    Move.claim: Transition((_S.approved,), _S.posting, "posting worker", "recorded before the network call"),
    # The platform has it: that is the truth whatever happened to the row meanwhile (a reconciler that gave up on
    # a slow worker); the caller pins its attempt, so a later attempt's row is left alone.
    Move.record_posted: Transition(_ALL_BUT_POSTED, _S.posted, "posting worker", "the platform answered with an id"),
    Move.hand_to_person: Transition((_S.posting,), _S.manual, "posting worker", "this network is answered by hand"),
    Move.defer: Transition((_S.posting,), _S.approved, "posting worker", "certainly not sent; retried later"),
    Move.record_refused: Transition((_S.posting,), _S.failed, "posting worker", "the platform refused it"),
    Move.record_maybe_sent: Transition((_S.posting,), _S.unknown, "posting worker",
                                       "it may have been sent: checked on the platform, never re-sent blind"),
    Move.give_up: Transition((_S.approved,), _S.failed, "posting worker", "out of retries for an unsent reply"),
    Move.expire_claim: Transition((_S.posting,), _S.unknown, "reconciler", "the claiming worker died (lease)"),
    Move.found_on_platform: Transition((_S.unknown,), _S.posted, "reconciler", "the platform lists it"),
    Move.not_on_platform: Transition((_S.unknown,), _S.failed, "reconciler", "absent: a person re-approves it"),
    Move.note_unchecked: Transition((_S.unknown,), _S.unknown, "reconciler", "could not read the platform; later"),
}


def _values(statuses: Iterable[ReplyStatus]) -> tuple[str, ...]:
    """As stored (plain strings, in ReplyStatus order): what SQL IN lists and partial indexes are written from."""
    wanted = set(statuses)
    return tuple(status.value for status in ReplyStatus if status in wanted)


def _left(status: ReplyStatus) -> bool:
    return any(status in move.sources for move in MOVES.values())


# No move leaves these: posted.
TERMINAL = _values(status for status in ReplyStatus if not _left(status))
# Ended without reaching the customer (refused, not found, rejected): the mention may get another reply.
ENDED_UNSENT = _values((ReplyStatus.failed, ReplyStatus.rejected))
SETTLED = _values({*map(ReplyStatus, TERMINAL), *map(ReplyStatus, ENDED_UNSENT)})
# Not settled: still a draft, or on its way, or waiting to be pasted or checked. The queue's partial indexes and
# its tabs ("open reply" in models.reply) cover exactly these.
UNFINISHED = _values(status for status in ReplyStatus if status.value not in SETTLED)
# The mention already has its answer or one under way, so no second draft is started (responder.replies.service's
# "open reply": a posted reply counts).
UNFINISHED_OR_POSTED = _values(status for status in ReplyStatus if status.value not in ENDED_UNSENT)
# Approved and not settled: the text is final and may go out at any moment, so the mention cannot be ignored.
LOCKED = _values(ReplyStatus(status) for status in UNFINISHED if status != INITIAL)
# Heading for the platform with nobody needed (the queue's "Approved" tab); `manual` waits for a person.
ON_ITS_WAY = _values(ReplyStatus(status) for status in LOCKED if status != ReplyStatus.manual)
# A person approved this text and it was not refused or left in doubt: worth offering again (similar replies).
REUSABLE_TEXT = _values(ReplyStatus(status) for status in (*LOCKED, *TERMINAL) if status != ReplyStatus.unknown)
# Mentions worth embedding for similar replies: a draft waiting, or a reusable answer.
DRAFT_OR_REUSABLE_TEXT = _values(ReplyStatus(status) for status in (INITIAL, *REUSABLE_TEXT))


class ReplyStateError(Exception):
    """The reply is not in a state that allows this action."""


class ForbiddenTransition(ReplyStateError):
    """The table has no such move from the reply's current state."""

    def __init__(self, reply_id: int | None, status: str, move: Move) -> None:
        names = " or ".join(source.value for source in MOVES[move].sources)
        super().__init__(f"reply {reply_id} is {status}; this needs {names}")
        self.move = move


def allowed(status: str, move: Move) -> bool:
    return status in MOVES[move].sources


def require(reply: Reply, move: Move) -> None:
    """Check the move without making it (for actions that run every check before changing anything)."""
    if not allowed(reply.status, move):
        raise ForbiddenTransition(reply.id, reply.status, move)


@overload
def transition(session: Session, reply: Reply, move: Move, *, attempt: None = None, when: None = None,
               **values: Any) -> Reply: ...


@overload
def transition(session: Session, reply: int, move: Move, *, attempt: int | None = None,
               when: sa.ColumnElement[bool] | None = None, **values: Any) -> Reply | None: ...


def transition(session: Session, reply: Reply | int, move: Move, *, attempt: int | None = None,
               when: sa.ColumnElement[bool] | None = None, **values: Any) -> Reply | None:
    """Make `move`, setting `values` too and bumping version and updated_at.

    Given a loaded Reply: a plain update, checked against the table (ForbiddenTransition). Given a reply id: a
    conditional UPDATE, so of two racing workers exactly one wins; None if it lost (or the move does not apply).
    `attempt` pins the claim the caller holds: a stale worker cannot overwrite a later attempt; `when` adds a
    condition of the caller's to the conditional UPDATE (an undo window that must still run, or be over)."""
    if isinstance(reply, int):
        return _conditional(session, reply, move, attempt, values, when)
    if attempt is not None or when is not None:
        raise ValueError("attempt and when pin a conditional update; pass the reply id")
    require(reply, move)
    reply.status = MOVES[move].target.value
    for name, value in values.items():
        setattr(reply, name, value)
    reply.version += 1
    reply.updated_at = utcnow()
    return reply


def _conditional(session: Session, reply_id: int, move: Move, attempt: int | None,
                 values: dict[str, Any], when: sa.ColumnElement[bool] | None = None) -> Reply | None:
    from models.reply import Reply  # models.reply reads the sets above to declare its partial indexes

    step = MOVES[move]
    condition = [col(Reply.id) == reply_id, col(Reply.status).in_(_values(step.sources))]
    if attempt is not None:
        condition.append(col(Reply.attempts) == attempt)
    if when is not None:
        condition.append(when)
    result = session.execute(
        sa.update(Reply).where(*condition)
        .values(status=step.target.value, version=col(Reply.version) + 1, updated_at=utcnow(), **values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get_one(Reply, reply_id, populate_existing=True)
