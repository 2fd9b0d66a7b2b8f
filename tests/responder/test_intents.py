"""What a mention asks of the brand: escalation, question, mixed, complaint, praise or neutral, in en/ja/ko; whether
it speaks to the brand; and the order number the author already gave."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from models import Mention
from responder.drafting.intents import (
    addresses_brand,
    asks_for_order_number,
    channel_of,
    detect_intent,
    escalation_cues,
    is_question,
    order_number,
)
from responder.drafting.variables import Workspace
from settings import Settings

BRAND = Workspace(brand="Lumo Home")


def mention(text: str, **fields: Any) -> Mention:
    values: dict[str, Any] = {"network": "x", "external_id": "1", "text": text, "in_reply_to_brand": True,
                              "created_at": datetime(2026, 11, 5, tzinfo=timezone.utc), **fields}
    return Mention(**values)


@pytest.mark.parametrize(("text", "language"), [
    ("@lumohome_kr 한국소비자원에 신고하겠습니다. 벌써 네 번째 문의인데 주문번호만 물어보시네요.", "ko"),
    ("1372 소비자상담센터에 접수했습니다", "ko"),
    ("공정위에 민원 넣을게요", "ko"),
    ("카드사 이의제기 진행하겠습니다", "ko"),
    ("계속 이러면 고소하겠습니다", "ko"),
    ("消費生活センターに相談しました。返金されないなら弁護士に相談します", "ja"),
    ("国民生活センターに連絡済みです", "ja"),
    ("この対応、拡散します", "ja"),
    ("I've reported you to the BBB.", "en"),
    ("My lawyer will be in touch.", "en"),
    ("I'm filing a chargeback with my bank today.", "en"),
    ("Two charges after cancelling. I'm disputing both with my bank tonight.", "en"),
    ("Contacting the attorney general and consumer protection.", "en"),
    ("If this isn't fixed I'm going to the press.", "en"),
])
def test_escalations_are_recognised_in_three_languages(text: str, language: str) -> None:
    assert detect_intent(mention(text, language=language, sentiment="negative", complaint=0.9)) == "escalation"


@pytest.mark.parametrize("text", [
    "This kettle is so good I could sue myself for not buying it sooner... kidding, love it",  # still flagged: sue
])
def test_a_joking_escalation_word_still_goes_to_a_person(text: str) -> None:
    assert escalation_cues(mention(text, language="en")) == ["sue"]


@pytest.mark.parametrize(("text", "language"), [
    ("Pursue your dreams, buy the Dutch oven", "en"),  # "sue" inside a word
    ("注文番号 1372-5510 の件です", "ja"),  # 1372 is Korea's consumer line only as a number of its own, in Korean
    ("주문번호 2024-13721 확인 부탁드려요", "ko"),
    ("配送センターから発送されました", "ja"),
])
def test_words_that_only_look_like_escalations_are_not(text: str, language: str) -> None:
    assert detect_intent(mention(text, language=language, sentiment="neutral")) != "escalation"


@pytest.mark.parametrize(("text", "language"), [
    ("100V対応ですか", "ja"), ("IHでも使えますか？", "ja"), ("台湾への発送は可能でしょうか", "ja"),
    ("ポイント還元率を教えてください", "ja"), ("제주도 배송비 있나요", "ko"), ("대만으로도 배송되나요?", "ko"),
    ("인덕션에서도 쓸 수 있을까요", "ko"), ("사이즈 교환 방법 알려주세요", "ko"), ("Do you ship to Taiwan", "en"),
    ("Is the lid oven safe?", "en"),
])
def test_questions_without_and_with_question_marks(text: str, language: str) -> None:
    assert is_question(text, language)
    assert detect_intent(mention(text, language=language, sentiment="neutral", complaint=0.2)) == "question"


@pytest.mark.parametrize(("text", "language"), [
    ("配送が遅い。", "ja"), ("포장이 꼼꼼해서 좋았어요.", "ko"), ("Great mugs.", "en"), ("届きました！最高です", "ja"),
])
def test_statements_are_not_questions(text: str, language: str) -> None:
    assert not is_question(text, language)


@pytest.mark.parametrize(("text", "language", "sentiment", "complaint", "expected"), [
    ("@lumohome_kr 주문번호 LH-KR-771203인데 열흘째 배송 준비중이에요. 언제 출고되나요?", "ko", "neutral", 0.47,
     "complaint"),
    ("@lumohome hello? tracking stuck, no reply in chat", "en", "negative", 0.77, "complaint"),
    ("@lumohome_kr 유리컵 세트 중에 하나가 금 가서 왔어요. 교환 어떻게 하나요?", "ko", "neutral", 0.89, "complaint"),
    ("@lumohome returned the candle trio 3 weeks ago. refund?", "en", "negative", 0.9, "complaint"),
    ("@lumohome_jp 鋳鉄スキレットはIHでも使えますか？商品ページに記載が見当たらなくて…", "ja", "negative", 0.54,
     "question"),
    ("@lumohome_kr 머그 세트 식기세척기 돌려도 되나요? 유약 벗겨질까 봐 손세척만 하고 있어요", "ko", "negative", 0.74,
     "question"),
    ("@lumohome_jp 先日の荷物、無事に届きました！ちなみに再配達の依頼はアプリからできますか？", "ja", "neutral", 0.91,
     "question"),
])
def test_a_question_is_a_complaint_when_it_reports_a_problem(text: str, language: str, sentiment: str,
                                                            complaint: float, expected: str) -> None:
    assert detect_intent(mention(text, language=language, sentiment=sentiment, complaint=complaint)) == expected


def test_an_angry_question_is_a_complaint_and_a_calm_one_a_question() -> None:
    angry = mention("Where is my order?? Two weeks now!", language="en", sentiment="negative", complaint=0.9)
    calm = mention("台湾にも発送していますか？", language="ja", sentiment="neutral", complaint=0.6)
    assert (detect_intent(angry), detect_intent(calm)) == ("complaint", "question")


@pytest.mark.parametrize(("text", "language", "rating", "sentiment", "expected"), [
    ("蓋が少し固いですが、デザインは最高です", "ja", 4, "positive", "mixed"),
    ("Love the pan, but the handle gets hot.", "en", 4, "positive", "mixed"),
    ("디자인은 예쁜데 배송이 아쉬웠어요", "ko", 4, "positive", "mixed"),
    ("배송은 느렸지만 제품은 정말 좋아요", "ko", 2, "negative", "mixed"),
    ("Perfect pan, love it", "en", 5, "positive", "praise"),
    ("I was skeptical at first but it's amazing", "en", 5, "positive", "praise"),
    ("Mix 5 is beautiful and powerful, just louder than I expected on high. Otherwise a great buy.", "en", 5,
     "positive", "mixed"),
    ("デザインも使い心地も大満足です。送料がもう少し安ければ星5つでした。", "ja", 4, "positive", "mixed"),
    ("品質は満足。アプリも使いやすいが、もう少し検索の精度が上がるといい。", "ja", 5, "positive", "mixed"),
    ("제품은 만족, 배송 지연 안내 문자는 좀 더 빨리 주세요.", "ko", 5, "positive", "mixed"),
    ("毎日使っています。とても気に入りました", "ja", 5, "positive", "praise"),
    ("Too expensive for what it is", "en", 2, "negative", "complaint"),
    ("普通です。特に不満はありません。", "ja", 3, "neutral", "neutral"),
    ("무난해요. 특별히 불만은 없어요.", "ko", 3, "neutral", "neutral"),
    ("Great, another broken lid. Third one.", "en", 1, "negative", "complaint"),
    ("Good pan, but it arrived three weeks late", "en", 2, "negative", "mixed"),
    ("アプリが毎回落ちる", "ja", 1, "negative", "complaint"),
    ("ルモプラスのポイント還元率は何％ですか？", "ja", 4, "neutral", "question"),
    ("Great quality. Just a bit pricey.", "en", 4, "positive", "mixed"),  # drafts2's fresh cases
    ("Delivery was super quick, but the pan's coating started peeling after a week.", "en", 2, "negative", "mixed"),
    ("Fast shipping, but the lid doesn't fit at all.", "en", 1, "negative", "mixed"),
    ("Slightly smaller than I pictured, otherwise perfect.", "en", 5, "positive", "mixed"),
])
def test_reviews_by_rating_and_words(text: str, language: str, rating: int, sentiment: str, expected: str) -> None:
    review = mention(text, network="appstore", language=language, rating=rating, sentiment=sentiment,
                     in_reply_to_brand=None)
    assert detect_intent(review) == expected


def test_social_praise_and_chatter() -> None:
    assert detect_intent(mention("Best kettle ever", language="en", sentiment="positive")) == "praise"
    assert detect_intent(mention("Lumo sale today", language="en", sentiment="neutral")) == "neutral"


def test_store_and_social_channels_come_from_the_network_specs() -> None:
    assert {channel_of(network) for network in ("appstore", "googleplay", "gbp", "trustpilot")} == {"store"}
    assert {channel_of(network) for network in ("x", "reddit", "mastodon")} == {"social"}


def test_what_speaks_to_the_brand() -> None:
    assert addresses_brand(mention("meh", network="appstore", rating=3, in_reply_to_brand=None), BRAND)
    assert addresses_brand(mention("ルモの鍋、届かない", in_reply_to_brand=True), BRAND)
    assert not addresses_brand(mention("ルモの鍋、届かない", in_reply_to_brand=False), BRAND)  # names "ルモ" only
    assert addresses_brand(mention("Lumo Homeさん、まだ届きません", in_reply_to_brand=False), BRAND)
    assert addresses_brand(mention("Lumo Home 측 답변 부탁드립니다", in_reply_to_brand=False), BRAND)
    assert addresses_brand(mention("hey @LumoHome_JP where is it", network="reddit", in_reply_to_brand=None), BRAND)
    assert not addresses_brand(mention("My Lumo dutch oven after a year", network="reddit", in_reply_to_brand=None),
                               BRAND)
    assert addresses_brand(mention("refund pls", in_reply_to_brand=None), BRAND)  # the collector cannot tell
    settings = Settings(brand_name="Lumo Home", brand_handles="@lumo_care, kitchen_lumo")
    assert addresses_brand(mention("@kitchen_lumo broken lid", in_reply_to_brand=False), settings)
    assert not addresses_brand(mention("@lumohome broken lid", in_reply_to_brand=False), settings)


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("Order #12345 never came", "en", "12345"),
    ("my order number is LH-4411, still nothing", "en", "LH-4411"),
    ("注文番号 123-456 の商品が届きません", "ja", "123-456"),
    ("ご注文番号は2024110512です", "ja", "2024110512"),
    ("주문번호 20241105-0042 인데 아직이에요", "ko", "20241105-0042"),
    ("주문번호는 LH77120입니다", "ko", "LH77120"),
    ("Still waiting, nothing came", "en", None),
    ("C# is not an order", "en", None),
])
def test_order_numbers_the_author_gave(text: str, language: str, expected: str | None) -> None:
    assert order_number(text, language) == expected


@pytest.mark.parametrize(("wording", "asks"), [
    ("Please DM us your order number and we'll check.", True),
    ("お手数ですが、注文番号をお知らせください。", True),
    ("주문번호를 남겨 주시면 확인하겠습니다.", True),
    ("We found your order {?order number} and it ships today.", False),
    ("ご注文（{?注文番号}）を確認いたしました。", False),
])
def test_wordings_that_ask_for_the_order_number(wording: str, asks: bool) -> None:
    assert asks_for_order_number(wording) is asks


def test_the_workspace_carries_the_brand_accounts_from_the_settings() -> None:
    workspace = Workspace.from_settings(Settings(brand_name="Lumo Home", brand_handles="lumo_care"))
    assert addresses_brand(mention("@Lumo_Care lid cracked", in_reply_to_brand=False), workspace)
    assert not addresses_brand(mention("@lumohome lid cracked", in_reply_to_brand=False), workspace)
