"""Tone lint per language: rules run on the languages they name, allow-lists, and the ja/ko/en tone rules with
real sentences, each firing and not firing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models import LintRule
from responder.lint.findings import BLOCK, WARN, Draft, RuleSpec, lint_draft
from responder.lint.rules import default_rules, load_rules

RULES = list(default_rules())


def codes(text: str, language: str | None, *, network: str = "x", saved_body: str | None = None,
          complaint: float = 0.9) -> set[str]:
    draft = Draft(text=text, network=network, mention_language=language, in_reply_to_brand=True,
                  complaint=complaint, sentiment="negative" if complaint > 0.5 else "positive", saved_body=saved_body)
    return {finding.code for finding in lint_draft(draft, RULES)}


# --- languages ---

CHEERS = {"phrases": {"en": ["cheers"], "ja": ["乾杯"]}}


def test_a_rule_runs_only_on_the_languages_it_names() -> None:
    rule = RuleSpec(code="no_cheers", kind="forbidden_phrases", message="Avoid {found}.", languages=("ja",),
                    params=CHEERS)
    assert lint_draft(Draft(text="乾杯！", network="x", mention_language="ko"), [rule]) == []
    assert [f.code for f in lint_draft(Draft(text="乾杯！", network="x", mention_language="ja-JP"), [rule])] == [
        "no_cheers"]  # a region subtag still names the language


@pytest.mark.parametrize("languages", [None, ()])
def test_no_languages_means_every_language(languages: tuple[str, ...] | None) -> None:
    rule = RuleSpec(code="no_cheers", kind="forbidden_phrases", message="Avoid {found}.", languages=languages,
                    params=CHEERS)
    for language in ("en", "ja", "ko", None):
        assert [f.code for f in lint_draft(Draft(text="Cheers, 乾杯", network="x", mention_language=language),
                                           [rule])] == ["no_cheers"]


def test_an_unknown_language_is_read_from_the_reply_script() -> None:
    rule = RuleSpec(code="ja_only", kind="forbidden_phrases", message="{found}", languages=("ja",),
                    params={"phrases": {"ja": ["！"]}})
    assert lint_draft(Draft(text="Thanks!", network="x"), [rule]) == []
    assert lint_draft(Draft(text="감사합니다!", network="x"), [rule]) == []
    assert [f.code for f in lint_draft(Draft(text="ありがとうございます！", network="x"), [rule])] == ["ja_only"]


# --- allow-lists on the seeded rules ---


@pytest.mark.parametrize(("text", "language"), [
    ("ご不便をおかけし申し訳ございません。今回の不具合はお客様の責任ではございません。", "ja"),
    ("申し訳ございません。お客様のせいではありませんので、ご安心ください。", "ja"),
    ("불편을 드려 죄송합니다. 이번 문제는 고객님의 잘못이 아닙니다.", "ko"),
    ("We're so sorry. This is not your fault, and you should have received it by Monday.", "en"),
])
def test_empathetic_negations_are_not_blaming(text: str, language: str) -> None:
    assert "blaming" not in codes(text, language)


@pytest.mark.parametrize(("text", "language"), [
    ("申し訳ございません。破損はお客様の不注意によるものです。", "ja"),
    ("죄송합니다만 고객님의 부주의로 인한 파손입니다.", "ko"),
    ("Sorry, but you should have read the manual.", "en"),
])
def test_real_blame_is_still_flagged(text: str, language: str) -> None:
    assert "blaming" in codes(text, language)


def test_yanghae_is_not_an_apology() -> None:
    assert "apology_missing" in codes("배송이 지연되고 있습니다. 양해 부탁드립니다.", "ko")
    assert "apology_missing" not in codes("배송이 지연되어 죄송합니다. 양해 부탁드립니다.", "ko")


def test_refund_instead_of_is_not_a_refund_promise() -> None:
    assert "refund_promise" not in codes("申し訳ございません。返金ではなく再配達にて対応いたします。", "ja")
    assert "refund_promise" not in codes("죄송합니다. 환불 대신 재배송으로 도와드리겠습니다.", "ko")
    assert "refund_promise" not in codes("Sorry! We'll resend it rather than a refund, if that suits you.", "en")
    assert "refund_promise" in codes("申し訳ございません。返金いたします。", "ja")


@pytest.mark.parametrize(("text", "language"), [
    ("ご不便をおかけし申し訳ございません。お電話（0120-123-456、平日10時〜18時）でも承ります。", "ja"),
    ("申し訳ございません。弊社の電話番号は公式サイトに掲載しております。", "ja"),
    ("불편을 드려 죄송합니다. 고객센터 전화번호 1588-1234로 연락 주세요.", "ko"),
    ("죄송합니다. 앱의 비밀번호 재설정 메뉴에서 변경하실 수 있습니다.", "ko"),
    ("申し訳ございません。ログイン画面の「パスワードの再設定」からお試しください。", "ja"),
    ("Sorry about that. You can use Password reset on the sign-in screen.", "en"),
    ("Sorry about that! Call our phone number, 03-1234-5678, any weekday.", "en"),
])
def test_our_own_contact_details_and_password_reset_are_not_requests(text: str, language: str) -> None:
    assert not {"personal_data_request", "personal_data_identity"} & codes(text, language)


def test_asking_for_their_phone_number_still_blocks() -> None:
    assert "personal_data_request" in codes("申し訳ございません。お客様の電話番号をこちらにご記入ください。", "ja")


# --- personal data: identity and bank details ---


@pytest.mark.parametrize(("text", "language"), [
    ("申し訳ございません。返金先の口座番号をこちらにご記入ください。", "ja"),
    ("申し訳ございません。ご氏名をお知らせください。", "ja"),
    ("죄송합니다. 환불받으실 계좌번호를 댓글로 남겨 주세요.", "ko"),
    ("죄송합니다. 주민등록번호 앞자리를 알려 주세요.", "ko"),
    ("죄송합니다. 개인통관고유부호를 다시 알려 주시겠어요?", "ko"),
    ("Sorry! Please reply with your account number and SSN.", "en"),
    ("Sorry! Reply with the full card number so we can check.", "en"),
])
def test_identity_and_bank_details_in_public_block(text: str, language: str) -> None:
    found = lint_draft(Draft(text=text, network="x", mention_language=language, in_reply_to_brand=True), RULES)
    assert ("personal_data_identity", BLOCK) in {(f.code, f.severity) for f in found}


def test_identity_details_by_private_channel_pass() -> None:
    assert "personal_data_identity" not in codes("申し訳ございません。ご氏名をDMにてお送りください。", "ja")
    assert "personal_data_identity" not in codes("죄송합니다. 계좌번호는 이메일로 보내 주세요.", "ko")


# --- defensive ---


@pytest.mark.parametrize(("text", "language"), [
    ("申し訳ございません。破損はお客様の取り扱いによるものと判断しております。", "ja"),
    ("申し訳ございません。こちらは仕様です。", "ja"),
    ("申し訳ございません。規約により、開封後の返品はお受けできません。", "ja"),
    ("죄송합니다. 개봉 후 반품은 규정상 불가합니다.", "ko"),
    ("죄송합니다. 이중 결제는 카드사에 문의하세요.", "ko"),
    ("Sorry, but per our policy this is working as intended.", "en"),
])
def test_defensive_phrases_warn(text: str, language: str) -> None:
    found = lint_draft(Draft(text=text, network="x", mention_language=language, in_reply_to_brand=True), RULES)
    assert ("defensive", WARN) in {(f.code, f.severity) for f in found}


@pytest.mark.parametrize(("text", "language"), [
    ("ご不便をおかけし申し訳ございません。原因を確認し、代替品をお送りいたします。", "ja"),
    ("불편을 드려 죄송합니다. 바로 확인 후 연락드리겠습니다.", "ko"),
    ("We're sorry. We'll look into it and fix it in the next update.", "en"),
])
def test_owning_the_problem_is_not_defensive(text: str, language: str) -> None:
    assert "defensive" not in codes(text, language)


# --- over-promise ---


@pytest.mark.parametrize(("text", "language"), [
    ("申し訳ございません。代金を全額お返しいたします。", "ja"),
    ("죄송합니다. 결제하신 금액을 전액 돌려드리겠습니다.", "ko"),
    ("죄송합니다. 사과의 의미로 적립금 지급해 드리겠습니다.", "ko"),
    ("So sorry! We'll give you a full refund and store credit.", "en"),
])
def test_compensation_promises_block_unless_the_saved_reply_makes_them(text: str, language: str) -> None:
    assert "compensation_promise" in codes(text, language)
    assert "compensation_promise" not in codes(text, language, saved_body=text)


def test_no_promise_no_finding() -> None:
    assert "compensation_promise" not in codes("申し訳ございません。状況を確認のうえ、ご連絡いたします。", "ja")
    assert "compensation_promise" not in codes("죄송합니다. 확인 후 다시 안내해 드리겠습니다.", "ko")


# --- refusal without an alternative ---


@pytest.mark.parametrize(("text", "language"), [
    ("申し訳ございませんが、開封後の返品はいたしかねます。", "ja"),
    ("죄송하지만 교환은 불가합니다.", "ko"),
    ("Sorry, we can't exchange opened items.", "en"),
])
def test_a_bare_refusal_warns(text: str, language: str) -> None:
    assert "refusal_without_alternative" in codes(text, language)


@pytest.mark.parametrize(("text", "language"), [
    ("申し訳ございませんが、開封後の返品はいたしかねます。代わりに無償修理をご案内いたします。", "ja"),
    ("죄송하지만 교환은 불가합니다. 대신 무상 수리를 안내해 드리겠습니다.", "ko"),
    ("Sorry, we can't exchange opened items, but we can repair it for free.", "en"),
])
def test_a_refusal_with_an_alternative_passes(text: str, language: str) -> None:
    assert "refusal_without_alternative" not in codes(text, language)


# --- manners ---


@pytest.mark.parametrize(("text", "language"), [
    ("田中さん様、ご連絡ありがとうございます。", "ja"),
    ("山田先生様、いつもご利用ありがとうございます。", "ja"),
    ("김민수님님, 소중한 리뷰 감사합니다.", "ko"),
])
def test_doubled_honorifics_block(text: str, language: str) -> None:
    assert "doubled_honorific" in codes(text, language, complaint=0.1)
    assert "doubled_honorific" not in codes(text.replace("さん様", "様").replace("先生様", "先生")
                                            .replace("님님", "님"), language, complaint=0.1)


def test_korean_object_honorifics_warn() -> None:
    assert "ko_object_honorific" in codes("주문하신 상품 나오셨습니다. 감사합니다.", "ko", complaint=0.1)
    assert "ko_object_honorific" in codes("해당 색상은 현재 품절이십니다. 감사합니다.", "ko", complaint=0.1)
    assert "ko_object_honorific" not in codes("주문하신 상품이 나왔습니다. 고객님께서 와 주셔서 감사합니다.", "ko",
                                              complaint=0.1)


def test_japanese_double_keigo_warns() -> None:
    assert "ja_double_keigo" in codes("おっしゃられた点、確かに承りました。", "ja", complaint=0.1)
    assert "ja_double_keigo" in codes("レビューを拝見させていただきました。", "ja", complaint=0.1)
    assert "ja_double_keigo" not in codes("おっしゃる通りです。レビューを拝見しました。", "ja", complaint=0.1)


# --- store replies ---


@pytest.mark.parametrize(("network", "code"), [("appstore", "no_dm_appstore"), ("googleplay", "no_dm_googleplay")])
def test_dm_on_a_store_blocks_in_japanese_and_korean(network: str, code: str) -> None:
    assert code in codes("申し訳ございません。DMにてご連絡ください。", "ja", network=network)
    assert code in codes("죄송합니다. 다이렉트 메시지로 연락 주세요.", "ko", network=network)
    help_in_app = "申し訳ございません。アプリ内の「お問い合わせ」からご連絡ください。"
    assert code not in codes(help_in_app, "ja", network=network)


def test_an_exclamation_mark_in_a_ja_ko_store_reply_warns() -> None:
    assert "store_exclamation" in codes("温かいお言葉をありがとうございます！", "ja", network="appstore", complaint=0.1)
    assert "store_exclamation" in codes("좋은 말씀 감사합니다!", "ko", network="googleplay", complaint=0.1)
    assert "store_exclamation" not in codes("温かいお言葉をありがとうございます！", "ja", network="x", complaint=0.1)
    assert "store_exclamation" not in codes("Thanks so much!", "en", network="appstore", complaint=0.1)
    assert "store_exclamation" not in codes("温かいお言葉をありがとうございます。", "ja", network="appstore",
                                            complaint=0.1)


# --- installed workspaces ---


def test_a_seeded_row_gets_the_shipped_allow_list_and_keeps_its_own_phrases(db_session: Session) -> None:
    row = db_session.exec(select(LintRule).where(LintRule.code == "blaming")).one()
    row.params = {"phrases": {"ja": ["お客様の責任", "お客様の確認不足"]}}  # the admin's edit, from before allow-lists
    db_session.flush()
    blaming = next(rule for rule in load_rules(db_session) if rule.code == "blaming")
    assert blaming.params["phrases"] == {"ja": ["お客様の責任", "お客様の確認不足"]}
    assert "お客様の責任ではございません" in blaming.params["allow"]["ja"]
    empathetic = Draft(text="申し訳ございません。お客様の責任ではございません。", network="x", mention_language="ja")
    assert lint_draft(empathetic, [blaming]) == []
    own = {"phrases": {"ja": ["お客様の責任"]}, "allow": {"ja": []}}  # an admin who emptied the allow-list keeps it
    row.params = own
    db_session.flush()
    assert next(rule for rule in load_rules(db_session) if rule.code == "blaming").params == own
