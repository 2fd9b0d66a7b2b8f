"""The FAQ and Incident admin pages: list, add, edit, deactivate; declare and end an incident; errors keep the
admin's input; hostile text is escaped; the saved-reply form takes intent and channel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from models import AuditEvent, Mention, SavedReply, User
from models.alert_rule import Alert, AlertRule
from models.drafting_aids import FaqEntry, Incident
from responder.drafting.variables import Workspace
from responder.replies import service
from tests.web.web_helpers import post_form

FAQ_FORM = {"language": "ja", "question": "100V対応？", "keywords": "100V",
            "answer": "日本国内の100Vでお使いいただけます。"}


def test_admin_keeps_the_faq(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User]) -> None:
    admin = logged_in("admin")
    assert 'href="/faq"' in client.get("/queue").get_data(as_text=True)
    response = post_form(client, "/faq/new", FAQ_FORM, token_from="/faq/new")
    assert response.status_code == 302 and response.headers["Location"].endswith("/faq")
    entry = db_session.exec(select(FaqEntry)).one()
    assert (entry.keywords, entry.active) == (["100V"], True)
    page = client.get("/faq").get_data(as_text=True)
    assert "日本国内の100Vでお使いいただけます。" in page and f'href="/faq/{entry.id}/edit"' in page

    edited = {**FAQ_FORM, "keywords": "100V\n電圧"}
    assert post_form(client, f"/faq/{entry.id}/edit", edited, token_from="/faq").status_code == 302
    assert post_form(client, f"/faq/{entry.id}/active", {"active": "0"}, token_from="/faq").status_code == 302
    db_session.expire_all()
    assert db_session.get_one(FaqEntry, entry.id).keywords == ["100V", "電圧"]
    assert not db_session.get_one(FaqEntry, entry.id).active
    assert "No FAQ entries yet" in client.get("/faq").get_data(as_text=True)
    actions = [event.action for event in db_session.exec(select(AuditEvent).where(
        col(AuditEvent.action).startswith("faq.")).order_by(col(AuditEvent.id)))]
    assert actions == ["faq.created", "faq.updated", "faq.deactivated"]
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "faq.created")).one().actor_id == admin.id


def test_a_refused_faq_form_keeps_the_input_and_escapes_it(client: FlaskClient,
                                                           logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    form = {**FAQ_FORM, "question": "<script>alert(1)</script>", "answer": "see {support_url}"}
    response = post_form(client, "/faq/new", form, token_from="/faq/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "it cannot contain { or }" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_admin_declares_and_ends_an_incident(client: FlaskClient, db_session: Session,
                                             logged_in: Callable[[str], User]) -> None:
    admin = logged_in("admin")
    form = {"topic": "delivery", "notice_url": "https://lumo.example/notice", "alert_id": "",
            "reply_en": "Tracking is down: {notice_url}", "reply_ja": "配送状況の表示に障害が発生しております。",
            "reply_ko": ""}
    response = post_form(client, "/incident", form, token_from="/incident")
    assert response.status_code == 302
    incident = db_session.exec(select(Incident)).one()
    assert incident.replies == {"en": "Tracking is down: {notice_url}",
                                "ja": "配送状況の表示に障害が発生しております。"}
    page = client.get("/incident").get_data(as_text=True)
    assert f"Active: incident {incident.id}" in page and "complaints on delivery" in page
    assert post_form(client, "/incident", form, token_from="/incident").status_code == 400  # one at a time

    assert post_form(client, f"/incident/{incident.id}/end", {}, token_from="/incident").status_code == 302
    assert post_form(client, f"/incident/{incident.id}/end", {}, token_from="/incident").status_code == 409
    db_session.expire_all()
    assert db_session.get_one(Incident, incident.id).ended_by_id == admin.id
    assert "Declare an incident" in client.get("/incident").get_data(as_text=True)


def test_a_refused_incident_form_says_why(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    form = {"topic": "", "notice_url": "not a url", "alert_id": "", "reply_en": "", "reply_ja": "", "reply_ko": ""}
    page = post_form(client, "/incident", form, token_from="/incident").get_data(as_text=True)
    assert "starting with https://" in page and "at least one language" in page


def test_the_saved_reply_form_takes_intent_and_channel(client: FlaskClient, db_session: Session,
                                                       logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    form = {"name": "Store question (ja)", "language": "ja", "topic": "", "sentiment": "", "network": "",
            "intent": "question", "channel": "store", "body": "ご質問ありがとうございます。{answer}", "variants": ""}
    page = client.get("/saved-replies/new").get_data(as_text=True)
    assert 'name="intent"' in page and 'name="channel"' in page and "<code>{answer}</code>" in page
    assert post_form(client, "/saved-replies/new", form, token_from="/saved-replies/new").status_code == 302
    saved = db_session.exec(select(SavedReply).where(SavedReply.name == "Store question (ja)")).one()
    assert (saved.intent, saved.channel) == ("question", "store")
    listed = client.get("/saved-replies?intent=question&channel=store").get_data(as_text=True)
    assert "Store question (ja)" in listed
    bad = post_form(client, "/saved-replies/new", {**form, "intent": "rant", "channel": "fax"},
                    token_from="/saved-replies/new")
    assert bad.status_code == 400 and "Choose store or social" in bad.get_data(as_text=True)


def test_an_incident_is_declared_from_an_open_alert(client: FlaskClient, db_session: Session,
                                                    logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    rule = AlertRule(name="Complaints", metric="complaints")
    db_session.add(rule)
    db_session.flush()
    assert rule.id is not None
    now = datetime(2026, 11, 5, 14, tzinfo=timezone.utc)
    alert = Alert(rule_id=rule.id, series_key="all", title="Delivery complaints spike", series_label="complaints",
                  window_start=now, window_end=now)
    db_session.add(alert)
    db_session.commit()
    link = f'href="/incident?alert={alert.id}"'
    assert link in client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert f'name="alert_id" value="{alert.id}"' in client.get(f"/incident?alert={alert.id}").get_data(as_text=True)
    form = {"topic": "delivery", "notice_url": "https://lumo.example/notice", "alert_id": str(alert.id),
            "reply_en": "We know: {notice_url}", "reply_ja": "", "reply_ko": ""}
    assert post_form(client, "/incident", form, token_from="/incident").status_code == 302
    assert db_session.exec(select(Incident)).one().alert_id == alert.id


def test_the_mention_page_marks_an_escalation_and_its_lead(client: FlaskClient, db_session: Session,
                                                           logged_in: Callable[[str], User],
                                                           make_mention: Callable[..., Mention]) -> None:
    logged_in("approver")
    mention = make_mention(text="@lumohome_jp 国民生活センターに相談しました", language="ja", sentiment="negative",
                           complaint=0.9)
    reply = service.draft_reply(db_session, mention, brand=Workspace(brand="Lumo Home"))
    db_session.commit()
    assert reply is not None and mention.assignee_id is not None
    page = client.get(f"/mentions/{mention.id}").get_data(as_text=True)
    assert 'id="escalation-note"' in page and "国民生活センター" in page
    queue = client.get("/queue").get_data(as_text=True)
    assert ">Escalation</span>" in queue.split(f'id="mention-{mention.id}"')[1].split("</li>")[0]
