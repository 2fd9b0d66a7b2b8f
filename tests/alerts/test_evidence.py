"""Evidence from stored mentions: the over-represented words of a spike in English, Japanese and Korean, the
examples (complaints first, one per author), top topics and networks, the queue link and the chart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session

from alerts.chart import SeriesPoint, message_points, sparkline, spike_chart
from alerts.evidence import Evidence, EvidenceScope, build_evidence, queue_path
from alerts.message import AlertMessage
from alerts.phrases import RankedTerm, phrases, rank_terms
from alerts.terms import analysers, terms
from models import Mention

START = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
END = START + timedelta(hours=1)

EVERYDAY = {
    "en": ["Love the new app update, very smooth", "How do I change my password?", "Great customer service today",
           "The sofa looks nice in our living room", "Is the store open on Sunday?", "Price went up again"],
    "ja": ["新しいアプリが使いやすいです", "パスワードの変更方法を教えてください", "店員さんの対応が丁寧でした",
           "ソファがリビングに合っています", "日曜日は営業していますか", "値段がまた上がりました"],
    "ko": ["새 앱 업데이트가 편해요", "비밀번호는 어떻게 바꾸나요", "직원분들이 친절했어요",
           "소파가 거실에 잘 어울려요", "일요일에도 영업하나요", "가격이 또 올랐네요"],
}
BURST = {
    "en": ["My delivery is late again, still waiting", "Late delivery and no tracking update!",
           "Third day of late delivery, where is my parcel", "late delivery, customer service ignores me",
           "Delivery late by a week. Still waiting.", "Is everyone's delivery late?"],
    "ja": ["配送が遅延しています", "また配送遅延です。いつ届きますか", "配送の遅延がひどい",
           "配送遅延で予定が台無し", "配送が三日も遅延している", "配送遅延の連絡もない"],
    "ko": ["배송이 지연되고 있어요", "배송 지연이 너무 심해요", "또 배송 지연이네요 언제 오나요",
           "배송 지연 때문에 화가 나요", "배송이 삼일째 지연 중", "배송 지연 안내도 없어요"],
}


def _seed(make_mention: Callable[..., Mention], language: str) -> None:
    for day in range(1, 7):
        for n, text in enumerate(EVERYDAY[language]):
            make_mention(text=text, language=language, sentiment="neutral", author=f"{language}-regular{n}",
                         created_at=START - timedelta(days=day, minutes=n * 7))
    for n, text in enumerate(BURST[language]):
        make_mention(text=text, language=language, sentiment="negative", complaint=0.9, topics=["delivery"],
                     author=f"{language}-burst{n}", created_at=START + timedelta(minutes=5 + n * 7))


def test_the_analysers_are_installed_here() -> None:
    # The fallback (character bigrams) works without them, but the project installs both.
    assert analysers() == {"en": "regex words", "ja": "fugashi + unidic-lite", "ko": "kiwipiepy"}


def test_japanese_and_korean_are_split_into_words_not_particles() -> None:
    assert {"配送", "遅延", "配送遅延"} <= terms("配送が遅延しています。")
    assert not any("が" in term for term in terms("配送が遅延しています。"))
    assert {"배송", "지연", "배송 지연"} <= terms("배송이 지연되고 있어요")
    assert not any("배송이" in term for term in terms("배송이 지연되고 있어요"))


def test_handles_urls_and_stopwords_are_not_terms() -> None:
    found = terms("@LumoHome my order is LATE https://t.co/abc www.example.com me@example.com #delivery")
    assert found == {"order", "late", "delivery"}  # "order late": "is" stands between them


@pytest.mark.parametrize(("language", "expected"), [("en", {"delivery", "late"}), ("ja", {"配送", "遅延"}),
                                                    ("ko", {"배송", "지연"})])
def test_a_burst_of_delivery_complaints_yields_its_words(db_session: Session, make_mention: Callable[..., Mention],
                                                         language: str, expected: set[str]) -> None:
    _seed(make_mention, language)
    evidence = build_evidence(db_session, EvidenceScope(language=language), START, END)
    top = [term for term, *_ in evidence.terms[:4]]
    assert expected <= set(top), evidence.terms
    shown = {word for phrase in evidence.phrases[:3] for word in expected if word in phrase}
    assert shown == expected, evidence.phrases
    assert evidence.window_mentions == 6 and evidence.baseline_mentions == 36
    assert evidence.top_topics == (("delivery", 6),)


def test_a_word_frequent_every_day_is_not_news() -> None:
    baseline = [{"order", "app"}] * 200 + [{"order"}] * 100
    window = [{"order", "refund"}] * 10 + [{"order"}] * 10
    ranked = rank_terms(window, baseline)
    assert [term.text for term in ranked] == ["refund"]  # "order" is in every mention, before and during
    once = rank_terms([{"zebra"}] + [{"refund"}] * 3, baseline)
    assert "zebra" not in [term.text for term in once]  # one mention is no theme


def test_without_a_baseline_the_most_shared_terms_lead() -> None:
    ranked = rank_terms([{"late", "parcel"}, {"late"}, {"late", "parcel"}], [])
    assert [(term.text, term.window, term.z) for term in ranked] == [("late", 3, 0.0), ("parcel", 2, 0.0)]


def test_with_too_little_history_of_its_own_the_window_is_compared_with_the_rest_of_the_stream(
        db_session: Session, make_mention: Callable[..., Mention]) -> None:
    """A complaint series with no week before it (a new workspace, or the SLA alert's month of complaints): the
    brand and the app are in every mention, so only the other mentions of the same days tell the complaints'
    own words from them."""
    for n in range(30):
        make_mention(text=f"Lumo app update looks great, day {n}", sentiment="positive", complaint=0.02,
                     author=f"fan{n}", created_at=START + timedelta(minutes=n))
    for n in range(8):
        make_mention(text="Lumo app says my refund is still pending", sentiment="negative", complaint=0.95,
                     author=f"buyer{n}", created_at=START + timedelta(minutes=n))
    evidence = build_evidence(db_session, EvidenceScope(complaint=True), START, END)
    assert evidence.contrast == "rest" and evidence.baseline_mentions == 30 and evidence.window_mentions == 8
    assert "refund" in " ".join(evidence.phrases) and not {"lumo", "app"} & set(evidence.phrases), evidence.terms
    assert not evidence.ranked_by_share and "every other mention" in evidence.compared_with
    assert Evidence.from_json(evidence.to_json()) == evidence


def test_a_sampled_window_is_left_out_of_the_rest_of_the_stream_whole(
        db_session: Session, make_mention: Callable[..., Mention], monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a sample of a large window is read; the mentions of the series that the sample skipped are still the
    series', not part of what it is compared with."""
    import alerts.evidence

    monkeypatch.setattr(alerts.evidence, "MAX_WINDOW_MENTIONS", 4)
    for n in range(25):
        make_mention(text=f"Lumo looks great, day {n}", sentiment="positive", complaint=0.02, author=f"fan{n}",
                     created_at=START + timedelta(minutes=n))
    for n in range(12):
        make_mention(text="Lumo refund still pending", sentiment="negative", complaint=0.95, author=f"buyer{n}",
                     created_at=START + timedelta(minutes=n))
    evidence = build_evidence(db_session, EvidenceScope(complaint=True), START, END)
    assert evidence.contrast == "rest" and evidence.window_mentions <= 4
    assert evidence.baseline_mentions == 25  # the fans only: none of the twelve complaints
    assert all(baseline == 0 for term, _, baseline, _ in evidence.terms if "refund" in term), evidence.terms


def test_with_nothing_to_compare_with_the_terms_are_the_most_shared(db_session: Session,
                                                                   make_mention: Callable[..., Mention]) -> None:
    for n in range(3):
        make_mention(text="late parcel again", sentiment="negative", author=f"b{n}", created_at=START)
    evidence = build_evidence(db_session, EvidenceScope(sentiment="negative"), START, END)
    assert evidence.contrast == "before" and evidence.baseline_mentions == 0 and evidence.ranked_by_share
    assert evidence.phrases == ("late parcel",)  # the bigram carries both its words


def test_a_bigram_that_carries_its_words_replaces_them() -> None:
    ranked = [RankedTerm("late", 9, 0, 5.0), RankedTerm("late delivery", 8, 0, 4.0), RankedTerm("refund", 4, 0, 3.0),
              RankedTerm("delivery", 12, 1, 2.5)]
    assert phrases(ranked) == ["late delivery", "refund", "delivery"]  # "delivery" also stands on its own


def test_examples_are_complaints_first_one_per_author_and_hostile_text_is_kept_as_text(
        db_session: Session, make_mention: Callable[..., Mention]) -> None:
    at = START + timedelta(minutes=10)
    make_mention(text="just a neutral note", sentiment="neutral", author="n", created_at=at)
    make_mention(text="<script>alert(1)</script> worst delivery", sentiment="negative", confidence=0.99,
                 complaint=0.95, author="h", created_at=at)
    make_mention(text="same author again", sentiment="negative", complaint=0.9, author="h", created_at=at)
    make_mention(text="a bit annoyed", sentiment="negative", confidence=0.6, author="m", created_at=at)
    make_mention(text="out of the window", sentiment="negative", complaint=0.99, author="o", created_at=END)
    evidence = build_evidence(db_session, EvidenceScope(), START, END)
    assert [e.author for e in evidence.examples] == ["h", "m", "n"]
    assert evidence.examples[0].text == "<script>alert(1)</script> worst delivery"  # escaped where rendered


def test_the_scope_narrows_every_part(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    at = START + timedelta(minutes=10)
    make_mention(text="late parcel", sentiment="negative", complaint=0.9, topics=["delivery"], network="x",
                 author="a", created_at=at)
    make_mention(text="late refund", sentiment="negative", complaint=0.9, topics=["refund_policy"], network="reddit",
                 author="b", created_at=at)
    make_mention(text="love it", sentiment="positive", topics=["delivery"], network="x", author="c", created_at=at)
    scope = EvidenceScope(sentiment="negative", complaint=True, topic="refund_policy")
    evidence = build_evidence(db_session, scope, START, END)
    assert [e.author for e in evidence.examples] == ["b"]
    assert evidence.top_networks == (("reddit", 1),) and evidence.top_topics == (("refund_policy", 1),)
    assert build_evidence(db_session, EvidenceScope(topic="refund%"), START, END).window_mentions == 0


def test_the_queue_link_covers_the_days_of_the_window() -> None:
    scope = EvidenceScope(sentiment="negative", complaint=True, topic="delivery", network="x")
    assert queue_path(scope, START, END) == ("/queue?since=2026-11-20&until=2026-11-20&sentiment=negative"
                                             "&topic=delivery&network=x&complaint=yes")
    midnight = datetime(2026, 11, 21, tzinfo=timezone.utc)
    assert "until=2026-11-20" in queue_path(EvidenceScope(), midnight - timedelta(hours=1), midnight)


def test_evidence_fills_the_message_and_survives_json(db_session: Session,
                                                      make_mention: Callable[..., Mention]) -> None:
    _seed(make_mention, "en")
    points = [SeriesPoint(START + timedelta(minutes=5 * i) - timedelta(hours=1), 8.0 if i >= 12 else 1.0, 1.2)
              for i in range(24)]
    evidence = build_evidence(db_session, EvidenceScope(), START, END, points=points,
                              base_url="https://earful.example/")
    assert evidence.link == "https://earful.example" + evidence.queue_path
    assert Evidence.from_json(evidence.to_json()) == evidence
    message = AlertMessage(title="t", series="s", observed=6, expected=1, window_start=START, window_end=END,
                           **evidence.message_fields())
    assert AlertMessage.from_json(message.to_json()) == message
    assert message_points(message.chart) == points and len(message.examples) == 3
    assert build_evidence(db_session, EvidenceScope(), START, END, base_url="").link is None


def test_the_chart_is_accessible_and_marks_the_window() -> None:
    points = [SeriesPoint(START + timedelta(minutes=5 * i) - timedelta(hours=1), 9.0 if i >= 12 else 1.0, 1.0)
              for i in range(24)]
    svg = str(spike_chart(points, START, END, title="Negative <mentions>", chart_id="a7"))
    assert 'role="img"' in svg and 'aria-labelledby="a7-title a7-desc"' in svg
    assert "Negative &lt;mentions&gt;" in svg and "peak 9 at 12:00" in svg and "spike window" in svg
    assert sparkline(points) == "▁" * 12 + "█" * 12
    assert str(spike_chart([], START, END, title="x")) == ""


def test_a_large_baseline_is_sampled_evenly(db_session: Session, make_mention: Callable[..., Mention],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import alerts.evidence

    monkeypatch.setattr(alerts.evidence, "MAX_BASELINE_MENTIONS", 10)
    for n in range(35):
        make_mention(text=f"ordinary day {n}", author=f"a{n}", created_at=START - timedelta(hours=1 + n * 4))
    evidence = build_evidence(db_session, EvidenceScope(), START, END)
    assert 8 <= evidence.baseline_mentions <= 10  # every 4th of 35, spread over the week


def test_a_listening_query_narrows_the_evidence(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    at = START + timedelta(minutes=10)
    make_mention(text="refund still not paid", author="r1", created_at=at)
    make_mention(text="refund denied again", author="r2", created_at=at)
    make_mention(text="giveaway refund winners", author="g", created_at=at)
    make_mention(text="parcel late", author="p", created_at=at)
    evidence = build_evidence(db_session, EvidenceScope(query="refund -giveaway"), START, END)
    assert evidence.window_mentions == 2 and {e.author for e in evidence.examples} == {"r1", "r2"}
