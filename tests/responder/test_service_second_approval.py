"""A second approval required per source: two different approvers on the same text, four eyes on both."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, col, select

from models import AuditEvent, Mention, MentionSource, Reply, Source, User
from responder.replies import service
from responder.replies.approvals import approval_progress, requires_second_approval, set_second_approval
from responder.replies.service import ReplyStateError, SecondApproverError, SelfApprovalError


@pytest.fixture()
def strict_source(make_source: Callable[..., Source]) -> Source:
    return make_source(name="Press", require_second_approval=True)


@pytest.fixture()
def draft(db_session: Session, make_mention: Callable[..., Mention], strict_source: Source) -> Reply:
    mention = make_mention(status="needs_reply", source_id=strict_source.id)
    reply = Reply(mention_id=mention.id, text="We are sorry. A replacement is on its way.", poster="manual")
    db_session.add(reply)
    db_session.flush()
    return reply


def actions(session: Session, reply: Reply) -> list[str]:
    statement = select(AuditEvent.action).where(AuditEvent.reply_id == reply.id).order_by(col(AuditEvent.id))
    return list(session.exec(statement).all())


def test_two_different_approvers_are_needed(db_session: Session, draft: Reply,
                                            make_user: Callable[..., User]) -> None:
    first, second = make_user(role="approver"), make_user(role="admin")
    service.approve(db_session, draft, user=first, expected_version=1)
    assert (draft.status, draft.first_approved_by_id, draft.approved_by_id, draft.version) == (
        "draft", first.id, None, 2)
    assert draft.first_approved_at is not None and service.awaiting_second_approval(draft)
    assert approval_progress(db_session, draft).label == "1 of 2 approvals"

    with pytest.raises(SecondApproverError):
        service.approve(db_session, draft, user=first, expected_version=2)
    assert (draft.status, draft.version) == ("draft", 2)

    service.approve(db_session, draft, user=second, expected_version=2)
    assert (draft.status, draft.approved_by_id, draft.first_approved_by_id) == ("approved", second.id, first.id)
    assert not service.awaiting_second_approval(draft)
    assert approval_progress(db_session, draft).given == 2
    assert actions(db_session, draft) == ["reply.first_approved", "reply.approved"]
    approved = db_session.exec(select(AuditEvent).where(AuditEvent.action == "reply.approved")).one()
    assert approved.details["first_approved_by_id"] == first.id


def test_editing_after_the_first_approval_clears_it(db_session: Session, draft: Reply,
                                                    make_user: Callable[..., User]) -> None:
    first, agent, second = make_user(role="approver"), make_user(role="agent"), make_user(role="approver")
    service.approve(db_session, draft, user=first, expected_version=1)
    service.edit_draft(db_session, draft, "  New words.  ", user=agent, expected_version=2)
    assert (draft.first_approved_by_id, draft.first_approved_at, draft.text) == (None, None, "New words.")
    edited = db_session.exec(select(AuditEvent).where(AuditEvent.action == "reply.edited")).one()
    assert edited.details["first_approval_cleared"] is True

    service.approve(db_session, draft, user=second, expected_version=3)  # the first approval of the new text
    assert (draft.status, draft.first_approved_by_id) == ("draft", second.id)
    service.approve(db_session, draft, user=first, expected_version=4)
    assert (draft.status, draft.approved_by_id) == ("approved", first.id)


def test_saving_the_same_text_keeps_the_first_approval(db_session: Session, draft: Reply,
                                                       make_user: Callable[..., User]) -> None:
    first, agent = make_user(role="approver"), make_user(role="agent")
    service.approve(db_session, draft, user=first, expected_version=1)
    service.edit_draft(db_session, draft, draft.text + "\r\n", user=agent, expected_version=2)
    assert draft.first_approved_by_id == first.id


def test_four_eyes_still_applies_to_both_approvals(db_session: Session, draft: Reply,
                                                   make_user: Callable[..., User]) -> None:
    editor, other = make_user(role="approver"), make_user(role="approver")
    service.edit_draft(db_session, draft, "Mine.", user=editor, expected_version=1)
    with pytest.raises(SelfApprovalError):
        service.approve(db_session, draft, user=editor, expected_version=2)
    service.approve(db_session, draft, user=other, expected_version=2)
    with pytest.raises(SelfApprovalError):  # the last editor cannot give the second approval either
        service.approve(db_session, draft, user=editor, expected_version=3)
    with pytest.raises(SelfApprovalError):  # nor can the first approver by changing the text
        service.approve(db_session, draft, user=other, expected_version=3, text="Changed while approving")
    assert (draft.status, draft.text, draft.first_approved_by_id) == ("draft", "Mine.", other.id)


def test_a_change_made_while_approving_restarts_the_count(db_session: Session, draft: Reply,
                                                          make_user: Callable[..., User]) -> None:
    first, second = make_user(role="approver"), make_user(role="approver")
    service.approve(db_session, draft, user=first, expected_version=1)
    # With self-approval allowed, an approver may edit while approving: that is the new text's first approval.
    service.approve(db_session, draft, user=second, expected_version=2, text="Reworded.", allow_self_approval=True)
    assert (draft.status, draft.text, draft.first_approved_by_id, draft.edited_by_id) == (
        "draft", "Reworded.", second.id, second.id)
    with pytest.raises(SecondApproverError):  # even with self-approval allowed: two people, always
        service.approve(db_session, draft, user=second, expected_version=3, allow_self_approval=True)
    service.approve(db_session, draft, user=first, expected_version=3, allow_self_approval=True)
    assert draft.status == "approved"


def test_a_source_without_the_setting_needs_one_approval(db_session: Session, make_mention: Callable[..., Mention],
                                                         make_source: Callable[..., Source],
                                                         make_user: Callable[..., User]) -> None:
    mention = make_mention(status="needs_reply", source_id=make_source().id)
    reply = Reply(mention_id=mention.id, text="Thanks!", poster="manual")
    db_session.add(reply)
    db_session.flush()
    service.approve(db_session, reply, user=make_user(role="approver"), expected_version=1)
    assert reply.status == "approved" and reply.first_approved_by_id is None
    assert actions(db_session, reply) == ["reply.approved"]


def test_any_source_that_heard_the_mention_can_require_it(db_session: Session, make_mention: Callable[..., Mention],
                                                          make_source: Callable[..., Source],
                                                          strict_source: Source) -> None:
    mention = make_mention(source_id=make_source().id)
    assert mention.id is not None and not requires_second_approval(db_session, mention.id)
    db_session.add(MentionSource(mention_id=mention.id, source_id=strict_source.id))
    db_session.flush()
    assert requires_second_approval(db_session, mention.id)
    assert not requires_second_approval(db_session, make_mention(source_id=None).id)  # type: ignore[arg-type]


def test_the_setting_is_audited_once_per_change(db_session: Session, make_source: Callable[..., Source],
                                                make_user: Callable[..., User]) -> None:
    source, admin = make_source(), make_user(role="admin")
    assert set_second_approval(db_session, source, True, actor=admin)
    assert not set_second_approval(db_session, source, True, actor=admin)
    assert set_second_approval(db_session, source, False, actor=admin)
    statement = select(AuditEvent.action).where(col(AuditEvent.action).like("source.second_approval%"))
    assert list(db_session.exec(statement.order_by(col(AuditEvent.id)))) == [
        "source.second_approval_required", "source.second_approval_dropped"]


def test_reopening_a_failed_reply_needs_both_approvals_again(db_session: Session, draft: Reply,
                                                             make_user: Callable[..., User]) -> None:
    first, second = make_user(role="approver"), make_user(role="approver")
    service.approve(db_session, draft, user=first, expected_version=1)
    service.approve(db_session, draft, user=second, expected_version=2)
    draft.status, draft.error = "failed", "refused by the platform"
    service.reopen_failed(db_session, draft, user=first)
    assert (draft.status, draft.first_approved_by_id, draft.first_approved_at) == ("draft", None, None)
    assert approval_progress(db_session, draft).label == "0 of 2 approvals"


def test_an_empty_text_is_refused_before_anything_changes(db_session: Session, draft: Reply,
                                                          make_user: Callable[..., User]) -> None:
    draft.text = " "
    with pytest.raises(ReplyStateError):
        service.approve(db_session, draft, user=make_user(role="approver"), expected_version=1)
    assert (draft.version, draft.first_approved_by_id) == (1, None)
