from collections.abc import Callable

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from models import AuditEvent, Mention, Reply, SavedReply, User
from responder.replies import service
from responder.replies.service import ReplyStateError, StaleReplyError
from settings import Settings


@pytest.fixture()
def negative_mention(make_mention: Callable[..., Mention]) -> Mention:
    return make_mention(sentiment="negative", confidence=0.9, complaint=0.95, topics=["delivery"], language="en",
                        author="ann")


def actions(session: Session, mention: Mention) -> list[str]:
    events = session.exec(select(AuditEvent).where(AuditEvent.mention_id == mention.id).order_by(AuditEvent.id))
    return [event.action for event in events]


def test_a_complaint_gets_one_draft_from_the_matching_saved_reply(
    db_session: Session, negative_mention: Mention, make_saved_reply: Callable[..., SavedReply]
) -> None:
    saved = make_saved_reply(topic="delivery", body="Hi {author}, sorry it's late. - {brand}")
    reply = service.draft_reply(db_session, negative_mention, brand="Lumo Home")
    assert reply is not None and reply.saved_reply_id == saved.id
    assert reply.text == "Hi @ann, sorry it's late. - Lumo Home"
    assert negative_mention.status == "needs_reply"
    assert service.draft_reply(db_session, negative_mention, brand="Lumo Home") is None
    assert actions(db_session, negative_mention) == ["reply.drafted"]


def test_chatter_needs_no_reply(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    mention = make_mention(sentiment="neutral", confidence=0.8, complaint=0.05, text="Lumo has a sale")
    assert service.draft_reply(db_session, mention, brand="Lumo") is None
    assert mention.status == "no_reply"


def test_approve_post_manual_confirm_with_a_complete_audit_trail(
    db_session: Session, negative_mention: Mention, make_user: Callable[..., User],
    session_factory: sessionmaker[Session], settings: Settings
) -> None:
    approver = make_user(role="approver")
    reply = service.draft_reply(db_session, negative_mention, brand="Lumo")
    assert reply is not None and reply.id is not None
    assert reply.poster == "x"  # X credentials are not set in these settings: it is answered by hand
    service.approve(db_session, reply, user=approver, expected_version=reply.version, text="Sorry, DM us.",
                    allow_self_approval=True)
    db_session.flush()
    posted = service.post_reply(session_factory, reply.id, settings=settings)
    assert posted is not None and (posted.status, posted.poster, posted.attempts) == ("manual", "manual", 1)
    assert service.post_reply(session_factory, reply.id, settings=settings) is None  # a second delivery: no-op
    db_session.refresh(reply)
    service.confirm_posted(db_session, reply, user=approver, permalink="https://x.com/lumohome/status/1")
    assert reply.status == "posted" and negative_mention.status == "replied"
    assert actions(db_session, negative_mention) == [
        "reply.drafted", "reply.approved", "reply.posting", "reply.ready_to_paste", "reply.posted"]
    posted_event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "reply.posted")).one()
    assert posted_event.details["text"] == "Sorry, DM us."
    assert posted_event.actor == approver.email


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(
    db_session: Session, negative_mention: Mention, make_user: Callable[..., User]
) -> None:
    agent = make_user(role="agent")
    reply = service.draft_reply(db_session, negative_mention, brand="Lumo")
    assert reply is not None
    loaded_version = reply.version
    service.edit_draft(db_session, reply, "first edit", user=agent, expected_version=loaded_version)
    with pytest.raises(StaleReplyError):
        service.edit_draft(db_session, reply, "second edit from an old page", user=agent,
                           expected_version=loaded_version)
    assert reply.text == "first edit"


def test_rejected_drafts_can_be_redrafted_but_not_approved(
    db_session: Session, negative_mention: Mention, make_user: Callable[..., User]
) -> None:
    approver = make_user(role="approver")
    reply = service.draft_reply(db_session, negative_mention, brand="Lumo")
    assert reply is not None
    service.reject(db_session, reply, user=approver, note="too stiff")
    with pytest.raises(ReplyStateError, match="is rejected"):
        service.approve(db_session, reply, user=approver, expected_version=reply.version)
    fresh = service.redraft(db_session, negative_mention, user=approver, brand="Lumo")
    assert fresh.id != reply.id and fresh.status == "draft"
    with pytest.raises(ReplyStateError, match="already has a reply"):
        service.redraft(db_session, negative_mention, user=approver, brand="Lumo")


def test_empty_or_oversized_replies_are_refused(
    db_session: Session, negative_mention: Mention, make_user: Callable[..., User]
) -> None:
    approver = make_user(role="approver")
    reply = Reply(mention_id=negative_mention.id, text="")
    db_session.add(reply)
    db_session.flush()
    with pytest.raises(ReplyStateError, match="empty"):
        service.approve(db_session, reply, user=approver, expected_version=1)
    with pytest.raises(ReplyStateError, match="at most"):
        service.approve(db_session, reply, user=approver, expected_version=1, text="x" * 10_001)
    assert reply.status == "draft"


def test_nobody_approves_words_they_wrote_unless_the_workspace_allows_it(
    db_session: Session, negative_mention: Mention, make_user: Callable[..., User]
) -> None:
    writer, other = make_user(role="approver"), make_user(role="approver")
    reply = service.draft_reply(db_session, negative_mention, brand="Lumo")
    assert reply is not None
    service.edit_draft(db_session, reply, "Sorry! Please DM us.", user=writer, expected_version=reply.version)
    with pytest.raises(service.SelfApprovalError):
        service.approve(db_session, reply, user=writer, expected_version=reply.version)
    with pytest.raises(service.SelfApprovalError):
        service.approve(db_session, reply, user=other, expected_version=reply.version, text="Changed while approving")
    assert reply.status == "draft" and reply.text == "Sorry! Please DM us."
    service.approve(db_session, reply, user=other, expected_version=reply.version, text="Sorry! Please DM us.")
    assert reply.status == "approved" and reply.approved_by_id == other.id


def test_approving_one_reply_closes_the_mentions_other_drafts(
    db_session: Session, negative_mention: Mention, make_user: Callable[..., User]
) -> None:
    approver = make_user(role="approver")
    first = Reply(mention_id=negative_mention.id, text="first draft")
    second = Reply(mention_id=negative_mention.id, text="second draft")
    db_session.add_all([first, second])
    db_session.flush()
    service.approve(db_session, second, user=approver, expected_version=second.version)
    assert first.status == "rejected"
    assert actions(db_session, negative_mention) == ["reply.approved", "reply.rejected"]
