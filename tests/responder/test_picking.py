"""Picking a saved reply by hand: the choices for a mention in order of fit, and replacing a draft with one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, col, select

from models import AuditEvent, Mention, Reply, SavedReply, User
from responder.drafting.picking import SavedReplyUnavailable, group_choices, saved_reply_choices, use_saved_reply
from responder.drafting.rules import choose_saved_reply
from responder.drafting.variables import Workspace
from responder.replies import service
from responder.replies.service import ReplyStateError, SelfApprovalError, StaleReplyError

WORKSPACE = Workspace(brand="Lumo Home", product="Lumo Kettle", support_url="https://help.lumo.example")


@pytest.fixture()
def ja_complaint(make_mention: Callable[..., Mention]) -> Mention:
    return make_mention(language="ja", sentiment="negative", confidence=0.9, complaint=0.9, topics=["delivery"],
                        network="x", author="yuki", text="注文が届きません")


@pytest.fixture()
def draft(db_session: Session, ja_complaint: Mention) -> Reply:
    reply = Reply(mention_id=ja_complaint.id, text="Hand-written draft.", poster="manual")
    db_session.add(reply)
    db_session.flush()
    return reply


def _events(session: Session, reply: Reply) -> list[AuditEvent]:
    statement = select(AuditEvent).where(AuditEvent.reply_id == reply.id).order_by(col(AuditEvent.id))
    return list(session.exec(statement).all())


def test_choices_come_best_fit_first_the_mentions_language_before_english(
    db_session: Session, ja_complaint: Mention, make_saved_reply: Callable[..., SavedReply]
) -> None:
    other_language = make_saved_reply(name="de general", language="de", body="Hallo {author}")
    en_delivery = make_saved_reply(name="en delivery", topic="delivery", body="Sorry {author}, it is late.")
    ja_general = make_saved_reply(name="ja general", language="ja", body="{author}様、申し訳ありません。")
    ja_praise = make_saved_reply(name="ja praise", language="ja", sentiment="positive", body="ありがとう")
    ja_delivery = make_saved_reply(name="ja delivery", language="ja", topic="delivery", sentiment="negative",
                                   body="{author}様、配送の遅れ申し訳ありません。{brand}")
    make_saved_reply(name="switched off", language="ja", topic="delivery", sentiment="negative", network="x",
                     body="old", active=False)
    en_praise = make_saved_reply(name="en praise", sentiment="positive", body="Thanks!")

    choices = saved_reply_choices(db_session, ja_complaint, WORKSPACE)

    assert [c.name for c in choices] == ["ja delivery", "ja general", "en delivery", "ja praise", "en praise",
                                         "de general"]
    assert choices[0].saved_reply_id == choose_saved_reply([ja_delivery, ja_general, en_delivery], ja_complaint).id
    assert [(group, [c.saved_reply_id for c in members]) for group, members in group_choices(choices)] == [
        ("Fits this mention", [ja_delivery.id, ja_general.id]), ("Fits, in English", [en_delivery.id]),
        ("Other replies in ja", [ja_praise.id]), ("Other replies in English", [en_praise.id]),
        ("Other languages", [other_language.id])]
    best = choices[0]
    assert (best.language, best.topic, best.sentiment, best.network) == ("ja", "delivery", "negative", None)
    assert best.description == "ja · delivery · negative" and choices[1].description == "ja · general"
    assert best.fits and not choices[3].fits
    assert best.preview == "@yuki様、配送の遅れ申し訳ありません。Lumo Home"


def test_a_long_preview_is_one_short_line(db_session: Session, ja_complaint: Mention,
                                          make_saved_reply: Callable[..., SavedReply]) -> None:
    make_saved_reply(body="Hello {author},\n\n" + "we are very sorry. " * 20)
    (choice,) = saved_reply_choices(db_session, ja_complaint, WORKSPACE)
    assert "\n" not in choice.preview and len(choice.preview) <= 90 and choice.preview.endswith("…")
    assert choice.preview.startswith("Hello @yuki, we are very sorry.")


def test_using_a_saved_reply_renders_it_for_the_mention_and_bumps_the_version(
    db_session: Session, draft: Reply, make_saved_reply: Callable[..., SavedReply], make_user: Callable[..., User]
) -> None:
    agent = make_user(role="agent", email="mika.tanaka@example.com")
    saved = make_saved_reply(name="Order lookup", language="ja",
                             body="{author}様、{product}の件です。注文番号 {?order number} を教えてください。{agent}")

    use_saved_reply(db_session, draft, saved, user=agent, expected_version=1, workspace=WORKSPACE)

    assert draft.text == "@yuki様、Lumo Kettleの件です。注文番号 {?order number} を教えてください。Mika"
    assert (draft.version, draft.status, draft.saved_reply_id, draft.edited_by_id) == (2, "draft", saved.id,
                                                                                        agent.id)
    assert draft.draft_reason == "picked by mika.tanaka@example.com: saved reply 'Order lookup'"
    (event,) = _events(db_session, draft)
    assert (event.action, event.actor_id) == ("reply.saved_reply_used", agent.id)
    assert event.details == {"saved_reply_id": saved.id, "saved_reply_name": "Order lookup",
                             "previous_text": "Hand-written draft.", "text": draft.text, "version": 2}


def test_wordings_rotate_like_drafting(db_session: Session, draft: Reply, make_saved_reply: Callable[..., SavedReply],
                                       make_user: Callable[..., User]) -> None:
    agent = make_user(role="agent")
    saved = make_saved_reply(body="First {author}.", variants=["Second {author}.", "  "])
    use_saved_reply(db_session, draft, saved, user=agent, expected_version=1, workspace=WORKSPACE)
    db_session.flush()
    assert draft.text == "First @yuki." and draft.draft_reason is not None
    assert draft.draft_reason.endswith("· wording 1 of 2")
    use_saved_reply(db_session, draft, saved, user=agent, expected_version=2, workspace=WORKSPACE)
    assert draft.text == "Second @yuki." and draft.version == 3


def test_a_stale_form_an_inactive_reply_and_a_closed_reply_change_nothing(
    db_session: Session, draft: Reply, make_saved_reply: Callable[..., SavedReply], make_user: Callable[..., User]
) -> None:
    agent = make_user(role="agent")
    saved = make_saved_reply()
    with pytest.raises(StaleReplyError):
        use_saved_reply(db_session, draft, saved, user=agent, expected_version=7, workspace=WORKSPACE)
    retired = make_saved_reply(name="Retired", active=False)
    with pytest.raises(SavedReplyUnavailable, match="'Retired' is switched off"):
        use_saved_reply(db_session, draft, retired, user=agent, expected_version=1, workspace=WORKSPACE)
    assert (draft.text, draft.version, draft.saved_reply_id, draft.edited_by_id) == ("Hand-written draft.", 1,
                                                                                     None, None)
    assert _events(db_session, draft) == []
    draft.status = "approved"
    with pytest.raises(ReplyStateError, match="this needs draft"):
        use_saved_reply(db_session, draft, saved, user=agent, expected_version=1, workspace=WORKSPACE)


def test_the_picker_is_the_last_editor_so_cannot_approve_it_alone(
    db_session: Session, draft: Reply, make_saved_reply: Callable[..., SavedReply], make_user: Callable[..., User]
) -> None:
    picker, other = make_user(role="approver"), make_user(role="approver")
    use_saved_reply(db_session, draft, make_saved_reply(), user=picker, expected_version=1, workspace=WORKSPACE)
    with pytest.raises(SelfApprovalError):
        service.approve(db_session, draft, user=picker, expected_version=2)
    service.approve(db_session, draft, user=other, expected_version=2)
    assert (draft.status, draft.approved_by_id) == ("approved", other.id)


def test_picking_clears_a_first_approval_like_an_edit(
    db_session: Session, draft: Reply, make_saved_reply: Callable[..., SavedReply], make_user: Callable[..., User]
) -> None:
    first, agent = make_user(role="approver"), make_user(role="agent")
    draft.first_approved_by_id = first.id
    use_saved_reply(db_session, draft, make_saved_reply(), user=agent, expected_version=1, workspace=WORKSPACE)
    assert draft.first_approved_by_id is None and draft.first_approved_at is None
    assert _events(db_session, draft)[-1].details["first_approval_cleared"] is True
