"""Selection that respects the mention: intent, sentiment, topic, channel and network together; never the same
wording twice to one author; the order number the author gave filled in, not asked again; the FAQ's answer
for a question; and no automatic draft for a post that does not speak to the brand."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from models import Mention, MentionStatus, SavedReply, User
from models.drafting_aids import FaqEntry
from responder.drafting.particles import particle_errors
from responder.drafting.rules import compose_draft, match_saved_reply
from responder.drafting.selection import fill_order_number
from responder.drafting.variables import Workspace
from responder.replies import service

WORKSPACE = Workspace(brand="Lumo Home", support_url="https://help.lumo.example")


def _match(pool: list[SavedReply], mention: Mention) -> str | None:
    found = match_saved_reply(pool, mention)
    return found.saved.name if found else None


def test_a_price_complaint_never_gets_the_damaged_item_apology(
        make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply]) -> None:
    damaged = make_saved_reply(name="Damaged", topic="quality", intent="complaint",
                               body="Sorry your item arrived damaged, {author}. A replacement is on its way.")
    price = make_saved_reply(name="Price", topic="price", intent="complaint",
                             body="Thank you for the honest feedback on our prices, {author}. We hear you.")
    complaint = make_mention(text="$79 for a pan? Way too expensive.", language="en", sentiment="negative",
                             complaint=0.9, topics=["price"])
    assert _match([damaged, price], complaint) == "Price"
    # "feels cheap" also files it under quality: with two topics neither topic reply is sure, the general one is.
    both = make_mention(text="$79 for a pan? Way too expensive, and it feels cheap.", language="en",
                        sentiment="negative", complaint=0.9, topics=["price", "quality"])
    generic = make_saved_reply(name="Any complaint", intent="complaint", body="We're sorry, {author}.")
    assert _match([damaged, price, generic], both) == "Any complaint"


def test_five_star_praise_never_gets_an_apology(
        make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply]) -> None:
    error = make_saved_reply(name="App error", topic="app_bug", body="We're sorry about the app error, {author}.")
    thanks = make_saved_reply(name="Thanks", intent="praise", body="Thank you for the lovely review, {author}!")
    praise = make_mention(network="appstore", rating=5, text="The app used to crash, now it's perfect. Love it.",
                          language="en", sentiment="positive", complaint=0.6, topics=["app_bug"])
    assert _match([error, thanks], praise) == "Thanks"


def test_a_shipping_question_gets_an_answer_not_a_delay_apology(
        db_session: Session, make_mention: Callable[..., Mention],
        make_saved_reply: Callable[..., SavedReply]) -> None:
    make_saved_reply(name="Late delivery", topic="delivery", body="Sorry your order is late, {author}.")
    make_saved_reply(name="Question", intent="question", language="ja",
                     body="お問い合わせありがとうございます。{answer}\n{brand}")
    question = make_mention(text="台湾への発送はできますか？", language="ja", sentiment="neutral", complaint=0.55,
                            topics=["delivery"])
    draft = compose_draft(db_session, question, WORKSPACE)
    assert draft.text == "お問い合わせありがとうございます。{?answer}\nLumo Home"  # no FAQ entry yet: a prompt
    assert draft.intent == "question"
    db_session.add(FaqEntry(language="ja", question="台湾への発送", keywords=["台湾", "発送"],
                            answer="台湾へは現在発送しておりません。"))
    db_session.add(FaqEntry(language="ja", question="海外発送", keywords=["発送"], answer="海外発送は準備中です。"))
    db_session.flush()
    draft = compose_draft(db_session, question, WORKSPACE)
    assert draft.text == "お問い合わせありがとうございます。台湾へは現在発送しておりません。\nLumo Home"


def test_a_topic_reply_without_intent_or_sentiment_never_outranks_one_that_matches_them(
        make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply]) -> None:
    topic_only = make_saved_reply(name="Delivery info", topic="delivery", body="Your parcel ships from Osaka.")
    matching = make_saved_reply(name="Complaint", intent="complaint", sentiment="negative",
                                body="We're sorry, {author}. We're on it.")
    late = make_mention(text="@lumohome still no parcel", language="en", sentiment="negative", complaint=0.9,
                        topics=["delivery"])
    assert _match([topic_only, matching], late) == "Complaint"
    mismatch = make_saved_reply(name="Delivery praise", topic="delivery", sentiment="positive", body="Yay!")
    assert _match([mismatch, topic_only], late) == "Delivery info"  # the sentiment mismatch is never a candidate


def test_store_reviews_get_the_store_version_and_social_posts_the_social_one(
        make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply]) -> None:
    social = make_saved_reply(name="Social", intent="complaint", channel="social",
                              body="Sorry {author}, please DM us and we'll sort it.")
    store = make_saved_reply(name="Store", intent="complaint", channel="store",
                             body="Sorry {author}, please reach us at {support_url}.")
    review = make_mention(network="googleplay", rating=1, text="Broken on arrival", language="en",
                          sentiment="negative", complaint=0.9)
    post = make_mention(text="@lumohome broken on arrival", language="en", sentiment="negative", complaint=0.9)
    assert (_match([social, store], review), _match([social, store], post)) == ("Store", "Social")


def test_an_author_never_gets_the_same_wording_twice(
        db_session: Session, make_mention: Callable[..., Mention],
        make_saved_reply: Callable[..., SavedReply]) -> None:
    saved = make_saved_reply(intent="complaint", body="We're so sorry about this, {author}.",
                             variants=["That is not the experience we want for you, {author}."])
    first = make_mention(author="ann", author_id="u-ann", sentiment="negative", complaint=0.9, language="en")
    other = make_mention(author="bo", author_id="u-bo", sentiment="negative", complaint=0.9, language="en")
    again = make_mention(author="ann", author_id="u-ann", sentiment="negative", complaint=0.9, language="en")
    texts = [service.draft_reply(db_session, mention, brand=WORKSPACE) for mention in (first, other, again)]
    assert [reply.text.split(",")[0] if reply else None for reply in texts] == [
        "We're so sorry about this", "That is not the experience we want for you", "That is not the experience we "
        "want for you"]
    assert texts[2] is not None and texts[2].saved_reply_id == saved.id
    # Round robin alone would have sent ann the first wording again.
    assert texts[0] is not None and texts[2].text != texts[0].text


def test_a_third_reply_to_the_same_author_says_every_wording_was_used(
        db_session: Session, make_mention: Callable[..., Mention],
        make_saved_reply: Callable[..., SavedReply]) -> None:
    make_saved_reply(intent="complaint", body="We're so sorry about this, {author}.")
    replies = [service.draft_reply(db_session, make_mention(author="kai", author_id="u-kai", sentiment="negative",
                                                            complaint=0.9, language="en"), brand=WORKSPACE)
               for _ in range(2)]
    assert replies[1] is not None and "this author has had every wording already" in (replies[1].draft_reason or "")


def test_the_order_number_given_is_filled_in_and_not_asked_again(
        db_session: Session, make_mention: Callable[..., Mention],
        make_saved_reply: Callable[..., SavedReply]) -> None:
    make_saved_reply(name="Ask", language="ja", topic="delivery", intent="complaint",
                     body="お届けが遅れ申し訳ございません。お手数ですが、注文番号をお知らせください。")
    make_saved_reply(name="Found", language="ja", topic="delivery", intent="complaint",
                     body="お届けが遅れ申し訳ございません。ご注文（{?注文番号}）の配送状況を確認いたします。")
    given = make_mention(text="@lumohome_jp 注文番号 123-456 の商品がまだ届きません", language="ja",
                         sentiment="negative", complaint=0.9, topics=["delivery"])
    draft = compose_draft(db_session, given, WORKSPACE)
    assert draft.text == "お届けが遅れ申し訳ございません。ご注文（123-456）の配送状況を確認いたします。"
    not_given = make_mention(text="@lumohome_jp 商品がまだ届きません", language="ja", sentiment="negative",
                             complaint=0.9, topics=["delivery"])
    assert "注文番号をお知らせください" in compose_draft(db_session, not_given, WORKSPACE).text


def test_a_korean_order_number_fills_the_korean_prompt(
        db_session: Session, make_mention: Callable[..., Mention],
        make_saved_reply: Callable[..., SavedReply]) -> None:
    make_saved_reply(language="ko", intent="complaint", body="주문번호 {?주문번호} 건을 확인하고 있습니다.")
    mention = make_mention(text="주문번호 20241105-0042 아직도 안 왔어요", language="ko", sentiment="negative",
                           complaint=0.9)
    assert compose_draft(db_session, mention, WORKSPACE).text == "주문번호 20241105-0042 건을 확인하고 있습니다."


def test_a_post_that_does_not_speak_to_the_brand_gets_no_draft_until_an_agent_asks(
        db_session: Session, make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply],
        make_user: Callable[..., User]) -> None:
    make_saved_reply(intent="complaint", body="Sorry to hear that, {author}.")
    overheard = make_mention(text="ugh, lumo pans scratch so easily", language="en", sentiment="negative",
                             complaint=0.8, in_reply_to_brand=False)
    assert service.draft_reply(db_session, overheard, brand=WORKSPACE) is None
    assert overheard.status == MentionStatus.no_reply.value
    reply = service.redraft(db_session, overheard, user=make_user(role="agent"), brand=WORKSPACE)
    assert reply.text.startswith("Sorry to hear that")
    thread = make_mention(network="reddit", text="Lumo support never answered my refund email", language="en",
                          sentiment="negative", complaint=0.9, in_reply_to_brand=None)
    assert service.draft_reply(db_session, thread, brand=WORKSPACE) is None
    tagged = make_mention(text="@lumohome my refund?", language="en", sentiment="negative", complaint=0.9,
                          in_reply_to_brand=False)
    assert service.draft_reply(db_session, tagged, brand=WORKSPACE) is not None


def test_a_korean_particle_after_a_filled_order_number_agrees(
        db_session: Session, make_mention: Callable[..., Mention],
        make_saved_reply: Callable[..., SavedReply]) -> None:
    make_saved_reply(language="ko", intent="complaint",
                     body="불편을 드려 죄송합니다. 말씀하신 주문 {?주문번호}를 확인한 뒤 연락드리겠습니다.")
    mention = make_mention(text="주문번호 1023 아직도 배송이 안 됐어요", language="ko", sentiment="negative",
                           complaint=0.9)
    draft = compose_draft(db_session, mention, WORKSPACE).text
    assert draft == "불편을 드려 죄송합니다. 말씀하신 주문 1023을 확인한 뒤 연락드리겠습니다."  # 천이십삼을, not 1023를
    assert particle_errors(draft) == []


def test_fill_order_number_leaves_other_prompts_and_picks_the_particle_by_reading() -> None:
    body = "주문 {?주문번호}를 확인했습니다. {?답변}"
    assert fill_order_number(body, "A-12") == "주문 A-12를 확인했습니다. {?답변}"  # 십이: a vowel
    assert fill_order_number(body, "A-1023") == "주문 A-1023을 확인했습니다. {?답변}"
    assert fill_order_number(body, None) == body
