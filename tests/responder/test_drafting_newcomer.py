"""Drafting apologises only to complaints, never offers a DM where a platform has none, and lint agrees."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session

from models import Mention, SavedReply, User
from responder.drafting.library import load_starter_saved_replies
from responder.drafting.rules import choose_saved_reply, needs_reply, no_reply_reason
from responder.drafting.variables import fill_agent
from responder.lint.checks import phrases_of
from responder.lint.findings import BLOCK, Draft, lint_draft, matches
from responder.lint.rules import default_rules
from responder.replies import service

RULES = list(default_rules())
DM_WORDS = ["DM", "direct message", "ダイレクトメッセージ", "다이렉트 메시지"]
APOLOGY_PHRASES = [phrase for rule in RULES if rule.kind == "apology" for phrase in phrases_of(rule)]
SIGNER = User(email="mika.tanaka@lumohome.example", password_hash="-")


def test_negative_news_about_the_brand_gets_no_draft(make_mention: Callable[..., Mention]) -> None:
    article = make_mention(network="rss", title="Lumo Home recalls 10,000 heaters", sentiment="negative",
                           complaint=0.3, topics=["quality"], text="The company said a faulty part could overheat.")
    assert not needs_reply(article)
    assert no_reply_reason(article) == (
        "negative, but not a complaint and not addressed to the brand (news or commentary)")
    addressed = make_mention(network="x", sentiment="negative", complaint=0.3, in_reply_to_brand=True, text="@lumo meh")
    assert needs_reply(addressed)


def test_a_mention_that_is_no_complaint_is_not_apologised_to(
        make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply]) -> None:
    apology = make_saved_reply(name="App problem", topic="app_bug",
                               body="Sorry the app is giving you trouble, {author}.")
    general = make_saved_reply(name="General", body="Thanks for the tip, {author}!")
    answer = make_mention(network="reddit", sentiment="neutral", complaint=0.2, topics=["app_bug"], language="en",
                          text="Reinstalling fixed the crash for me. Did you try that?")
    assert choose_saved_reply([apology, general], answer) is general
    praise = make_mention(sentiment="positive", confidence=0.95, complaint=0.1, topics=["app_bug"], language="en")
    assert choose_saved_reply([apology], praise) is None
    complaint = make_mention(sentiment="negative", complaint=0.9, topics=["app_bug"], language="en")
    assert choose_saved_reply([apology, general], complaint) is apology


@pytest.mark.parametrize("network", ["appstore", "googleplay"])
@pytest.mark.parametrize(("text", "language"), [
    ("Sorry about this! Please DM us your order number.", "en"),
    ("Sorry! Send us a direct message and we'll help.", "en"),
    ("申し訳ございません。DMにてご連絡ください。", "ja"),
    ("죄송합니다. DM으로 연락 주세요.", "ko"),
])
def test_a_dm_is_blocked_where_a_platform_has_none(network: str, text: str, language: str) -> None:
    blocking = [f for f in lint_draft(Draft(text=text, network=network, mention_language=language), RULES)
                if f.severity == BLOCK]
    assert [f.code for f in blocking] == [f"no_dm_{network}"]
    assert "cannot DM you" in blocking[0].message
    assert lint_draft(Draft(text=text, network="x", mention_language=language, in_reply_to_brand=True,
                            complaint=0.9), RULES) == []


@pytest.mark.parametrize("language", ["en", "ja", "ko"])
@pytest.mark.parametrize("network", ["appstore", "googleplay"])
def test_starter_replies_to_app_store_and_google_play_reviews_offer_no_dm(
        db_session: Session, make_mention: Callable[..., Mention], network: str, language: str) -> None:
    load_starter_saved_replies(db_session)
    kinds = [{"rating": 1, "sentiment": "negative", "complaint": 0.9, "topics": ["delivery"]},
             {"rating": 3, "sentiment": "neutral", "complaint": 0.1, "topics": []},
             {"rating": 5, "sentiment": "positive", "confidence": 0.9, "complaint": 0.0, "topics": []}]
    for fields in kinds:
        review = make_mention(network=network, language=language, status="needs_reply", **fields)
        reply = service.draft_reply(db_session, review, brand="Lumo Home")
        assert reply is not None and reply.text, fields
        signed = fill_agent(reply.text, SIGNER)  # a Japanese review reply is signed on the mention page
        findings = lint_draft(Draft(text=signed, network=network, mention_language=language,
                                    complaint=review.complaint, sentiment=review.sentiment), RULES)
        assert not [f for f in findings if f.severity == BLOCK], (signed, findings)
        assert not matches(reply.text, DM_WORDS), reply.text
        assert bool(matches(reply.text, APOLOGY_PHRASES)) is (fields["sentiment"] == "negative"), reply.text
