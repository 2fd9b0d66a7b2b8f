from collections.abc import Callable

import pytest

from models import Mention, SavedReply
from responder.drafting import choose_saved_reply, is_question, mention_variables, needs_reply, render


def test_render_fills_known_variables_and_reports_missing_ones() -> None:
    rendered = render("Hi {author}, {brand} here. Order {order_link}", {"author": "@ann", "brand": "Lumo"})
    assert rendered.text == "Hi @ann, Lumo here. Order {order_link}"
    assert rendered.missing == ("order_link",)


def test_render_does_not_evaluate_attribute_access_in_templates() -> None:
    rendered = render("{author.__class__}", {"author": "x"})
    assert rendered.missing == ("author.__class__",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Do you ship to Canada?", True), ("在庫はありますか", True), ("환불 언제 되나요", True),
     ("Great mugs.", False), ("配送が遅い。", False)],
)
def test_questions_are_recognised_in_three_languages(text: str, expected: bool) -> None:
    assert is_question(text) is expected


def test_reviews_always_need_a_reply_and_neutral_chatter_does_not(make_mention: Callable[..., Mention]) -> None:
    assert needs_reply(make_mention(network="appstore", rating=5, sentiment="positive", text="Love it"))
    assert needs_reply(make_mention(sentiment="negative", complaint=0.2, text="meh"))
    assert needs_reply(make_mention(sentiment="neutral", complaint=0.9, text="refund pls"))
    assert needs_reply(make_mention(sentiment="positive", confidence=0.9, text="best kettle ever"))
    assert not needs_reply(make_mention(sentiment="neutral", complaint=0.1, confidence=0.9, text="Lumo sale today"))


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
    assert choose_saved_reply([english], make_mention(language="de", sentiment="negative")) is english


def test_x_authors_are_addressed_by_handle(make_mention: Callable[..., Mention]) -> None:
    assert mention_variables(make_mention(author="ann"), "Lumo")["author"] == "@ann"
    assert mention_variables(make_mention(network="appstore", author="Mika T."), "Lumo")["author"] == "Mika T."
