"""Drafting: who gets a draft, which saved reply and why, rotating wordings, variables and prompted fields,
filling them in, and the saved-reply library (starter set and admin validation)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlmodel import Session, col, select

from models import AuditEvent, Mention, Reply, SavedReply, User
from models.errors import Invalid
from models.questions import is_question
from responder.drafting import library
from responder.drafting.filling import fill_in
from responder.drafting.rules import (
    choose_saved_reply,
    compose_draft,
    match_saved_reply,
    mention_variables,
    needs_reply,
    no_reply_reason,
    reason_for,
)
from responder.drafting.variables import (
    TemplateInvalid,
    Workspace,
    agent_name,
    check_template,
    fill_prompts,
    render,
    unfilled_prompts,
)
from responder.replies import service

WORKSPACE = Workspace(brand="Lumo Home", product="Lumo Kettle", support_url="https://help.lumo.example",
                      order_link="https://lumo.example/orders")


# --- variables and prompted fields -------------------------------------------------------------------------

def test_render_fills_known_variables_and_reports_missing_ones() -> None:
    rendered = render("Hi {author}, {brand} here. Order {order_link}", {"author": "@ann", "brand": "Lumo"})
    assert rendered.text == "Hi @ann, Lumo here. Order {order_link}"
    assert rendered.missing == ("order_link",)


def test_render_does_not_evaluate_attribute_access_in_templates() -> None:
    rendered = render("{author.__class__}", {"author": "x"})
    assert rendered.missing == ("author.__class__",)


def test_render_fills_once_and_leaves_prompted_fields_for_the_approver() -> None:
    rendered = render("{author}: order {?order number} - {agent}", {"author": "{brand}", "brand": "Lumo"})
    assert rendered.text == "{brand}: order {?order number} - {agent}"  # a value is never expanded again
    assert rendered.missing == ("agent",)


def test_prompted_fields_are_listed_once_in_order_and_filled_by_label() -> None:
    text = "Order {?order number} ({?delivery date}); again {? order number }."
    assert unfilled_prompts(text) == ["order number", "delivery date"]
    filled = fill_prompts(text, {"order number": "  LH-4411 \n", "delivery date": ""})
    assert filled == "Order LH-4411 ({?delivery date}); again LH-4411."
    assert unfilled_prompts(filled) == ["delivery date"]
    assert unfilled_prompts("no {braces} here, {?}, {?a:b}") == []
    with pytest.raises(TemplateInvalid, match="cannot contain"):
        fill_prompts(text, {"order number": "{agent}"})
    with pytest.raises(TemplateInvalid, match="at most 80"):
        fill_prompts(text, {"order number": "9" * 81})


@pytest.mark.parametrize(("body", "problem"), [
    ("Hi {author}, see {supprt_url}", "unknown variable {supprt_url}"),
    ("Hi {author", "braces do not pair up"),
    ("Order {?order: number}", "cannot hold : or !"),
    ("Order {?" + "x" * 41 + "}", "needs a label of 1 to 40 characters"),
    ("Hi {author!r}", "cannot hold : or !"),
    ("Hi {author.__class__}", "unknown variable {author.__class__}"),
])
def test_a_saved_reply_body_must_be_a_usable_template(body: str, problem: str) -> None:
    assert any(problem in message for message in check_template(body))


def test_every_documented_variable_and_literal_braces_are_accepted() -> None:
    body = "{author} {brand} {product} {order_link} {agent} {support_url} {?order number} {{literal}}"
    assert check_template(body) == []
    assert render(body, {}).text.endswith("{?order number} {literal}")


def test_x_authors_are_addressed_by_handle_and_agents_by_first_name(make_mention: Callable[..., Mention]) -> None:
    assert mention_variables(make_mention(author="ann"), "Lumo")["author"] == "@ann"
    assert mention_variables(make_mention(network="appstore", author="Mika T."), "Lumo")["author"] == "Mika T."
    assert agent_name(User(email="mika.tanaka@lumo.example", password_hash="x")) == "Mika"
    assert agent_name(User(email="jo@lumo.example", password_hash="x")) == "Jo"


# --- who gets a draft ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [("Do you ship to Canada?", True), ("在庫はありますか", True), ("환불 언제 되나요", True),
     ("Great mugs.", False), ("配送が遅い。", False)],
)
def test_questions_are_recognised_in_three_languages(text: str, expected: bool) -> None:
    assert is_question(text) is expected


def test_complaints_questions_praise_and_every_review_get_a_draft(make_mention: Callable[..., Mention]) -> None:
    assert needs_reply(make_mention(network="appstore", rating=5, sentiment="positive", text="Love it"))
    assert needs_reply(make_mention(network="googleplay", rating=3, sentiment="neutral", confidence=0.2, text="ok"))
    assert needs_reply(make_mention(sentiment="negative", complaint=0.2, in_reply_to_brand=True, text="@lumo meh"))
    assert needs_reply(make_mention(sentiment="neutral", complaint=0.9, text="refund pls"))
    assert needs_reply(make_mention(sentiment="neutral", complaint=0.1, text="Does it fit a 2L kettle?"))
    assert needs_reply(make_mention(sentiment="positive", confidence=0.9, text="best kettle ever"))


def test_what_gets_no_draft_says_why(make_mention: Callable[..., Mention]) -> None:
    chatter = make_mention(sentiment="neutral", complaint=0.1, confidence=0.9, text="Lumo sale today")
    assert no_reply_reason(chatter) == "neither a complaint, a question nor praise"
    unsure = make_mention(sentiment="positive", confidence=0.4, text="great, another kettle")
    assert no_reply_reason(unsure) == "positive, but the model is not confident it is praise"
    original = make_mention(sentiment="negative", complaint=0.9)
    copy = make_mention(sentiment="negative", complaint=0.9, duplicate_of_id=original.id)
    assert no_reply_reason(copy) == "a copy of a post already heard; the original gets the answer"
    # A review is answered on its own platform even when the same text was heard elsewhere.
    review_copy = make_mention(network="appstore", rating=1, sentiment="negative", duplicate_of_id=original.id)
    assert no_reply_reason(review_copy) is None


# --- which saved reply, and why -------------------------------------------------------------------------------

def test_the_most_specific_saved_reply_in_the_mentions_language_wins(
    make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply]
) -> None:
    generic = make_saved_reply(language="ja", body="一般")
    negative = make_saved_reply(language="ja", sentiment="negative", body="ご不満")
    delivery = make_saved_reply(language="ja", topic="delivery", body="配達")
    make_saved_reply(language="en", topic="delivery", body="delivery en")
    make_saved_reply(language="ja", topic="delivery", network="reddit", body="reddit only")
    make_saved_reply(language="ja", topic="delivery", active=False, body="retired")
    pool = [generic, negative, delivery]
    complaint = make_mention(language="ja", sentiment="negative", topics=["delivery"], network="x")
    assert choose_saved_reply(pool, complaint) is delivery
    assert choose_saved_reply([generic, negative], complaint) is negative
    other = make_mention(language="ja", sentiment="neutral", topics=["billing"])
    assert choose_saved_reply(pool, other) is generic


def test_a_language_without_saved_replies_falls_back_to_english(
    make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply]
) -> None:
    english = make_saved_reply(language="en")
    assert choose_saved_reply([english], make_mention(language="de", sentiment="negative", complaint=0.9)) is english


def test_the_reason_names_the_mention_the_saved_reply_and_what_matched(
    make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply]
) -> None:
    delivery = make_saved_reply(name="Delivery delay (ja)", language="ja", topic="delivery", sentiment="negative")
    general = make_saved_reply(name="General (en)", language="en", body="Hi {author}, thanks for asking. {brand}")
    complaint = make_mention(language="ja", sentiment="negative", complaint=0.9, topics=["delivery"])
    assert reason_for(complaint, match_saved_reply([delivery, general], complaint)) == (
        "ja · delivery complaint · negative · matched saved reply 'Delivery delay (ja)' on language, topic, sentiment")
    german = make_mention(language="de", sentiment="neutral", complaint=0.0, text="Gibt es das in Blau?")
    assert reason_for(german, match_saved_reply([delivery, general], german), 1, 3) == (
        "de · question · neutral · matched saved reply 'General (en)' (the general reply) · no saved reply "
        "in de fits, so the English one is used · wording 2 of 3")
    review = make_mention(network="appstore", language="ko", rating=5, sentiment="positive", text="좋아요")
    assert reason_for(review, None) == (
        "ko · 5★ review · positive · no active saved reply fits: write this reply by hand")


# --- composing drafts: rotation, variables, the service -------------------------------------------------------

def test_wordings_rotate_round_robin_so_consecutive_customers_get_different_replies(
    db_session: Session, make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply]
) -> None:
    saved = make_saved_reply(topic="delivery", body="A {author}", variants=["B {author}", "  ", "C {author}"])
    texts, reasons = [], []
    for _ in range(5):
        mention = make_mention(author="ann", sentiment="negative", complaint=0.9, topics=["delivery"], language="en")
        reply = service.draft_reply(db_session, mention, brand="Lumo")
        assert reply is not None and reply.saved_reply_id == saved.id
        texts.append(reply.text)
        reasons.append((reply.draft_reason or "").rsplit(" · ", 1)[-1])
    assert texts == ["A @ann", "B @ann", "C @ann", "A @ann", "B @ann"]  # the blank variant is skipped
    assert reasons == ["wording 1 of 3", "wording 2 of 3", "wording 3 of 3", "wording 1 of 3", "wording 2 of 3"]


def test_compose_fills_workspace_values_and_the_drafting_agent(
    db_session: Session, make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply],
    make_user: Callable[..., User]
) -> None:
    make_saved_reply(body="{author}: {product} help at {support_url}, orders at {order_link}. {brand}, {agent}")
    mention = make_mention(network="reddit", author="kai", sentiment="negative", language="en")
    by_worker = compose_draft(db_session, mention, WORKSPACE)
    assert by_worker.text == ("kai: Lumo Kettle help at https://help.lumo.example, orders at "
                              "https://lumo.example/orders. Lumo Home, {agent}")
    assert by_worker.missing == ("agent",)
    by_person = compose_draft(db_session, mention, WORKSPACE, agent=make_user(email="mika.tanaka@lumo.example"))
    assert by_person.text.endswith("Lumo Home, Mika") and by_person.missing == ()
    brand_only = compose_draft(db_session, mention, "Lumo")
    assert brand_only.missing == ("product", "support_url", "order_link", "agent")


def test_the_service_stores_the_reason_and_a_draft_without_a_saved_reply_says_so(
    db_session: Session, make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply],
    make_user: Callable[..., User]
) -> None:
    make_saved_reply(name="Thanks (en)", language="en", sentiment="positive", body="Thanks {author}! - {agent}")
    praise = make_mention(author="bo", sentiment="positive", confidence=0.95, language="en", text="Love my kettle")
    reply = service.draft_reply(db_session, praise, brand="Lumo")
    assert reply is not None and reply.text == "Thanks @bo! - {agent}"
    assert reply.draft_reason == "en · praise · positive · matched saved reply 'Thanks (en)' on language, sentiment"
    question = make_mention(sentiment="neutral", language="en", text="Do you ship to Canada?")
    empty = service.draft_reply(db_session, question, brand="Lumo")
    assert empty is not None and empty.text == "" and empty.saved_reply_id is None
    assert empty.draft_reason == "en · question · neutral · no active saved reply fits: write this reply by hand"
    service.reject(db_session, reply, user=make_user(role="approver"))
    redrafted = service.redraft(db_session, praise, user=make_user(email="jo@lumo.example"), brand="Lumo")
    assert redrafted.text == "Thanks @bo! - Jo"


# --- filling in before approval --------------------------------------------------------------------------------

def _draft(db_session: Session, make_mention: Callable[..., Mention], text: str) -> Reply:
    reply = Reply(mention_id=make_mention(status="needs_reply").id, text=text, poster="manual")
    db_session.add(reply)
    db_session.flush()
    return reply


def test_filling_in_is_recorded_but_is_not_an_edit_so_the_approver_may_still_approve(
    db_session: Session, make_mention: Callable[..., Mention], make_user: Callable[..., User]
) -> None:
    approver = make_user(role="approver", email="mika@lumo.example")
    reply = _draft(db_session, make_mention, "Order {?order number}, due {?date}. - {agent}")
    assert fill_in(db_session, reply, {"order number": "LH-4411"}, user=approver, expected_version=1) == ["date"]
    assert reply.text == "Order LH-4411, due {?date}. - Mika" and reply.version == 2 and reply.edited_by_id is None
    assert fill_in(db_session, reply, {"date": "Nov 9"}, user=approver, expected_version=2) == []
    service.approve(db_session, reply, user=approver, expected_version=3)
    assert reply.status == "approved" and reply.text == "Order LH-4411, due Nov 9. - Mika"
    events = db_session.exec(select(AuditEvent).where(AuditEvent.action == "reply.filled_in")
                             .order_by(col(AuditEvent.id))).all()
    assert [event.details["fields"] for event in events] == [["order number"], ["date"]]


def test_filling_in_refuses_stale_forms_bad_values_and_non_drafts(
    db_session: Session, make_mention: Callable[..., Mention], make_user: Callable[..., User]
) -> None:
    agent = make_user(role="agent")
    reply = _draft(db_session, make_mention, "Order {?order number}")
    with pytest.raises(service.StaleReplyError):
        fill_in(db_session, reply, {"order number": "1"}, user=agent, expected_version=7)
    with pytest.raises(service.ReplyStateError, match="cannot contain"):
        fill_in(db_session, reply, {"order number": "{brand}"}, user=agent, expected_version=1)
    assert fill_in(db_session, reply, {"unknown": "x"}, user=agent, expected_version=1) == ["order number"]
    assert reply.version == 1
    reply.first_approved_by_id = make_user(role="approver").id  # a two-approval source's first approval
    assert fill_in(db_session, reply, {"order number": "LH-1"}, user=agent, expected_version=1) == []
    assert reply.first_approved_by_id is None and reply.first_approved_at is None
    reply.status = "posted"
    with pytest.raises(service.ReplyStateError, match="only a draft"):
        fill_in(db_session, reply, {"order number": "1"}, user=agent, expected_version=2)


# --- the library ---------------------------------------------------------------------------------------------

STARTERS = 75  # en, ja and ko: a store and a social reply for each intent and complaint topic

def test_every_starter_reply_is_a_valid_template_with_other_wordings() -> None:
    entries = json.loads(library.STARTER_FILE.read_text(encoding="utf-8"))
    assert len(entries) == STARTERS and {entry["language"] for entry in entries} == {"en", "ja", "ko"}
    for entry in entries:
        spec = library.validate(name=entry["name"], language=entry["language"], topic=entry["topic"] or "",
                                sentiment=entry["sentiment"] or "", network=entry.get("network") or "",
                                body=entry["body"], variants=library.join_variants(entry["variants"]),
                                intent=entry["intent"] or "", channel=entry["channel"] or "")
        assert spec.variants == entry["variants"] and len(spec.variants) >= 1
        assert spec.intent and spec.channel in ("store", "social"), entry["name"]  # each is written for one


def test_the_demo_loads_the_starters_once_and_they_draft_in_each_language(
    db_session: Session, make_mention: Callable[..., Mention]
) -> None:
    library.load_starter_saved_replies(db_session)  # `earful demo load` run twice
    library.load_starter_saved_replies(db_session)
    assert len(db_session.exec(select(SavedReply)).all()) == STARTERS
    late = make_mention(language="ja", author="hana", sentiment="negative", complaint=0.9, topics=["delivery"])
    reply = service.draft_reply(db_session, late, brand="Lumo Home")
    # A Latin handle is not a name: the reply says お客様, never "@hana様".
    assert reply is not None and reply.text.startswith("お客様、") and "Lumo Home" in reply.text
    assert reply.draft_reason is not None
    assert reply.draft_reason.startswith(
        "ja · delivery complaint · negative · matched saved reply '配達遅延・SNS (ja)'")


def test_a_second_load_gives_untouched_starters_their_wordings_and_keeps_edits(
    db_session: Session, make_saved_reply: Callable[..., SavedReply]
) -> None:
    starters = {entry["name"]: entry for entry in json.loads(library.STARTER_FILE.read_text(encoding="utf-8"))}
    late, thanks = starters["Late delivery, store review (en)"], starters["Thanks, store review (en)"]
    shipped = make_saved_reply(name=late["name"], topic=late["topic"], body=late["body"])  # saved before wordings
    edited = make_saved_reply(name=thanks["name"], sentiment=thanks["sentiment"], body="Thanks {author}, from us!")
    refund = starters["Refund, store review (en)"]
    own = make_saved_reply(name=refund["name"], topic="refund", body=refund["body"],
                           variants=["Our own wording, {author}."])

    assert library.load_starter_saved_replies(db_session) == library.StarterLoad(added=STARTERS - 3, reworded=1)
    assert shipped.variants == late["variants"]
    assert edited.variants is None and edited.body == "Thanks {author}, from us!"
    assert own.variants == ["Our own wording, {author}."]
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "saved_reply.updated")).one()
    assert (event.actor, event.details["saved_reply_id"]) == ("system", shipped.id)

    assert library.load_starter_saved_replies(db_session) == library.StarterLoad(added=0, reworded=0)
    assert len(db_session.exec(select(SavedReply)).all()) == STARTERS


def test_the_admin_form_is_validated_field_by_field() -> None:
    with pytest.raises(Invalid) as caught:
        library.validate(name=" ", language="de", topic="weather", sentiment="angry", network="myspace",
                         body="Hi {author", variants="ok {author}\n---\nsee {nope}")
    assert set(caught.value.errors) == {"name", "language", "topic", "sentiment", "network", "body", "variants"}
    assert caught.value.errors["variants"].startswith("Wording 2: unknown variable {nope}")
    spec = library.validate(name="Late", language="en", topic="delivery", sentiment="", network="x",
                            body="Sorry {author}\r\n", variants="\n---\nTwo {author}\n---\n\n---\nThree\n")
    assert (spec.body, spec.sentiment, spec.variants) == ("Sorry {author}", None, ["Two {author}", "Three"])


def test_admin_changes_are_audited_and_deactivated_replies_are_not_drafted_from(
    db_session: Session, make_mention: Callable[..., Mention], make_user: Callable[..., User]
) -> None:
    admin = make_user(role="admin")
    spec = library.validate(name="Late", language="en", topic="delivery", sentiment="", network="",
                            body="Sorry {author}", variants="")
    saved = library.create_saved_reply(db_session, spec, actor=admin)
    assert saved.variants is None
    assert not library.update_saved_reply(db_session, saved, spec, actor=admin)
    changed = library.validate(name="Late", language="en", topic="delivery", sentiment="", network="",
                               body="Sorry {author}", variants="So sorry {author}")
    assert library.update_saved_reply(db_session, saved, changed, actor=admin)
    assert library.set_active(db_session, saved, False, actor=admin)
    assert not library.set_active(db_session, saved, False, actor=admin)
    mention = make_mention(sentiment="negative", topics=["delivery"], language="en")
    assert compose_draft(db_session, mention, "Lumo").saved_reply_id is None
    actions = db_session.exec(select(AuditEvent.action).where(AuditEvent.action.startswith("saved_reply."))  # type: ignore[attr-defined]
                              .order_by(col(AuditEvent.id))).all()
    assert actions == ["saved_reply.created", "saved_reply.updated", "saved_reply.deactivated"]


def test_loading_the_starters_deactivates_unedited_old_starters_and_keeps_edited_ones(
    db_session: Session, make_saved_reply: Callable[..., SavedReply]
) -> None:
    old = {entry["name"]: entry for entry in json.loads(library.RETIRED_STARTER_FILE.read_text(encoding="utf-8"))}
    assert len(old) == 39
    late = old["Late delivery (en)"]
    untouched = make_saved_reply(name=late["name"], topic="delivery", body=late["body"], variants=late["variants"])
    delay = old["配達遅延 (ja)"]
    no_wordings = make_saved_reply(name=delay["name"], language="ja", body=delay["body"])  # saved before wordings
    other = old["환불 (ko)"]
    edited = make_saved_reply(name=other["name"], language="ko", body=other["body"] + " 감사합니다.")

    load = library.load_starter_saved_replies(db_session)
    assert (load.added, load.retired) == (STARTERS, 2)
    assert not untouched.active and not no_wordings.active and edited.active
    events = db_session.exec(select(AuditEvent).where(AuditEvent.action == "saved_reply.deactivated")).all()
    assert sorted(event.details["saved_reply_id"] for event in events) == sorted([untouched.id, no_wordings.id])
    assert library.load_starter_saved_replies(db_session).retired == 0  # already retired: nothing more
