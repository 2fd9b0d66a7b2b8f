"""The reply lifecycle table (models.reply_states): what it allows, what it refuses, in both forms of transition()."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import Session

from models import Mention, Reply, ReplyStatus
from models.reply_states import (
    DRAFT_OR_REUSABLE_TEXT,
    ENDED_UNSENT,
    INITIAL,
    LOCKED,
    MOVES,
    ON_ITS_WAY,
    REUSABLE_TEXT,
    SETTLED,
    TERMINAL,
    UNFINISHED,
    UNFINISHED_OR_POSTED,
    ForbiddenTransition,
    Move,
    ReplyStateError,
    transition,
)

# The table as the code had it before it had a table (service, posting, reconcile): every edge, by its move.
EDGES = {
    ("draft", "approved", Move.approve),
    ("approved", "draft", Move.undo_approve),  # the undo window (issue 18), before any claim
    ("draft", "rejected", Move.reject),
    ("approved", "rejected", Move.reject),
    ("manual", "posted", Move.confirm_pasted),
    ("failed", "draft", Move.reopen),
    ("approved", "posting", Move.claim),
    *((status, "posted", Move.record_posted) for status in ReplyStatus if status != "posted"),
    ("posting", "manual", Move.hand_to_person),
    ("posting", "approved", Move.defer),
    ("posting", "failed", Move.record_refused),
    ("posting", "unknown", Move.record_maybe_sent),
    ("approved", "failed", Move.give_up),
    ("posting", "unknown", Move.expire_claim),
    ("unknown", "posted", Move.found_on_platform),
    ("unknown", "failed", Move.not_on_platform),
    ("unknown", "unknown", Move.note_unchecked),
}


def edges() -> set[tuple[str, str, Move]]:
    return {(source.value, step.target.value, move) for move, step in MOVES.items() for source in step.sources}


def test_the_table_is_the_lifecycle_the_code_had() -> None:
    assert edges() == EDGES
    assert set(MOVES) == set(Move)


def test_every_state_is_in_the_table_and_replies_start_as_drafts() -> None:
    named = {source for source, _target, _move in edges()} | {target for _source, target, _move in edges()}
    assert named == {status.value for status in ReplyStatus}
    assert INITIAL is ReplyStatus.draft


def test_posted_is_terminal() -> None:
    assert TERMINAL == ("posted",)
    assert not [move for move, step in MOVES.items() if ReplyStatus.posted in step.sources]


def test_an_unknown_outcome_is_settled_only_by_reading_the_platform() -> None:
    """unknown -> posted | failed by the reconciler's reading, or posted by the worker that learns the platform has
    it; never back towards sending."""
    leaving = {(target, move, MOVES[move].by) for source, target, move in edges() if source == "unknown"}
    assert leaving == {("posted", Move.found_on_platform, "reconciler"), ("failed", Move.not_on_platform, "reconciler"),
                       ("unknown", Move.note_unchecked, "reconciler"), ("posted", Move.record_posted, "posting worker")}
    into_failed = {move for source, target, move in edges() if (source, target) == ("unknown", "failed")}
    assert into_failed == {Move.not_on_platform}


def test_nothing_is_sent_twice_blind() -> None:
    # Only an approved reply is claimed for sending; only a request certainly not sent goes back to approved.
    assert {(source, move) for source, target, move in edges() if target == "posting"} == {("approved", Move.claim)}
    assert {(source, move) for source, target, move in edges() if target == "approved"} == {
        ("draft", Move.approve), ("posting", Move.defer)}
    # A failed reply is sent again only after a person reopens and re-approves it.
    assert {target for source, target, _move in edges() if source == "failed"} == {"draft", "posted"}


def test_people_never_move_a_reply_that_is_being_posted() -> None:
    for move, step in MOVES.items():
        if step.by == "person":
            assert ReplyStatus.posting not in step.sources, move
            assert ReplyStatus.unknown not in step.sources, move


def test_the_named_sets_and_the_two_meanings_of_open() -> None:
    every = {status.value for status in ReplyStatus}
    assert set(SETTLED) | set(UNFINISHED) == every and not set(SETTLED) & set(UNFINISHED)
    assert UNFINISHED == ("draft", "approved", "posting", "manual", "unknown")  # models.reply's partial indexes
    # responder.replies.service's "open reply" also counts a posted one: no second draft once the customer has
    # an answer.
    assert set(UNFINISHED_OR_POSTED) == set(UNFINISHED) | {"posted"} == every - set(ENDED_UNSENT)
    assert ENDED_UNSENT == ("failed", "rejected")
    assert LOCKED == ("approved", "posting", "manual", "unknown")
    assert ON_ITS_WAY == ("approved", "posting", "unknown")
    assert REUSABLE_TEXT == ("approved", "posting", "manual", "posted")
    assert DRAFT_OR_REUSABLE_TEXT == ("draft", "approved", "posting", "manual", "posted")
    # Of the locked states a person may still reject an approved reply or confirm a pasted one; a reply being posted
    # or in doubt belongs to the posting worker and the reconciler.
    person_sources = {source.value for step in MOVES.values() if step.by == "person" for source in step.sources}
    assert set(LOCKED) - person_sources == {"posting", "unknown"}


@pytest.fixture()
def make_reply(db_session: Session, make_mention: Callable[..., Mention]) -> Callable[[str], Reply]:
    def factory(status: str) -> Reply:
        reply = Reply(mention_id=make_mention().id, text="Sorry, we are on it.", status=status, attempts=1)
        db_session.add(reply)
        db_session.flush()
        return reply

    return factory


PAIRS = list(itertools.product(ReplyStatus, Move))


def test_a_plain_update_makes_an_allowed_move_and_bumps_the_version(
        db_session: Session, make_reply: Callable[[str], Reply]) -> None:
    reply = make_reply("draft")
    before = reply.updated_at
    assert transition(db_session, reply, Move.approve, approved_by_id=None) is reply
    assert (reply.status, reply.version) == ("approved", 2) and reply.updated_at >= before


def test_a_plain_update_refuses_every_move_the_table_does_not_have(
        db_session: Session, make_reply: Callable[[str], Reply]) -> None:
    replies = {status: make_reply(status) for status in ReplyStatus}
    for status, move in PAIRS:
        reply = replies[status]
        reply.status, reply.version = status.value, 1
        if status in MOVES[move].sources:
            transition(db_session, reply, move)
            assert (reply.status, reply.version) == (MOVES[move].target.value, 2)
            continue
        with pytest.raises(ForbiddenTransition, match=f"is {status.value}; this needs") as refused:
            transition(db_session, reply, move)
        assert isinstance(refused.value, ReplyStateError) and refused.value.move is move
        assert (reply.status, reply.version) == (status.value, 1), (status, move)


def test_a_conditional_update_moves_only_from_the_moves_source_states(
        db_session: Session, make_reply: Callable[[str], Reply]) -> None:
    for status, move in PAIRS:
        reply = make_reply(status.value)
        assert reply.id is not None
        moved = transition(db_session, reply.id, move, error="x")
        db_session.refresh(reply)
        if status in MOVES[move].sources:
            assert moved is not None and (moved.status, moved.version, moved.error) == (
                MOVES[move].target.value, 2, "x"), (status, move)
        else:
            assert moved is None and (reply.status, reply.version, reply.error) == (status.value, 1, None), (
                status, move)


def test_a_conditional_update_pinned_to_another_attempt_loses(
        db_session: Session, make_reply: Callable[[str], Reply]) -> None:
    reply = make_reply("posting")
    assert reply.id is not None
    assert transition(db_session, reply.id, Move.record_refused, attempt=2) is None
    moved = transition(db_session, reply.id, Move.record_refused, attempt=1)
    assert moved is not None and moved.status == "failed"


def test_a_plain_update_cannot_pin_an_attempt(db_session: Session, make_reply: Callable[[str], Reply]) -> None:
    reply = make_reply("posting")
    with pytest.raises(ValueError, match="attempt"):
        transition(db_session, reply, Move.record_refused, attempt=1)  # type: ignore[call-overload]
    assert reply.status == "posting"


# --- Drift guard: reply states are listed, and replies moved, in one module only. ---------------------------------

PACKAGES = ("models", "listener", "sentiment", "responder", "alerts", "reports", "web")
HOME = Path(__file__).resolve().parents[2]
STATES_MODULE = HOME / "models" / "reply_states.py"
STATUS_NAMES = {status.value for status in ReplyStatus}


def _is_reply_status(node: ast.expr) -> bool:
    """ReplyStatus.x or ReplyStatus.x.value."""
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id == "ReplyStatus"
    return False


def _drift(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            statuses = [item for item in node.elts if _is_reply_status(item)]
            strings = [item for item in node.elts if isinstance(item, ast.Constant) and item.value in STATUS_NAMES]
            if len(statuses) >= 2 or (len(strings) >= 2 and len(strings) == len(node.elts)):
                found.append((node.lineno, "a set of reply states"))
        elif isinstance(node, ast.comprehension) and isinstance(node.iter, ast.Name) and node.iter.id == "ReplyStatus":
            found.append((node.iter.lineno, "a set derived from ReplyStatus"))
        elif isinstance(node, ast.Assign) and _is_reply_status(node.value) and any(
                isinstance(target, ast.Attribute) and target.attr == "status" for target in node.targets):
            found.append((node.lineno, "a move written by hand (use transition())"))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update"
              and [ast.unparse(arg) for arg in node.args] == ["Reply"]):
            found.append((node.lineno, "an UPDATE of replies outside transition()"))
        elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "status":
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Tuple | ast.List | ast.Set) and not all(
                        isinstance(item, ast.Constant) and isinstance(item.value, int) for item in right.elts):
                    found.append((node.lineno, "`status in (...)` with its own states"))
    return found


def _sources() -> list[Path]:
    files = [path for package in PACKAGES for path in (HOME / package).rglob("*.py")]
    return [path for path in [*files, HOME / "settings.py", HOME / "worker.py"]
            if path != STATES_MODULE and "migrations" not in path.parts and path.exists()]


def test_no_module_but_the_states_module_lists_reply_states() -> None:
    """Name the set you mean in models.reply_states (or add one there) instead of listing states by hand."""
    drift = [f"{path.relative_to(HOME)}:{line}: {what}" for path in _sources()
             for line, what in _drift(ast.parse(path.read_text(encoding="utf-8")))]
    assert drift == []


def test_the_guard_sees_what_it_guards_against() -> None:
    samples = {
        "LOCKED = (ReplyStatus.approved.value, ReplyStatus.posting.value)": 1,
        "q = col(Reply.status).in_([ReplyStatus.rejected, ReplyStatus.failed])": 1,
        "OPEN = ('draft', 'approved', 'posting')": 1,
        "NOT_POSTED = tuple(s for s in ReplyStatus if s is not ReplyStatus.posted)": 1,
        "closed = mention.status in ('ignored', 'replied')": 1,
        "fine = reply.status == ReplyStatus.draft.value": 0,
        "reply.status = ReplyStatus.rejected.value": 1,
        "session.execute(sa.update(Reply).where(ok).values(status='failed'))": 1,
        "rung = (QueueTab.manual, (ReplyStatus.manual.value,))": 0,
        "codes = status in (401, 403)": 0,
        "http = error.status not in (400, 404, 410)": 0,
    }
    for source, expected in samples.items():
        assert len(_drift(ast.parse(source))) == expected, source
