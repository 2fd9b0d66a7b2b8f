"""Escalations go to a person and a lead (never a saved reply); incident mode's one reply for the complaints it
covers; the FAQ's validation and matching."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from sqlmodel import Session, col, select

from models import AuditEvent, Mention, SavedReply, User
from models.alert_rule import Alert, AlertRule
from models.drafting_aids import FaqEntry
from models.errors import Invalid
from responder.drafting import faq, incident
from responder.drafting.escalation import choose_lead
from responder.drafting.variables import Workspace
from responder.replies import service
from settings import get_settings

WORKSPACE = Workspace(brand="Lumo Home")


def _drafted(db_session: Session, mention: Mention) -> str:
    reply = service.draft_reply(db_session, mention, brand=WORKSPACE)
    assert reply is not None
    return reply.text


def _events(db_session: Session, action: str) -> list[AuditEvent]:
    return list(db_session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))))


def test_an_escalation_gets_no_saved_reply_and_goes_to_the_least_busy_approver(
        db_session: Session, make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply],
        make_user: Callable[..., User]) -> None:
    make_saved_reply(language="ko", intent="complaint", body="주문번호를 알려주세요.")
    busy = make_user(role="approver", email="busy@lumo.example")
    free = make_user(role="approver", email="free@lumo.example")
    make_user(role="admin", email="boss@lumo.example")
    make_mention(status="needs_reply", assignee_id=busy.id)
    text = "@lumohome_kr 한국소비자원에 신고하겠습니다. 벌써 네 번째 문의입니다."
    mention = make_mention(text=text, language="ko", sentiment="negative", complaint=0.9, status="needs_reply")
    reply = service.draft_reply(db_session, mention, brand=WORKSPACE)
    assert reply is not None and reply.text == "" and reply.saved_reply_id is None
    assert reply.draft_reason is not None and "escalation (한국소비자원" in reply.draft_reason
    assert mention.assignee_id == free.id
    (event,) = _events(db_session, "mention.escalated")
    assert event.actor_id is None and event.details["assignee"] == "free@lumo.example"
    assert "한국소비자원" in event.details["cues"] and event.mention_id == mention.id


def test_an_escalation_stays_with_the_approver_who_has_it_and_falls_back_to_an_admin(
        db_session: Session, make_mention: Callable[..., Mention], make_user: Callable[..., User]) -> None:
    admin = make_user(role="admin", email="lead@lumo.example")
    assert choose_lead(db_session) == admin  # no approver: an admin leads
    approver = make_user(role="approver", email="owner@lumo.example")
    mention = make_mention(text="消費生活センターに相談します", language="ja", sentiment="negative", complaint=0.9,
                           assignee_id=approver.id)
    service.draft_reply(db_session, mention, brand=WORKSPACE)
    assert mention.assignee_id == approver.id


def test_incident_mode_answers_the_complaints_it_covers_with_its_one_reply(
        db_session: Session, make_mention: Callable[..., Mention], make_saved_reply: Callable[..., SavedReply],
        make_user: Callable[..., User]) -> None:
    make_saved_reply(intent="complaint", body="Sorry {author}, DM us your order number.")
    make_saved_reply(language="ja", intent="complaint", body="注文番号をお知らせください。")
    admin = make_user(role="admin")
    spec = incident.validate(topic="delivery", notice_url="https://lumo.example/notice/tracking",
                             replies={"en": "Tracking is down for everyone; updates here: {notice_url}",
                                      "ja": "配送状況の表示に障害が発生しております。詳細はこちらをご覧ください。",
                                      "ko": ""},
                             topics=["delivery", "billing"])
    current = incident.declare(db_session, spec, actor=admin)
    late_en = make_mention(text="@lumohome where is my parcel", language="en", sentiment="negative",
                           complaint=0.9, topics=["delivery"])
    late_ja = make_mention(text="@lumohome_jp 荷物が届かない", language="ja", sentiment="negative", complaint=0.9,
                           topics=["delivery"])
    late_ko = make_mention(text="@lumohome_kr 배송 언제 와요", language="ko", sentiment="negative", complaint=0.9,
                           topics=["delivery"])
    billing = make_mention(text="@lumohome charged twice", language="en", sentiment="negative", complaint=0.9,
                           topics=["billing"])
    drafts = {m.language if m is not billing else "billing": service.draft_reply(db_session, m, brand=WORKSPACE)
              for m in (late_en, late_ja, late_ko, billing)}
    assert {key: reply.text if reply else None for key, reply in drafts.items()} == {
        "en": "Tracking is down for everyone; updates here: https://lumo.example/notice/tracking",
        "ja": "配送状況の表示に障害が発生しております。詳細はこちらをご覧ください。 "
              "https://lumo.example/notice/tracking",
        "ko": "Tracking is down for everyone; updates here: https://lumo.example/notice/tracking",  # no ko reply
        "billing": "Sorry @customer{}, DM us your order number.".format(billing.author.removeprefix("customer")),
    }
    reason = drafts["en"].draft_reason if drafts["en"] else ""
    assert f"incident {current.id} declared" in (reason or "")
    with pytest.raises(Invalid, match="still active"):
        incident.declare(db_session, spec, actor=admin)
    assert incident.end(db_session, current, actor=admin) and not incident.end(db_session, current, actor=admin)
    after = make_mention(text="@lumohome where is my parcel", language="en", sentiment="negative", complaint=0.9,
                         topics=["delivery"])
    assert _drafted(db_session, after).startswith("Sorry")
    assert [event.details["incident_id"] for event in _events(db_session, "incident.declared")] == [current.id]
    assert [event.actor_id for event in _events(db_session, "incident.ended")] == [admin.id]


def test_an_incident_without_a_topic_covers_every_complaint_but_not_questions(
        db_session: Session, make_mention: Callable[..., Mention], make_user: Callable[..., User]) -> None:
    spec = incident.validate(topic="", notice_url="https://lumo.example/n", replies={"en": "We know. {notice_url}"})
    incident.declare(db_session, spec, actor=make_user(role="admin"))
    complaint = make_mention(text="@lumohome app broken", language="en", sentiment="negative", complaint=0.9)
    question = make_mention(text="@lumohome do you ship to Canada?", language="en", sentiment="neutral")
    assert _drafted(db_session, complaint) == "We know. https://lumo.example/n"
    assert _drafted(db_session, question) == ""


def test_an_incident_may_name_its_alert_and_the_form_is_checked(
        db_session: Session, make_user: Callable[..., User]) -> None:
    with pytest.raises(Invalid) as caught:
        incident.validate(topic="weather", notice_url="javascript:alert(1)", replies={"en": "Hi {nope}"},
                          alert_id="１２")
    assert set(caught.value.errors) == {"topic", "notice_url", "reply_en", "alert_id"}
    with pytest.raises(Invalid) as empty:
        incident.validate(topic="", notice_url="https://lumo.example/n", replies={"en": "  "})
    assert set(empty.value.errors) == {"replies"}
    admin = make_user(role="admin")
    spec = incident.validate(topic="", notice_url="https://lumo.example/n", replies={"en": "x"}, alert_id="999")
    with pytest.raises(Invalid, match="no alert 999"):
        incident.declare(db_session, spec, actor=admin)
    rule = AlertRule(name="Complaints", metric="complaints")
    db_session.add(rule)
    db_session.flush()
    now = datetime(2026, 11, 5, 14, tzinfo=timezone.utc)
    assert rule.id is not None
    alert = Alert(rule_id=rule.id, series_key="all", title="Complaint spike", series_label="complaints",
                  window_start=now, window_end=now)
    db_session.add(alert)
    db_session.flush()
    spec = incident.validate(topic="", notice_url="https://lumo.example/n", replies={"en": "x"},
                             alert_id=str(alert.id))
    assert incident.declare(db_session, spec, actor=admin).alert_id == alert.id


def test_the_faq_matches_on_every_keyword_ignoring_width_and_case() -> None:
    ih = FaqEntry(id=1, language="ja", question="IH", keywords=["IH"], answer="IHでお使いいただけます。")
    ih_gas = FaqEntry(id=2, language="ja", question="IHとガス", keywords=["ih", "ガス"], answer="両方使えます。")
    volts = FaqEntry(id=3, language="ja", question="100V", keywords=["100V"], answer="100V対応です。")
    entries = [ih, ih_gas, volts]
    assert faq.best_entry(entries, "ＩＨでも使えますか？") is ih
    assert faq.best_entry(entries, "IHとガス火の両方で使えますか") is ih_gas  # the most keywords wins
    assert faq.best_entry(entries, "１００Ｖですか") is volts
    assert faq.best_entry(entries, "色は何色ありますか") is None


def test_the_faq_form_is_checked_and_changes_are_audited(
        db_session: Session, make_user: Callable[..., User]) -> None:
    with pytest.raises(Invalid) as caught:
        faq.validate(language="de", question=" ", keywords=" , ", answer="see {support_url}")
    assert set(caught.value.errors) == {"language", "question", "keywords", "answer"}
    admin = make_user(role="admin")
    spec = faq.validate(language="ko", question="제주 배송비", keywords="제주, 배송비\n제주",
                        answer="제주는 3,000원 추가됩니다.")
    assert spec.keywords == ["제주", "배송비"]
    entry = faq.create_entry(db_session, spec, actor=admin)
    assert not faq.update_entry(db_session, entry, spec, actor=admin)
    assert faq.set_active(db_session, entry, False, actor=admin)
    assert faq.faq_entries(db_session) == [] and faq.faq_entries(db_session, include_inactive=True) == [entry]
    assert [event.action for event in db_session.exec(select(AuditEvent).where(
        col(AuditEvent.action).startswith("faq.")).order_by(col(AuditEvent.id)))] == ["faq.created", "faq.deactivated"]


def test_escalation_lead_email_takes_every_escalation_when_it_names_an_active_approver_or_admin(
        db_session: Session, make_mention: Callable[..., Mention], make_user: Callable[..., User],
        monkeypatch: pytest.MonkeyPatch) -> None:
    free = make_user(role="approver", email="free@lumo.example")
    boss = make_user(role="admin", email="boss@lumo.example")
    make_user(role="agent", email="agent@lumo.example")
    make_user(role="approver", email="gone@lumo.example").active = False

    def escalate(lead_email: str) -> int | None:
        monkeypatch.setenv("ESCALATION_LEAD_EMAIL", lead_email)
        get_settings.cache_clear()
        try:
            mention = make_mention(text="@lumohome_kr 한국소비자원에 신고하겠습니다.", language="ko",
                                   sentiment="negative", complaint=0.9, status="needs_reply", assignee_id=free.id)
            service.draft_reply(db_session, mention, brand=WORKSPACE)
            return mention.assignee_id
        finally:
            monkeypatch.delenv("ESCALATION_LEAD_EMAIL")
            get_settings.cache_clear()

    assert escalate(" Boss@Lumo.example ") == boss.id  # even over the approver who had it
    assert escalate("agent@lumo.example") == free.id  # not an approver: the usual rule
    assert escalate("gone@lumo.example") == free.id  # inactive: the usual rule
    assert escalate("") == free.id
    assert _events(db_session, "mention.escalated")[0].details["assignee"] == "boss@lumo.example"


def test_two_admins_declaring_at_once_leave_one_active_incident(
        db_session: Session, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch) -> None:
    spec = incident.validate(topic="", notice_url="https://lumo.example/n", replies={"en": "We know. {notice_url}"})
    first = incident.declare(db_session, spec, actor=make_user(role="admin"))
    # The second admin checked before the first one's row existed: only the database can refuse now.
    monkeypatch.setattr(incident, "active_incident", lambda _session: None)
    with pytest.raises(Invalid, match="declared a moment ago"):
        incident.declare(db_session, spec, actor=make_user(role="admin"))
    monkeypatch.undo()
    assert incident.active_incident(db_session) == first  # the session is still usable, the first one stands
    assert [event.details["incident_id"] for event in _events(db_session, "incident.declared")] == [first.id]
