"""Language helpers for saved replies: {name} with one honorific, Korean particles after values,
{next_business_day} / {reply_window} from the workspace calendar and its country's holidays, and {contact}."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from models import Mention, User
from models.business_hours import BusinessCalendar
from responder.drafting.business_days import BusinessDays, format_day, next_business_day_text, reply_window_text
from responder.drafting.contact import contact_phrase
from responder.drafting.names import customer_name, join_honorific, usable_name
from responder.drafting.particles import agree, final_sound, particle_errors
from responder.drafting.variables import (
    KNOWN_VARIABLES,
    Workspace,
    check_template,
    fill_agent,
    fill_prompts,
    render,
    template_language,
    variables_for,
)
from settings import Settings

TOKYO, SEOUL = "Asia/Tokyo", "Asia/Seoul"
FRIDAY_EVENING_TOKYO = datetime(2026, 12, 4, 9, 30, tzinfo=timezone.utc)  # Fri 18:30 JST


def mention(author: str, network: str = "x", language: str | None = "ja") -> Mention:
    return Mention(network=network, external_id="1", author=author, text="…", language=language,
                   created_at=FRIDAY_EVENING_TOKYO)


def days(zone: str = TOKYO, country: str = "", *, year_end: bool = True, hours: str = "09:00-18:00") -> BusinessDays:
    return BusinessDays(BusinessCalendar.from_text(timezone_name=zone, hours=hours, country=country,
                                                   year_end_closure=year_end))


def at(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


# --- {name} ---


@pytest.mark.parametrize(("author", "language", "expected"), [
    ("田中 優子", "ja", "田中 優子"),
    ("しおり", "ja", "しおり"),
    ("윤서연", "ko", "윤서연"),
    ("해바라기", "ko", "해바라기"),
    ("@kazu_0808", "ja", "お客様"),  # a handle is not a name
    ("minseo_0412", "ko", "고객님"),
    ("junho_park", "ko", "고객님"),
    ("Ken", "ja", "Ken"),  # a written Latin name is one
    ("Mika Tanaka", "ko", "Mika Tanaka"),
    ("Yoko.S", "ja", "Yoko.S"),
    ("cozy_jin", "ko", "고객님"),
    ("@kazu_0808", "en", "kazu_0808"),  # English uses the handle, without its @
    ("", "ja", "お客様"),
    ("", "ko", "고객님"),
    ("", "en", "there"),
    ("12345", "ja", "お客様"),
    ("★☆★", "ko", "고객님"),
    ("A Google user", "en", "there"),
    ("[deleted]", "en", "there"),
    ("匿名", "ja", "お客様"),
    ("ゆうこ@ダイエット中", "ja", "ゆうこ"),
    ("田中 優子 | 2児のママ", "ja", "田中 優子"),
    ("ann@mastodon.social", "en", "ann"),
    ("ゆうこ🌸", "ja", "ゆうこ"),
    ("김민수 (서울)", "ko", "김민수"),
])
def test_the_name_is_a_name_or_the_languages_generic_form(author: str, language: str, expected: str) -> None:
    assert customer_name(mention(author), language) == expected


def test_a_name_too_long_to_be_one_is_not_used() -> None:
    assert usable_name("とても長いニックネームでレビューを書いている人です本当に", "ja") == ""


@pytest.mark.parametrize(("body", "author", "expected"), [
    ("{name}様、ご購入ありがとうございます。", "田中 優子", "田中 優子様、ご購入ありがとうございます。"),
    ("{name}様、ご購入ありがとうございます。", "", "お客様、ご購入ありがとうございます。"),  # not お客様様
    ("{name}様、ご購入ありがとうございます。", "kazu_0808", "お客様、ご購入ありがとうございます。"),  # not @kazu_0808様
    ("{name}様、ご購入ありがとうございます。", "田中さん", "田中様、ご購入ありがとうございます。"),  # not さん様
    ("{name}様、ご購入ありがとうございます。", "山田先生", "山田先生、ご購入ありがとうございます。"),  # not 先生様
    ("{name}様、ご購入ありがとうございます。", "佐藤様", "佐藤様、ご購入ありがとうございます。"),  # not 様様
    ("{name}さん、ありがとうございます。", "", "お客様、ありがとうございます。"),
    ("{name}님, 소중한 리뷰 감사합니다.", "김민수", "김민수님, 소중한 리뷰 감사합니다."),
    ("{name}님, 소중한 리뷰 감사합니다.", "", "고객님, 소중한 리뷰 감사합니다."),  # not 고객님님
    ("{name}님, 소중한 리뷰 감사합니다.", "민수님", "민수님, 소중한 리뷰 감사합니다."),  # not 님님
    ("{name}님, 소중한 리뷰 감사합니다.", "민수씨", "민수님, 소중한 리뷰 감사합니다."),  # not 씨님
    ("{name}님, 소중한 리뷰 감사합니다.", "김 선생님", "김 선생님, 소중한 리뷰 감사합니다."),
    ("Hi {name}, thanks for the review.", "", "Hi there, thanks for the review."),
    ("Hi {name}, thanks for the review.", "@ann_b", "Hi ann_b, thanks for the review."),
])
def test_a_name_gets_one_honorific(body: str, author: str, expected: str) -> None:
    variables = variables_for(mention(author), Workspace(brand="Lumo Home"), now=FRIDAY_EVENING_TOKYO)
    assert render(body, variables).text == expected


def test_join_honorific_leaves_other_text_alone() -> None:
    assert join_honorific("田中", "様、", "ja") == ("田中", "様、")
    assert join_honorific("田中さん", "、", "ja") == ("田中さん", "、")  # no template honorific to double
    assert join_honorific("お客様", "のご意見", "ja") == ("お客様", "のご意見")


def test_the_template_language_decides_the_name_not_the_mentions() -> None:
    variables = variables_for(mention("", language="ja"), Workspace(brand="Lumo Home"), now=FRIDAY_EVENING_TOKYO)
    assert variables["name"] == "お客様"  # the mention's language under the plain name
    assert render("Hi {name},", variables).text == "Hi there,"  # an English fallback reply to a Japanese review
    assert render("{name}님,", variables).text == "고객님,"


@pytest.mark.parametrize(("text", "language"), [
    ("{name}様、ありがとうございます。", "ja"), ("{name}님, 감사합니다.", "ko"), ("Thanks, {name}!", "en"),
    ("{brand}公式", "ja")])
def test_template_language_is_read_from_the_script(text: str, language: str) -> None:
    assert template_language(text) == language


# --- Korean particles ---


@pytest.mark.parametrize(("body", "brand", "expected"), [
    ("{brand}를 이용해 주셔서 감사합니다.", "Lumo Home", "Lumo Home을 이용해 주셔서 감사합니다."),  # 홈: batchim
    ("{brand}을 이용해 주셔서 감사합니다.", "Lumo", "Lumo를 이용해 주셔서 감사합니다."),  # 루모: vowel
    ("{brand}와 함께해 주셔서 감사합니다.", "Lumo Home", "Lumo Home과 함께해 주셔서 감사합니다."),
    ("{brand}과 함께해 주셔서 감사합니다.", "루모", "루모와 함께해 주셔서 감사합니다."),
    ("{brand}이 준비한 이벤트입니다.", "Lumo", "Lumo가 준비한 이벤트입니다."),
    ("{brand}는 고객님의 의견을 소중히 생각합니다.", "Lumo Home", "Lumo Home은 고객님의 의견을 소중히 생각합니다."),
    ("{brand}으로 문의해 주세요.", "카카오톡 채널", "카카오톡 채널로 문의해 주세요."),  # ㄹ takes 로
    ("{brand}로 문의해 주세요.", "네이버 톡톡", "네이버 톡톡으로 문의해 주세요."),
    ("{brand}으로부터 안내를 받으셨나요?", "Lumo", "Lumo로부터 안내를 받으셨나요?"),
    ("{brand}와의 약속입니다.", "Lumo Home", "Lumo Home과의 약속입니다."),
    ("{brand}예요.", "Lumo Home", "Lumo Home이에요."),
    ("{brand}를 구매해 주셔서 감사합니다.", "Lumo 3", "Lumo 3을 구매해 주셔서 감사합니다."),  # 삼
    ("{brand}를 구매해 주셔서 감사합니다.", "Lumo 2", "Lumo 2를 구매해 주셔서 감사합니다."),  # 이
    ("{brand}을 구매해 주셔서 감사합니다.", "LG", "LG를 구매해 주셔서 감사합니다."),  # 엘지
    ("{brand}이벤트에 참여해 주셔서 감사합니다.", "Lumo", "Lumo이벤트에 참여해 주셔서 감사합니다."),  # no particle
    ("{brand}가격 문의", "Lumo Home", "Lumo Home가격 문의"),  # 가격 is a word, not 가
    ("{brand}를 이용해 주셔서 감사합니다.", "Lumo Kit", "Lumo Kit을(를) 이용해 주셔서 감사합니다."),  # unknown
    ("{brand}로 문의해 주세요.", "Lumo Kit", "Lumo Kit(으)로 문의해 주세요."),
])
def test_a_particle_after_a_value_agrees_with_its_last_sound(body: str, brand: str, expected: str) -> None:
    variables = variables_for(mention("", language="ko"), Workspace(brand=brand), now=FRIDAY_EVENING_TOKYO)
    assert render(body, variables).text == expected


def test_a_configured_reading_decides_the_particle() -> None:
    workspace = Workspace(brand="Lumo Kit", readings={"brand": "루모 킷"})
    variables = variables_for(mention("", language="ko"), workspace, now=FRIDAY_EVENING_TOKYO)
    assert render("{brand}를 이용해 주셔서 감사합니다.", variables).text == "Lumo Kit을 이용해 주셔서 감사합니다."


def test_particles_are_left_alone_outside_korean() -> None:
    variables = variables_for(mention("", language="ja"), Workspace(brand="Lumo Home"), now=FRIDAY_EVENING_TOKYO)
    assert render("{brand}をご利用いただき", variables).text == "Lumo Homeをご利用いただき"


@pytest.mark.parametrize(("value", "final"), [
    ("Lumo Home", 16), ("Lumo", 0), ("Lumo Kettle", 8), ("Lumo Phone", 4), ("King", 21), ("Lumo Care", 0),
    ("Lumo Desk", 0), ("Lumo Pad", 0), ("Box", 0), ("DM", 16), ("10", 17), ("100", 1), ("0", 21), ("7", 8),
    ("고객센터 문의 페이지(https://help.lumo.example)", 0), ("Lumo+", 0), ("Lumo Kit", None), ("Lumo Cook", None),
    ("Lumo App", None), ("Apple", 8), ("Coupang", 21), ("Naver", 0), ("LINE", 4), ("iOS", 0), ("5G", 0),
    ("ルモ", None)])
def test_final_sound(value: str, final: int | None) -> None:
    assert final_sound(value).final == final


def test_agree_only_touches_a_leading_particle() -> None:
    assert agree("Lumo Home", "를 ") == "을 "
    assert agree("Lumo Home", " 를") == " 를"  # a space: not a particle of this value
    assert agree("Lumo Home", "") == ""


def test_a_prompted_value_gets_an_agreeing_particle_in_korean() -> None:
    text = "주문번호 {?주문번호}를 확인했습니다."
    assert fill_prompts(text, {"주문번호": "A-1023"}) == "주문번호 A-1023을 확인했습니다."  # 삼
    assert fill_prompts(text, {"주문번호": "A-1022"}) == "주문번호 A-1022를 확인했습니다."
    japanese = fill_prompts("ご注文番号{?注文番号}を確認しました。", {"注文番号": "A-1023"})
    assert japanese == "ご注文番号A-1023を確認しました。"


def test_the_agents_signature_gets_an_agreeing_particle_in_korean() -> None:
    ken, mika = User(email="ken@lumo.example", role="agent"), User(email="mika.tanaka@lumo.example", role="agent")
    text = "담당자 {agent}가 확인 후 연락드리겠습니다. {agent} 드림"
    assert fill_agent(text, ken) == "담당자 Ken이 확인 후 연락드리겠습니다. Ken 드림"
    assert fill_agent(text, mika) == "담당자 Mika가 확인 후 연락드리겠습니다. Mika 드림"
    assert fill_agent("担当の{agent}がご連絡します。", ken) == "担当のKenがご連絡します。"


def test_particle_errors_name_what_is_wrong() -> None:
    assert particle_errors("Lumo Home를 이용해 주셔서 감사합니다.") == ["Home를"]
    assert particle_errors("Lumo Home와 함께해 주셔서 감사합니다.") == ["Home와"]
    assert particle_errors("Lumo Kit을(를) 이용해 주셔서 감사합니다.") == ["을(를)"]
    assert particle_errors("Lumo Home을 이용해 주셔서 감사합니다. Lumo와 함께해요.") == []
    assert particle_errors("Lumo Kit을 이용해 주셔서 감사합니다.") == []  # unknown reading: the writer's call


# --- {next_business_day}, {reply_window} ---


def test_format_day_per_language() -> None:
    day = date(2026, 12, 7)
    assert format_day(day, "ja") == "12月7日(月)"
    assert format_day(day, "ko") == "12월 7일(월)"
    assert format_day(day, "en") == "Monday 7 December"


def test_the_next_business_day_skips_the_weekend() -> None:
    assert days().next_business_day(FRIDAY_EVENING_TOKYO) == date(2026, 12, 7)
    assert days().next_business_day(at(TOKYO, 2026, 12, 7, 10, 0)) == date(2026, 12, 8)


def test_the_next_business_day_is_in_the_workspace_zone() -> None:
    late_sunday_utc = datetime(2026, 12, 6, 20, 0, tzinfo=timezone.utc)  # already Monday 05:00 in Tokyo
    assert days(TOKYO).next_business_day(late_sunday_utc) == date(2026, 12, 8)
    assert days("UTC").next_business_day(late_sunday_utc) == date(2026, 12, 7)


def test_japanese_holidays_and_the_year_end_closure() -> None:
    assert days(TOKYO, "JP").next_business_day(at(TOKYO, 2026, 12, 28, 12, 0)) == date(2027, 1, 4)
    assert days(TOKYO, "JP", year_end=False).next_business_day(at(TOKYO, 2026, 12, 28, 12, 0)) == date(2026, 12, 29)
    assert days(TOKYO, "").next_business_day(at(TOKYO, 2026, 12, 28, 12, 0)) == date(2026, 12, 29)
    # 2027-01-11 is 成人の日 (second Monday of January)
    assert days(TOKYO, "JP").next_business_day(at(TOKYO, 2027, 1, 8, 12, 0)) == date(2027, 1, 12)


def test_the_year_end_closure_is_japans_only() -> None:
    assert days(SEOUL, "KR").next_business_day(at(SEOUL, 2026, 12, 28, 12, 0)) == date(2026, 12, 29)


def test_korean_seollal_and_chuseok_spans() -> None:
    # 설날 2027: 6-8 February (Sat-Mon) and 대체 휴일 Tuesday 9; 추석 2026: 24-26 September (Thu-Sat)
    assert days(SEOUL, "KR").next_business_day(at(SEOUL, 2027, 2, 5, 12, 0)) == date(2027, 2, 10)
    assert days(SEOUL, "KR").next_business_day(at(SEOUL, 2026, 9, 23, 12, 0)) == date(2026, 9, 28)
    text = next_business_day_text(days(SEOUL, "KR"), at(SEOUL, 2026, 9, 23, 12, 0), "ko")
    assert text == "9월 28일(월)"


def test_reply_window_promises_today_only_with_time_left_on_a_business_day() -> None:
    calendar = days(TOKYO, "JP")
    assert reply_window_text(calendar, at(TOKYO, 2026, 12, 3, 10, 0), "ja") == "本日中に"
    assert reply_window_text(calendar, at(TOKYO, 2026, 12, 3, 8, 0), "ko") == "오늘 중으로"  # before opening
    assert reply_window_text(calendar, at(TOKYO, 2026, 12, 3, 17, 30), "ja") == "翌営業日までに"  # under an hour left
    assert reply_window_text(calendar, at(TOKYO, 2026, 12, 5, 10, 0), "ko") == "다음 영업일까지"  # Saturday
    assert reply_window_text(calendar, at(TOKYO, 2026, 12, 30, 10, 0), "ja") == "翌営業日までに"  # 年末年始
    assert reply_window_text(calendar, at(TOKYO, 2026, 12, 3, 10, 0), "en") == "today"


def test_a_calendar_without_business_days_leaves_the_variable_visible() -> None:
    default = BusinessCalendar.from_text()
    never = BusinessDays(BusinessCalendar(default.zone, frozenset(), default.opens, default.closes))
    assert next_business_day_text(never, FRIDAY_EVENING_TOKYO, "ja") == ""
    variables = variables_for(mention(""), Workspace(brand="Lumo", business_days=never), now=FRIDAY_EVENING_TOKYO)
    assert render("{next_business_day}にご連絡します。", variables).missing == ("next_business_day",)


# --- {contact} ---


@pytest.mark.parametrize(("network", "language", "support_url", "expected"), [
    ("appstore", "ja", "", "アプリ内のお問い合わせフォーム"),
    ("googleplay", "ko", "", "앱 내 1:1 문의"),
    ("appstore", "en", "https://help.lumo.example", "our support page (https://help.lumo.example)"),
    ("googleplay", "ja", "https://help.lumo.example", "お問い合わせフォーム（https://help.lumo.example）"),
    ("trustpilot", "en", "", "the contact form on our website"),
    ("gbp", "ko", "", "홈페이지 1:1 문의"),
    ("x", "ja", "https://help.lumo.example", "DM"),
    ("mastodon", "en", "", "DM"),
])
def test_contact_without_local_channels(network: str, language: str, support_url: str, expected: str) -> None:
    assert contact_phrase(network, language, channels={}, support_url=support_url) == expected


def test_contact_uses_the_local_channel_on_social_networks_only() -> None:
    channels = {"ja": "LINE公式アカウント", "ko": "카카오톡 채널"}
    assert contact_phrase("x", "ja", channels=channels, support_url="") == "LINE公式アカウント"
    assert contact_phrase("x", "ko", channels=channels, support_url="") == "카카오톡 채널"
    assert contact_phrase("x", "en", channels=channels, support_url="") == "DM"
    assert contact_phrase("appstore", "ja", channels=channels, support_url="") == "アプリ内のお問い合わせフォーム"


def test_contact_in_a_korean_template_takes_the_right_particle() -> None:
    body = "{contact}로 주문번호를 보내 주시면 바로 확인하겠습니다."
    workspace = Workspace(brand="Lumo Home", contact_channels={"ko": "네이버 톡톡"})
    social = variables_for(mention("", "x", "ko"), workspace, now=FRIDAY_EVENING_TOKYO)
    store = variables_for(mention("", "googleplay", "ko"), workspace, now=FRIDAY_EVENING_TOKYO)
    assert render(body, social).text.startswith("네이버 톡톡으로 주문번호를")
    assert render(body, store).text.startswith("앱 내 1:1 문의로 주문번호를")
    assert render("{contact}으로 연락 주세요.", variables_for(mention("", "x", "ko"), Workspace(brand="Lumo"),
                                                        now=FRIDAY_EVENING_TOKYO)).text == "DM으로 연락 주세요."


# --- the variables together, from settings ---


def test_the_new_variables_are_known_to_the_admin_form() -> None:
    for name in ("name", "contact", "next_business_day", "reply_window"):
        assert name in KNOWN_VARIABLES
    assert check_template("{name}様、{contact}にて{next_business_day}までにご連絡します。{reply_window}") == []


@pytest.mark.parametrize("body", ["{author}様、ありがとうございます。", "{author} 님, 감사합니다."])
def test_a_template_may_not_put_an_honorific_after_the_handle(body: str) -> None:
    assert any("{name}様" in problem for problem in check_template(body))
    assert check_template(body.replace("{author}", "{name}")) == []


def test_workspace_from_settings_carries_the_language_settings() -> None:
    settings = Settings(workspace_timezone=TOKYO, business_hours="09:00-18:00", holiday_country="JP",
                        contact_channel_ja="LINE公式アカウント", brand_name="Lumo Kit", brand_reading_ko="루모 킷")
    workspace = Workspace.from_settings(settings)
    variables = variables_for(mention("田中 優子", "x", "ja"), workspace, now=at(TOKYO, 2026, 12, 28, 12, 0))
    body = "{name}様、{contact}にてご連絡ください。{next_business_day}以降、順にご返信いたします。"
    assert render(body, variables).text == ("田中 優子様、LINE公式アカウントにてご連絡ください。1月4日(月)以降、"
                                            "順にご返信いたします。")
    assert render("{brand}를 이용해 주셔서", variables).text == "Lumo Kit을 이용해 주셔서"


def test_an_unknown_holiday_country_stops_the_settings() -> None:
    with pytest.raises(ValidationError, match="HOLIDAY_COUNTRY"):
        Settings(holiday_country="XX")
    assert Settings(holiday_country="kr").holiday_country == "kr"


# --- properties ---

HANGUL_SYLLABLE = st.integers(min_value=0xAC00, max_value=0xD7A3).map(chr)
HONORIFIC_ENDINGS = st.sampled_from(["", "さん", "様", "さま", "先生", "くん", "ちゃん", "殿", "님", "씨", "선생님"])


@given(stem=st.text(HANGUL_SYLLABLE, min_size=1, max_size=5))
def test_every_hangul_value_gets_the_form_its_batchim_calls_for(stem: str) -> None:
    batchim = (ord(stem[-1]) - 0xAC00) % 28
    variables = {"brand": stem}
    assert render("{brand}를 봤어요", variables).text == stem + ("을" if batchim else "를") + " 봤어요"
    assert render("{brand}과 함께", variables).text == stem + ("과" if batchim else "와") + " 함께"
    assert render("{brand}로 문의", variables).text == stem + ("으로" if batchim not in (0, 8) else "로") + " 문의"


NAME_STEMS = st.text(st.sampled_from("田中優子しおりけんじ김민수서연"), min_size=1, max_size=4)


@given(stem=NAME_STEMS, ending=HONORIFIC_ENDINGS)
def test_a_rendered_name_never_doubles_an_honorific(stem: str, ending: str) -> None:
    for body, language in (("{name}様、ありがとうございます。", "ja"), ("{name}님, 감사합니다.", "ko")):
        variables = variables_for(mention(stem + ending, language=language), Workspace(brand="Lumo"),
                                  now=FRIDAY_EVENING_TOKYO)
        text = render(body, variables).text
        assert not any(double in text for double in ("様様", "さん様", "さま様", "くん様", "ちゃん様", "殿様", "先生様",
                                                      "님님", "씨님")), text
