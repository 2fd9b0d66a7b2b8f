"""Staff corrections: recording, the mention showing the staff label, scoring never overwriting it, evaluation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from inbox.corrections import InvalidCorrection, Relabel, correct_mention, parse_relabel
from models import AuditEvent, Correction, Mention, Reply, SavedReply, User
from models.correction import latest_correction
from models.topic_store import active_topic_names
from responder.drafting.pending import draft_pending
from sentiment import Score
from sentiment.correction_eval import corrected_examples, corrected_sample, evaluate, format_report, rescored
from sentiment.tasks import score_round

SCORED = datetime(2026, 11, 5, 15, 0, tzinfo=timezone.utc)
TOPICS = active_topic_names()


def scored(make_mention: Callable[..., Mention], sentiment: str = "positive", complaint: float = 0.1,
           topics: Sequence[str] = (), language: str = "en", **fields: object) -> Mention:
    return make_mention(**{"status": "no_reply", **fields}, sentiment=sentiment, confidence=0.8, complaint=complaint,
                        topics=list(topics), language=language, model_name="earful-e5-small", model_version="v1",
                        scored_at=SCORED, reason=f"{sentiment}: overall tone")


def relabel(session: Session, mention: Mention, user: User, sentiment: str, complaint: bool,
            topics: Sequence[str] = ()) -> Correction | None:
    return correct_mention(session, mention, Relabel(sentiment, complaint, tuple(topics)), actor=user,
                           brand="Lumo Home")


def test_the_topic_choices_are_the_taxonomy() -> None:
    assert TOPICS[:3] == ["delivery", "refund", "quality"] and "other" in TOPICS


def test_parse_relabel_keeps_taxonomy_order_and_rejects_unknown_labels() -> None:
    assert parse_relabel("negative", "yes", ["refund", "delivery", "refund"], TOPICS) == \
        Relabel("negative", True, ("delivery", "refund"))
    assert parse_relabel("neutral", "no", [], TOPICS) == Relabel("neutral", False, ())
    with pytest.raises(InvalidCorrection, match="Sentiment must be one of"):
        parse_relabel("angry", "yes", [], TOPICS)
    with pytest.raises(InvalidCorrection, match="complaint"):
        parse_relabel("negative", "maybe", [], TOPICS)
    with pytest.raises(InvalidCorrection, match="Unknown topic: teleport"):
        parse_relabel("negative", "yes", ["teleport"], TOPICS)


def test_a_correction_keeps_the_model_judgement_and_the_mention_shows_the_staff_label(
        db_session: Session, make_mention: Callable[..., Mention], make_user: Callable[..., User]) -> None:
    agent = make_user(role="agent")
    mention = scored(make_mention, status="needs_reply")
    correction = relabel(db_session, mention, agent, "negative", True, ["delivery"])
    assert correction is not None
    stored = db_session.exec(select(Correction).where(Correction.mention_id == mention.id)).one()
    assert (stored.sentiment, stored.complaint, stored.topics, stored.user_id) == ("negative", True, ["delivery"],
                                                                                   agent.id)
    assert (stored.model_sentiment, stored.model_confidence, stored.model_complaint, stored.model_topics,
            stored.language, stored.model_name, stored.model_version) == ("positive", 0.8, 0.1, [], "en",
                                                                          "earful-e5-small", "v1")
    assert (mention.sentiment, mention.confidence, mention.complaint, mention.topics) == ("negative", 1.0, 1.0,
                                                                                          ["delivery"])
    event = db_session.exec(select(AuditEvent).where(AuditEvent.mention_id == mention.id)).one()
    assert event.action == "mention.relabelled" and event.actor == agent.email
    assert event.details["sentiment"] == "negative" and event.details["model_sentiment"] == "positive"


def test_history_is_append_only_and_the_latest_counts(db_session: Session, make_mention: Callable[..., Mention],
                                                      make_user: Callable[..., User]) -> None:
    agent = make_user(role="agent")
    mention = scored(make_mention, status="needs_reply")
    first = relabel(db_session, mention, agent, "negative", True, ["delivery"])
    assert relabel(db_session, mention, agent, "negative", True, ["delivery"]) is None  # nothing new
    second = relabel(db_session, mention, agent, "neutral", False)
    assert first is not None and second is not None
    rows = db_session.exec(select(Correction).where(Correction.mention_id == mention.id)).all()
    assert [r.sentiment for r in rows] == ["negative", "neutral"]
    assert latest_correction(db_session, mention.id or 0) == second
    # The mention's columns now hold a staff label, so the model's values come from the first correction.
    assert second.model_sentiment == "positive" and second.model_complaint == 0.1
    assert (mention.sentiment, mention.complaint, mention.topics) == ("neutral", 0.0, [])


def test_a_missed_complaint_gets_a_draft(db_session: Session, make_mention: Callable[..., Mention],
                                         make_user: Callable[..., User],
                                         make_saved_reply: Callable[..., SavedReply]) -> None:
    make_saved_reply()
    mention = scored(make_mention)
    assert mention.status == "no_reply"
    relabel(db_session, mention, make_user(role="agent"), "negative", True, ["delivery"])
    assert mention.status == "needs_reply"
    assert db_session.exec(select(Reply).where(Reply.mention_id == mention.id)).one().status == "draft"


def fixed_scorer(label: str, complaint: float, topics: Sequence[str]) -> Callable[[Sequence[str]], list[Score]]:
    def scorer(texts: Sequence[str]) -> list[Score]:
        return [Score(label, 0.9, "en", complaint, list(topics), f"{label}: test", "earful-e5-small", "v2")
                for _ in texts]

    return scorer


def test_scoring_never_overwrites_a_staff_label(db_session: Session, session_factory: sessionmaker[Session],
                                                make_mention: Callable[..., Mention],
                                                make_user: Callable[..., User]) -> None:
    mention = make_mention(status="new")  # corrected before the model got to it
    plain = make_mention(status="new")
    relabel(db_session, mention, make_user(role="agent"), "negative", True, ["refund"])
    db_session.commit()
    assert score_round(session_factory, fixed_scorer("positive", 0.05, []), limit=10) == 2
    assert draft_pending(session_factory, brand="Lumo Home") == 2
    db_session.expire_all()
    stored, other = db_session.get(Mention, mention.id), db_session.get(Mention, plain.id)
    assert stored is not None and other is not None
    assert (stored.sentiment, stored.complaint, stored.topics) == ("negative", 1.0, ["refund"])
    assert stored.status == "needs_reply" and stored.model_version == "v2" and stored.language == "en"
    assert (other.sentiment, other.complaint) == ("positive", 0.05)
    # The correction now also holds the model's first judgement, which is what the evaluation measures.
    correction = latest_correction(db_session, mention.id or 0)
    assert correction is not None and (correction.model_sentiment, correction.model_complaint) == ("positive", 0.05)


def test_evaluation_per_language_on_the_latest_corrections(db_session: Session,
                                                           make_mention: Callable[..., Mention],
                                                           make_user: Callable[..., User]) -> None:
    agent = make_user(role="agent")
    # English: the model said positive/no complaint; staff agree on one, disagree on the other.
    right = scored(make_mention, "positive", 0.1)
    relabel(db_session, right, agent, "positive", False)
    wrong = scored(make_mention, "positive", 0.2)
    relabel(db_session, wrong, agent, "negative", True, ["delivery"])
    # Korean: the model got sentiment and complaint right, and half the topics.
    ko = scored(make_mention, "negative", 0.9, ["delivery", "refund"], language="ko", text="배송이 너무 늦어요")
    relabel(db_session, ko, agent, "negative", True, ["delivery"])
    # An early correction superseded by a later one counts once, with the later label.
    relabel(db_session, ko, agent, "neutral", True, ["delivery"])
    relabel(db_session, ko, agent, "negative", True, ["delivery"])
    # Corrected before the model scored it: reported, but not measured.
    relabel(db_session, make_mention(status="new"), agent, "neutral", False)

    sample = corrected_sample(db_session)
    assert len(sample) == 4
    report = evaluate(sample)
    assert (report.corrected, report.unjudged, report.models) == (4, 1, ["earful-e5-small v1"])
    by_language = {row.language: row for row in report.rows}
    assert [row.language for row in report.rows] == ["en", "ko", "all"]
    en, ko_row, total = by_language["en"], by_language["ko"], by_language["all"]
    assert (en.n, en.sentiment_accuracy, en.sentiment_macro_recall) == (2, 0.5, 0.5)
    assert (en.complaint_accuracy, en.topic_agreement, en.topic_n) == (0.5, 0.0, 1)
    assert en.complaint_macro_f1 == pytest.approx((2 / 3 + 0.0) / 2)
    assert (ko_row.n, ko_row.sentiment_accuracy, ko_row.complaint_accuracy, ko_row.topic_agreement) == \
        (1, 1.0, 1.0, 0.5)
    assert total.n == 3 and total.sentiment_accuracy == pytest.approx(2 / 3)
    assert total.sentiment_macro_recall == pytest.approx((1.0 + 0.5) / 2)  # positive 1/1, negative 1/2
    text = format_report(report)
    assert "corrected mentions: 4" in text and "never scored, left out: 1" in text
    assert text.splitlines()[-1].startswith("all") and "ko" in text


def test_rescore_measures_the_current_model_on_the_same_texts(db_session: Session,
                                                              make_mention: Callable[..., Mention],
                                                              make_user: Callable[..., User]) -> None:
    agent = make_user(role="agent")
    relabel(db_session, scored(make_mention, "positive", 0.1), agent, "negative", True, ["delivery"])
    relabel(db_session, make_mention(status="new", language_hint=None), agent, "negative", True, ["delivery"])
    seen: list[str] = []

    def scorer(texts: Sequence[str]) -> list[Score]:
        seen.extend(texts)
        return fixed_scorer("negative", 0.95, ["delivery"])(texts)

    report = evaluate(rescored(corrected_sample(db_session), scorer), "rescore")
    assert seen == ["My order is two weeks late and nobody answers."] * 2
    assert report.unjudged == 0 and report.models == ["earful-e5-small v2"]
    total = report.rows[-1]
    assert (total.language, total.n, total.sentiment_accuracy, total.complaint_accuracy, total.topic_agreement) == \
        ("all", 2, 1.0, 1.0, 1.0)
    assert [row.language for row in report.rows] == ["en", "all"]  # the unscored one takes the model's language


def test_no_corrections_reports_so() -> None:
    report = evaluate([])
    assert report.rows == [] and "no corrected mention with a model judgement yet" in format_report(report)


def test_corrections_become_training_rows(db_session: Session, make_mention: Callable[..., Mention],
                                          make_user: Callable[..., User]) -> None:
    agent = make_user(role="agent")
    relabel(db_session, scored(make_mention, title="Broke after a week"), agent, "negative", True, ["quality"])
    relabel(db_session, make_mention(status="new", text="素晴らしい"), agent, "positive", False)
    rows = corrected_examples(corrected_sample(db_session))
    assert [(r.text, r.dataset, r.sentiment, r.binary, r.complaint) for r in rows] == [
        ("Broke after a week.\nMy order is two weeks late and nobody answers.", "corrections", 0, False, 1),
        ("素晴らしい", "corrections", 2, False, 0),
    ]
