"""Lint rules for the language helpers, with real sentences firing and not firing: a handle addressed with an
honorific, Korean particles that do not fit the word before them, and DM offers on review sites."""

from __future__ import annotations

import pytest

from responder.lint.findings import BLOCK, Draft, lint_draft
from responder.lint.rules import default_rules

RULES = list(default_rules())


def findings(text: str, language: str | None, network: str = "x", saved_body: str | None = None) -> dict[str, str]:
    draft = Draft(text=text, network=network, mention_language=language, in_reply_to_brand=True, complaint=0.1,
                  sentiment="positive", rating=5 if network != "x" else None, saved_body=saved_body)
    return {finding.code: finding.message for finding in lint_draft(draft, RULES)}


def test_the_new_rules_block() -> None:
    severities = {rule.code: rule.severity for rule in RULES}
    assert severities["handle_honorific"] == severities["ko_particle"] == severities["no_dm_review_sites"] == BLOCK


# --- handle_honorific ---


@pytest.mark.parametrize(("text", "language"), [
    ("@kazu_0808様、ご購入いただきありがとうございます。", "ja"),
    ("@sakura_n_22 様 いつもご利用ありがとうございます。", "ja"),
    ("@hoshi_no_oto さん、嬉しいお言葉をありがとうございます。", "ja"),
    ("@minseo_0412님, 소중한 후기 감사합니다.", "ko"),
    ("@junho_park 님 안녕하세요, Lumo Home입니다.", "ko"),
    ("＠bomnal_92씨, 문의 감사합니다.", "ko"),
])
def test_a_handle_with_an_honorific_is_blocked(text: str, language: str) -> None:
    found = findings(text, language)
    assert "handle_honorific" in found
    assert "@" in found["handle_honorific"] or "＠" in found["handle_honorific"]


@pytest.mark.parametrize(("text", "language"), [
    ("田中様、ご購入いただきありがとうございます。", "ja"),
    ("お客様、いつもご利用ありがとうございます。", "ja"),
    ("@kazu_0808 ご購入いただきありがとうございます。", "ja"),  # a mention without an honorific
    ("고객님, 소중한 후기 감사합니다.", "ko"),
    ("김민수님, 문의 주셔서 감사합니다. 자세한 내용은 help@lumo.example로 보내 주세요.", "ko"),
    ("Hi @ann_b, thanks for the kind words!", "en"),
])
def test_a_name_or_a_plain_mention_is_not(text: str, language: str) -> None:
    assert "handle_honorific" not in findings(text, language)


# --- doubled_honorific, extended ---


@pytest.mark.parametrize(("text", "language"), [
    ("しおりさま様、温かいレビューをありがとうございます。", "ja"),
    ("田中様さま、ご連絡ありがとうございます。", "ja"),
    ("お客様様、ご不便をおかけし申し訳ございません。", "ja"),
    ("고객님님, 불편을 드려 죄송합니다.", "ko"),
])
def test_a_doubled_honorific_is_blocked(text: str, language: str) -> None:
    assert "doubled_honorific" in findings(text, language)


@pytest.mark.parametrize(("text", "language"), [
    ("しおり様、温かいレビューをありがとうございます。", "ja"),
    ("お客様、ご不便をおかけし申し訳ございません。", "ja"),
    ("고객님, 불편을 드려 죄송합니다.", "ko"),
])
def test_one_honorific_passes(text: str, language: str) -> None:
    assert "doubled_honorific" not in findings(text, language)


# --- ko_particle ---


@pytest.mark.parametrize(("text", "found"), [
    ("Lumo Home를 이용해 주셔서 진심으로 감사드립니다.", "Home를"),
    ("안녕하세요, 고객님. Lumo Home와 함께해 주셔서 감사합니다.", "Home와"),
    ("Lumo Home는 고객님의 의견을 소중히 생각합니다.", "Home는"),
    ("Lumo을 선택해 주셔서 감사합니다.", "Lumo을"),
    ("주문하신 Lumo 3를 확인했습니다.", "3를"),
    ("Lumo Kit을(를) 이용해 주셔서 감사합니다.", "을(를)"),
    ("불편하신 점은 Lumo Kit(으)로 문의해 주세요.", "(으)로"),
    ("DM로 주문번호를 보내 주세요.", "DM로"),
])
def test_a_korean_particle_that_does_not_fit_is_blocked(text: str, found: str) -> None:
    result = findings(text, "ko")
    assert "ko_particle" in result and f'"{found}"' in result["ko_particle"]


@pytest.mark.parametrize("text", [
    "Lumo Home을 이용해 주셔서 진심으로 감사드립니다.",
    "안녕하세요, 고객님. Lumo Home과 함께해 주셔서 감사합니다.",
    "Lumo를 선택해 주셔서 감사합니다. Lumo Kettle로 더 편리한 생활을 누리세요.",
    "주문하신 Lumo 3을 확인했습니다. DM으로 주문번호를 보내 주세요.",
    "Lumo Home 이용에 불편을 드려 죄송합니다.",  # no particle right after the name
    "Lumo Kit을 이용해 주셔서 감사합니다.",  # the spelling does not tell (킷/키트): the writer decides
    "Lumo이벤트에 참여해 주셔서 감사합니다.",  # 이벤트 is a word, not the particle 이
])
def test_fitting_particles_pass(text: str) -> None:
    assert "ko_particle" not in findings(text, "ko")


def test_the_particle_rule_is_for_korean_replies() -> None:
    assert "ko_particle" not in findings("Lumo Home를", "ja")  # never mind the nonsense: a Japanese mention
    assert "ko_particle" in findings("Lumo Home를 이용해 주셔서 감사합니다.", None)  # the script says Korean


# --- no_dm_review_sites ---


@pytest.mark.parametrize(("text", "language", "network"), [
    ("Sorry about the wait. Please send us a DM with your order number.", "en", "trustpilot"),
    ("ご不便をおかけし申し訳ございません。DMにてご注文番号をお知らせください。", "ja", "gbp"),
    ("불편을 드려 죄송합니다. 다이렉트 메시지로 주문번호를 보내 주세요.", "ko", "trustpilot"),
])
def test_a_dm_offer_on_a_review_site_is_blocked(text: str, language: str, network: str) -> None:
    assert "no_dm_review_sites" in findings(text, language, network)


@pytest.mark.parametrize(("text", "language", "network"), [
    ("Sorry about the wait. Please reach us via our support page (https://help.lumo.example).", "en", "trustpilot"),
    ("ご不便をおかけし申し訳ございません。公式サイトのお問い合わせフォームよりご連絡ください。", "ja", "gbp"),
    ("불편을 드려 죄송합니다. 홈페이지 1:1 문의로 주문번호를 보내 주세요.", "ko", "trustpilot"),
    ("Sorry about the wait. Please send us a DM with your order number.", "en", "x"),  # X has DMs
])
def test_a_support_page_or_a_dm_where_there_are_dms_passes(text: str, language: str, network: str) -> None:
    assert "no_dm_review_sites" not in findings(text, language, network)


# --- over_promise ---


@pytest.mark.parametrize(("text", "language"), [
    ("ご不便をおかけし申し訳ございません。本日中にご連絡いたします。", "ja"),
    ("ご迷惑をおかけしました。交換品をお送りいたしますので、しばらくお待ちください。", "ja"),
    ("불편을 드려 죄송합니다. 오늘 바로 처리해 드리겠습니다.", "ko"),
    ("파손된 상품을 받으셔서 속상하셨죠. 교환품을 보내드리겠습니다.", "ko"),
    ("Sorry about that! We'll send you a replacement right away.", "en"),
])
def test_an_over_promise_warns(text: str, language: str) -> None:
    assert "over_promise" in findings(text, language)


@pytest.mark.parametrize(("text", "language", "saved_body"), [
    ("ご不便をおかけし申し訳ございません。12月7日(月)までにご連絡いたします。", "ja", None),
    ("交換または返品のうち、ご希望の方法でご案内いたします。", "ja", None),
    ("ご希望の場合は交換品をお送りいたします。返品も承ります。", "ja", None),
    ("불편을 드려 죄송합니다. 다음 영업일까지 안내해 드리겠습니다.", "ko", None),
    ("교환 또는 반품 중 원하시는 방법으로 안내해 드리겠습니다.", "ko", None),
    ("Sorry about that. We can send a replacement or refund the order, whichever you prefer.", "en", None),
    # {reply_window} said "today" because the calendar allowed it
    ("ご連絡ありがとうございます。本日中にご返信いたします。", "ja", "{name}様、{reply_window}ご返信いたします。"),
    ("문의 감사합니다. 오늘 중으로 답변드리겠습니다.", "ko", "{name}님, {reply_window} 답변드리겠습니다."),
])
def test_a_kept_promise_passes(text: str, language: str, saved_body: str | None) -> None:
    assert "over_promise" not in findings(text, language, saved_body=saved_body)


def test_a_hand_typed_today_in_a_reply_window_template_still_warns_in_other_words() -> None:
    body = "{name}님, {reply_window} 답변드리겠습니다."
    assert "over_promise" in findings("고객님, 오늘 바로 교환품을 보내드리겠습니다.", "ko", saved_body=body)
