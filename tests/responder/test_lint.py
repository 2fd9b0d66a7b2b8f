"""Reply lint: platform limits and rules, unfilled fields, language, and the tone guide in en/ja/ko, as data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from models import LintRule, Mention, Reply, SavedReply, User
from models.errors import Invalid
from responder.drafting.rules import reason_for
from responder.lint.findings import (
    BLOCK,
    WARN,
    Draft,
    LintBlocked,
    RuleSpec,
    check_reply,
    fill_message,
    lint_draft,
    matches,
    refuse_blocked,
    weighted_length,
)
from responder.lint.rules import default_rules, find_rule, load_rules, save_rule, seed_rules, validate_edit

RULES = list(default_rules())


def codes(draft: Draft) -> dict[str, str]:
    return {finding.code: finding.severity for finding in lint_draft(draft, RULES)}


def test_a_good_reply_passes_every_rule() -> None:
    draft = Draft(text="Hi Sam, we're so sorry your order is late. Please DM us and we'll chase it today.",
                  network="x", mention_language="en", in_reply_to_brand=True, complaint=0.9, sentiment="negative")
    assert lint_draft(draft, RULES) == []


@pytest.mark.parametrize(("network", "limit"), [("x", 280), ("googleplay", 350), ("reddit", 10_000),
                                                ("appstore", 5970), ("mastodon", 500), ("gbp", 4096)])
def test_length_limit_per_platform_blocks(network: str, limit: int) -> None:
    assert "length_" + network not in codes(Draft(text="a" * limit, network=network, in_reply_to_brand=True))
    found = lint_draft(Draft(text="a" * (limit + 1), network=network, in_reply_to_brand=True), RULES)
    assert [(f.code, f.severity) for f in found] == [("length_" + network, BLOCK)]
    assert f"{limit + 1} characters, over the limit of {limit} (1 over)" in found[0].message


def test_x_counts_links_as_23_and_cjk_as_two() -> None:
    link = "https://example.com/" + "a" * 300
    assert weighted_length(f"see {link}") == 4 + 23
    assert "length_x" not in codes(Draft(text=f"see {link}", network="x", in_reply_to_brand=True))
    assert "length_x" in codes(Draft(text="遅" * 141, network="x", in_reply_to_brand=True))
    assert "length_mastodon" not in codes(Draft(text="遅" * 141, network="mastodon"))


def test_x_posts_not_addressed_to_the_brand_go_to_reply_manually() -> None:
    for addressed in (False, None):
        found = lint_draft(Draft(text="Thanks!", network="x", in_reply_to_brand=addressed), RULES)
        assert [(f.code, f.severity) for f in found] == [("x_not_addressed", WARN)]
        assert "Reply manually" in found[0].message
    assert codes(Draft(text="Thanks!", network="reddit", in_reply_to_brand=False)) == {}


def test_an_existing_reply_on_an_upsert_platform_will_be_replaced() -> None:
    draft = Draft(text="Thanks!", network="googleplay", existing_reply="Old answer", existing_reply_at="2026-11-01")
    found = lint_draft(draft, RULES)
    assert [(f.code, f.severity) for f in found] == [("replaces_existing_reply", WARN)]
    assert "(last changed 2026-11-01)" in found[0].message
    assert codes(Draft(text="Thanks!", network="reddit", existing_reply="Old answer")) == {}


def test_unfilled_variables_and_prompted_fields_block() -> None:
    found = lint_draft(Draft(text="Hi {author}, your code is {?discount code}.", network="reddit"), RULES)
    assert {(f.code, f.severity) for f in found} == {("unfilled_variables", BLOCK), ("prompted_fields", BLOCK)}
    assert any("{?discount code}" in f.message for f in found)
    assert any("{author}" in f.message for f in found)
    assert codes(Draft(text="   ", network="reddit")) == {"empty": BLOCK}


def test_language_mismatch_warns() -> None:
    english = "Thank you so much for the lovely review, we are glad you enjoy it."
    assert codes(Draft(text=english, network="reddit", mention_language="ja")) == {"language_mismatch": WARN}
    assert codes(Draft(text=english, network="reddit", mention_language="en")) == {}
    assert codes(Draft(text="ご購入ありがとうございます。", network="reddit", mention_language="ja")) == {}
    assert codes(Draft(text="Thanks!", network="reddit", mention_language="ja")) == {}  # too short to judge
    assert codes(Draft(text=english, network="reddit", mention_language="und")) == {}


def test_a_korean_product_name_does_not_make_an_english_reply_korean() -> None:
    english = "Hi there, so sorry. A new kettle is on its way and the 루모 app works too."
    assert codes(Draft(text=english, network="reddit", mention_language="en")) == {}
    korean = "Lumo Home 배송이 늦어져서 정말 죄송합니다. 바로 확인하겠습니다."
    assert codes(Draft(text=korean, network="reddit", mention_language="ko")) == {}


@pytest.mark.parametrize("text", ["You should have read the manual.", "That was your fault, sorry.",
                                  "お客様の責任となります。申し訳ございません", "고객님의 잘못입니다. 죄송합니다"])
def test_blaming_words_warn_in_en_ja_ko(text: str) -> None:
    assert codes(Draft(text=text, network="reddit"))["blaming"] == WARN


@pytest.mark.parametrize(("text", "apologises"), [
    ("Thanks for telling us, we will look into it.", False),
    ("We're sorry, we will look into it.", True),
    ("ご不便をおかけし申し訳ございません。", True),
    ("불편을 드려 죄송합니다.", True),
    ("確認いたします。", False),
])
def test_complaints_get_an_apology(text: str, apologises: bool) -> None:
    complaint = Draft(text=text, network="reddit", complaint=0.9)
    assert ("apology_missing" in codes(complaint)) is not apologises
    assert "apology_missing" not in codes(Draft(text=text, network="reddit", complaint=0.1, sentiment="positive"))


@pytest.mark.parametrize(("fields", "complaint"), [
    ({"network": "rss", "sentiment": "negative", "complaint": 0.2}, False),  # a news story about the brand
    ({"network": "x", "sentiment": "negative", "complaint": 0.2, "in_reply_to_brand": False}, False),
    ({"network": "rss", "sentiment": "neutral", "complaint": 0.9}, True),  # the complaint score says so
    ({"network": "x", "sentiment": "negative", "complaint": 0.2, "in_reply_to_brand": True}, True),
    ({"network": "googleplay", "sentiment": "negative", "complaint": 0.2, "rating": 1}, True),  # a review
])
def test_only_a_complaint_is_asked_for_an_apology(db_session: Session, make_mention: Callable[..., Mention],
                                                 fields: dict[str, object], complaint: bool) -> None:
    mention = make_mention(language="en", **fields)
    assert mention.id is not None
    reply = Reply(mention_id=mention.id, text="Thanks for writing about us, we will look into it.")
    db_session.add(reply)
    db_session.flush()
    assert ("apology_missing" in {finding.code for finding in check_reply(db_session, reply)}) is complaint
    assert ("complaint" in reason_for(mention, None)) is complaint  # drafting reads it the same way


def test_a_refund_promise_blocks_unless_the_saved_reply_makes_it() -> None:
    text = "Sorry! We'll give you a full refund today."
    assert codes(Draft(text=text, network="reddit"))["refund_promise"] == BLOCK
    assert "refund_promise" not in codes(Draft(text=text, network="reddit",
                                               saved_body="Sorry, {author}: your refund is on its way."))
    assert codes(Draft(text="全額返金いたします。", network="reddit"))["refund_promise"] == BLOCK
    assert codes(Draft(text="환불해 드리겠습니다.", network="reddit"))["refund_promise"] == BLOCK


@pytest.mark.parametrize(("text", "asks_in_public"), [
    ("Please reply with your phone number and address.", True),
    ("What's the email address on your order?", True),
    ("ご住所と電話番号を教えてください。", True),
    ("전화번호를 남겨 주세요.", True),
    ("Please DM us your phone number and we'll call you.", False),
    ("Please email us at care@example.com with your order email.", False),
    ("お手数ですが、DMにて電話番号をお知らせください。", False),
    ("Please DM us the details.", False),
])
def test_never_ask_for_personal_data_in_public(text: str, asks_in_public: bool) -> None:
    assert ("personal_data_request" in codes(Draft(text=text, network="reddit"))) is asks_in_public


def test_latin_phrases_match_whole_words_only() -> None:
    assert matches("Your PASSWORD, please", ["password"]) == ["password"]
    assert matches("passwords", ["password"]) == []
    assert matches("the admin will call", ["dm"]) == []
    assert matches("ＤＭにて", ["DM"]) == ["DM"]  # full-width folds to ASCII


def test_rules_are_data_scoped_by_network_and_language() -> None:
    rule = RuleSpec(code="no_cheers", kind="forbidden_phrases", message="Avoid {found}.", severity=BLOCK,
                    networks=("reddit",), languages=("en",), params={"phrases": {"en": ["cheers"]}})
    assert lint_draft(Draft(text="Cheers!", network="x", mention_language="en"), [rule]) == []
    assert lint_draft(Draft(text="Cheers!", network="reddit", mention_language="ko"), [rule]) == []
    [finding] = lint_draft(Draft(text="Cheers!", network="reddit", mention_language="en"), [rule])
    assert (finding.message, finding.blocking) == ('Avoid "cheers".', True)
    assert fill_message("{found} {unknown}", {"found": 1}) == "1 {unknown}"


def test_the_shipped_rules_are_seeded_and_the_stored_version_wins(db_session: Session,
                                                                  make_user: Callable[..., User]) -> None:
    stored, shipped = {row.code for row in db_session.exec(select(LintRule)).all()}, {rule.code for rule in RULES}
    assert stored <= shipped and "blaming" in stored  # the migration seeded its rules; later ones run from the file
    assert seed_rules(db_session) == len(shipped - stored)
    assert seed_rules(db_session) == 0
    rule = find_rule(db_session, "length_googleplay")
    assert rule is not None
    edit = validate_edit(rule, message="{used} is over {limit}.", severity="warn", enabled=True, limit="300")
    assert save_rule(db_session, rule, edit, actor=make_user(role="admin")) is True
    assert save_rule(db_session, find_rule(db_session, "length_googleplay"), edit,  # type: ignore[arg-type]
                     actor=make_user(role="admin")) is False
    found = lint_draft(Draft(text="a" * 301, network="googleplay"), load_rules(db_session))
    assert [(f.code, f.message, f.severity) for f in found] == [("length_googleplay", "301 is over 300.", WARN)]


def test_a_rule_missing_from_the_table_runs_with_its_default(db_session: Session) -> None:
    db_session.delete(db_session.exec(select(LintRule).where(LintRule.code == "blaming")).one())
    db_session.flush()
    assert "blaming" in {rule.code for rule in load_rules(db_session)}
    assert seed_rules(db_session) >= 1  # blaming, and the rules shipped after the migration's seed
    assert db_session.exec(select(LintRule).where(LintRule.code == "blaming")).one().kind == "forbidden_phrases"


def test_bad_edits_are_refused_field_by_field() -> None:
    length = next(rule for rule in RULES if rule.code == "length_x")
    with pytest.raises(Invalid) as refused:
        validate_edit(length, message=" ", severity="maybe", enabled=True, limit="-3")
    assert set(refused.value.errors) == {"message", "severity", "limit"}
    phrases = next(rule for rule in RULES if rule.code == "blaming")
    with pytest.raises(Invalid) as refused:
        validate_edit(phrases, message="m", severity="warn", enabled=True, phrases={"en": "x" * 101})
    assert set(refused.value.errors) == {"phrases_en"}
    edit = validate_edit(phrases, message="m", severity="block", enabled=False,
                         phrases={"en": "one\n\n two \none", "ja": "", "ko": "잘못"})
    assert edit.phrases == {"en": ["one", "two"], "ja": [], "ko": ["잘못"]}


def test_check_reply_reads_the_mention_and_saved_reply(db_session: Session, make_mention: Callable[..., Mention],
                                                       make_saved_reply: Callable[..., SavedReply]) -> None:
    saved = make_saved_reply(body="Sorry {author}, we'll refund you.")
    mention = make_mention(network="googleplay", language="en", complaint=0.9,
                           extra={"reply": "Thanks!", "reply_at": "2026-11-02T10:00:00Z"})
    reply = Reply(mention_id=mention.id, saved_reply_id=saved.id, text="Sorry Sam, we'll refund you.")
    db_session.add(reply)
    db_session.flush()
    assert [f.code for f in check_reply(db_session, reply)] == ["replaces_existing_reply"]
    assert [f.code for f in refuse_blocked(db_session, reply)] == ["replaces_existing_reply"]
    with pytest.raises(LintBlocked) as blocked:
        refuse_blocked(db_session, reply, text="Sorry Sam, send your card number here, refund coming.")
    assert [f.code for f in blocked.value.findings] == ["personal_data_request"]


def test_our_own_posted_reply_counts_as_the_one_reply(db_session: Session,
                                                      make_mention: Callable[..., Mention]) -> None:
    mention = make_mention(network="trustpilot", language="en", sentiment="positive")
    db_session.add(Reply(mention_id=mention.id, text="Thank you!", status="posted"))
    draft = Reply(mention_id=mention.id, text="Thank you again!")
    db_session.add(draft)
    db_session.flush()
    assert [f.code for f in check_reply(db_session, draft)] == ["replaces_existing_reply"]
