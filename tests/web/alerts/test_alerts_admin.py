"""Rules and channels admin on the Alerts page: add, edit, switch on and off (audited), errors that keep the
input, secrets never shown again, and a channel the outbox disabled showing why."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from alerts.service import create_channel
from models import AuditEvent, User
from models.alert_delivery import AlertChannel
from models.alert_rule import AlertRule
from settings import Settings
from tests.web.web_helpers import post_form

RULE_FORM = {"name": "Refund complaints on X", "metric": "complaints", "per": "", "topic": "refund",
             "network": "x", "source_id": "", "language": "", "query": "", "bucket_seconds": "3600",
             "false_alarms_per_month": "0.5", "min_count": "8", "cooldown_minutes": "120", "sla_hours": "",
             "channels": "chosen"}
SECRET = "a-secret-only-the-receiver-knows"


def _actions(session: Session, prefix: str) -> list[str]:
    return [event.action for event in session.exec(select(AuditEvent).where(col(AuditEvent.action).startswith(prefix))
                                                   .order_by(col(AuditEvent.id)))]


def test_an_admin_adds_edits_and_switches_off_a_rule(client: FlaskClient, db_session: Session,
                                                     logged_in: Callable[[str], User], settings: Settings) -> None:
    admin = logged_in("admin")
    channel = create_channel(db_session, name="On-call Slack", kind="slack",
                             config={"url": "https://hooks.slack.example/services/T/B/x"}, settings=settings)
    listing = client.get("/alerts/rules").get_data(as_text=True)
    assert "Negative mentions spike" in listing and "Complaint unanswered past the SLA" in listing  # the defaults
    form = client.get("/alerts/rules/new").get_data(as_text=True)
    assert 'name="false_alarms_per_month" value="1"' in form and f'value="{channel.id}"' in form

    response = post_form(client, "/alerts/rules/new", {**RULE_FORM, "channel_ids": str(channel.id)},
                         token_from="/alerts/rules/new")
    assert response.status_code == 302
    rule = db_session.exec(select(AlertRule).where(col(AlertRule.name) == RULE_FORM["name"])).one()
    assert (rule.metric, rule.topic, rule.network, rule.bucket_seconds, rule.false_alarms_per_month, rule.min_count,
            rule.channel_ids) == ("complaints", "refund", "x", 3600, 0.5, 8, [channel.id])
    listing = client.get("/alerts/rules").get_data(as_text=True)
    assert "0.5 false alarms/month, at least 8, cooldown 120 min" in listing and "On-call Slack" in listing

    edit = client.get(f"/alerts/rules/{rule.id}/edit").get_data(as_text=True)
    assert 'value="refund" selected' in edit and 'value="chosen" checked' in edit
    post_form(client, f"/alerts/rules/{rule.id}/edit", {**RULE_FORM, "min_count": "12", "channels": "all"},
              token_from=f"/alerts/rules/{rule.id}/edit")
    post_form(client, f"/alerts/rules/{rule.id}/enabled", {"enabled": "0"}, token_from="/alerts/rules")
    db_session.expire_all()
    rule = db_session.get(AlertRule, rule.id)  # type: ignore[assignment]
    assert rule.min_count == 12 and rule.channel_ids is None and not rule.enabled
    assert _actions(db_session, "alert.rule.") == ["alert.rule.created", "alert.rule.updated", "alert.rule.disabled"]
    assert db_session.exec(select(AuditEvent).where(col(AuditEvent.action) == "alert.rule.created")).one().actor_id \
        == admin.id


def test_a_bad_rule_shows_each_error_and_keeps_the_input(client: FlaskClient, db_session: Session,
                                                         logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    response = post_form(client, "/alerts/rules/new", {
        **RULE_FORM, "name": "<img src=x onerror=alert(1)>", "false_alarms_per_month": "lots", "query": '"unclosed',
        "topic": "no_such_topic"}, token_from="/alerts/rules/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing was saved" in html
    assert 'id="false_alarms_per_month-error"' in html and 'id="query-error"' in html and 'id="topic-error"' in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert 'value="lots"' in html
    assert _actions(db_session, "alert.rule.") == []
    assert post_form(client, "/alerts/rules/1/enabled", {"enabled": "maybe"}, token_from="/alerts/rules"
                     ).status_code == 400
    assert client.get("/alerts/rules/999999/edit").status_code == 404


def test_an_admin_adds_a_signed_webhook_and_never_sees_its_secret_again(client: FlaskClient, db_session: Session,
                                                                        logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    response = post_form(client, "/alerts/channels/new", {
        "name": "Ops bridge", "kind": "webhook", "url": "https://ops.example/hooks/earful?token=abc",
        "secret": SECRET}, token_from="/alerts/channels/new")
    assert response.status_code == 302
    channel = db_session.exec(select(AlertChannel).where(col(AlertChannel.name) == "Ops bridge")).one()
    assert channel.config == {"url": "https://ops.example/hooks/earful?token=abc", "secret": SECRET}
    html = client.get("/alerts/channels").get_data(as_text=True)
    assert "ops.example" in html and "token=abc" not in html and SECRET not in html
    assert _actions(db_session, "alert.channel.") == ["alert.channel.created"]


def test_bad_channels_are_refused_with_the_reason(client: FlaskClient, db_session: Session,
                                                  logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    short = post_form(client, "/alerts/channels/new", {"name": "hook", "kind": "webhook",
                                                       "url": "https://ops.example/h", "secret": "short"},
                      token_from="/alerts/channels/new")
    html = short.get_data(as_text=True)
    assert short.status_code == 400 and 'id="secret-error"' in html and 'value="https://ops.example/h"' in html
    assert "short" not in html.split('name="secret"')[1].split(">")[0]  # the secret is not echoed
    not_http = post_form(client, "/alerts/channels/new", {"name": "s", "kind": "slack", "url": "javascript:x"},
                         token_from="/alerts/channels/new")
    assert not_http.status_code == 400 and 'id="url-error"' in not_http.get_data(as_text=True)
    email = post_form(client, "/alerts/channels/new", {"name": "mail", "kind": "email", "to": "ops@example.com"},
                      token_from="/alerts/channels/new")
    assert email.status_code == 400 and "SMTP_HOST" in email.get_data(as_text=True)  # no SMTP in these settings
    assert post_form(client, "/alerts/channels/new", {"kind": "pager"}, token_from="/alerts/channels/new"
                     ).status_code == 400
    assert db_session.exec(select(AlertChannel)).all() == []


def test_a_disabled_channel_shows_why_and_can_be_enabled_again(client: FlaskClient, db_session: Session,
                                                               logged_in: Callable[[str], User],
                                                               settings: Settings) -> None:
    admin = logged_in("admin")
    channel = create_channel(db_session, name="Teams <ops>", kind="teams",
                             config={"url": "https://teams.example/workflows/1"}, settings=settings)
    channel.enabled, channel.disabled_reason = False, "HTTP 404 <html>workflow deleted</html>"
    db_session.add(channel)
    db_session.flush()
    html = client.get("/alerts/channels").get_data(as_text=True)
    assert "<strong>disabled</strong>" in html and "HTTP 404 &lt;html&gt;workflow deleted&lt;/html&gt;" in html
    assert "Teams &lt;ops&gt;" in html
    post_form(client, f"/alerts/channels/{channel.id}/enabled", {"enabled": "1"}, token_from="/alerts/channels")
    db_session.expire_all()
    assert db_session.get(AlertChannel, channel.id).enabled  # type: ignore[union-attr]
    post_form(client, f"/alerts/channels/{channel.id}/enabled", {"enabled": "0"}, token_from="/alerts/channels")
    assert f"disabled by {admin.email}" in client.get("/alerts/channels").get_data(as_text=True)
    assert _actions(db_session, "alert.channel.") == ["alert.channel.created", "alert.channel.enabled",
                                                      "alert.channel.disabled"]
    assert post_form(client, "/alerts/channels/999999/enabled", {"enabled": "1"}, token_from="/alerts/channels"
                     ).status_code == 404
