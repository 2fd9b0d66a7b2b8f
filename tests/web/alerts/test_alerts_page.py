"""The Alerts page: open alerts first with their evidence, the navigation badge, the staff actions (audited, CSRF,
roles), and hostile mention text escaped everywhere it shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from alerts.incidents import resolve
from models import AuditEvent, Mention, User
from models.alert_rule import Alert
from tests.web.alerts.alerts_web_support import START, raise_alert
from tests.web.web_helpers import post_form


def _events(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(col(AuditEvent.action) == action)))


def _badge(client: FlaskClient) -> str:
    html = client.get("/queue").get_data(as_text=True)
    start = html.index('id="nav-alerts"')
    return html[start: html.index("</a>", start)]


def test_open_alerts_come_first_with_their_evidence(client: FlaskClient, db_session: Session,
                                                    logged_in: Callable[[str], User],
                                                    make_mention: Callable[..., Mention],
                                                    make_user: Callable[..., User]) -> None:
    older = raise_alert(db_session, make_mention, start=START - timedelta(days=1), label="old spike")
    resolve(db_session, older.id or 0, actor=make_user(role="admin"))
    alert = raise_alert(db_session, make_mention)
    logged_in("viewer")
    html = client.get("/alerts").get_data(as_text=True)
    assert html.index(f'id="alert-{alert.id}"') < html.index(f'id="alert-{older.id}"')
    assert "24</strong> observed vs 4.0 expected" in html and "p = 2e-09, score 8.70" in html
    assert "<bdi>late delivery</bdi>" in html and "<bdi>delivery</bdi> (4)" in html
    assert "/queue?since=2026-11-20&amp;until=2026-11-20&amp;sentiment=negative" in html
    assert "<script>" not in html.split("<body>")[1].replace('<script src=', "")

    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert 'role="img"' in page and f'aria-labelledby="alert-{alert.id}-chart-title' in page
    assert "&lt;script&gt;alert(" in page and "<b>parcel</b>" not in page  # the example, as text
    assert 'href="/mentions/' in page and "Mentions compared with" in page
    assert client.get("/alerts/999999").status_code == 404


def test_a_p_value_past_a_float_s_range_is_shown_from_the_score(client: FlaskClient, db_session: Session,
                                                                 logged_in: Callable[[str], User],
                                                                 make_mention: Callable[..., Mention]) -> None:
    alert = raise_alert(db_session, make_mention, p_value=0.0, score=412.3)
    logged_in("viewer")
    html = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "p ≈ 1e-412, score 412.30" in html and "p = 0," not in html


def test_the_badge_counts_open_alerts_nobody_acknowledged(client: FlaskClient, db_session: Session,
                                                          logged_in: Callable[[str], User],
                                                          make_mention: Callable[..., Mention]) -> None:
    logged_in("agent")
    assert "badge" not in _badge(client)
    alert = raise_alert(db_session, make_mention)
    client.application.extensions["earful.alerts_badge"].forget()  # the process remembers a count for 15 s
    assert ">1<span" in _badge(client)
    response = post_form(client, f"/alerts/{alert.id}/acknowledge", token_from="/alerts")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/alerts#alert-{alert.id}")
    assert "badge" not in _badge(client)  # the action forgot the remembered count
    [event] = _events(db_session, "alert.acknowledged")
    assert event.details["alert_id"] == alert.id


def test_an_agent_mutes_and_resolves_and_each_is_audited(client: FlaskClient, db_session: Session,
                                                         logged_in: Callable[[str], User],
                                                         make_mention: Callable[..., Mention]) -> None:
    agent = logged_in("agent")
    alert = raise_alert(db_session, make_mention)
    response = post_form(client, f"/alerts/{alert.id}/mute", {"minutes": "240", "back": "show"}, token_from="/alerts")
    assert response.headers["Location"].endswith(f"/alerts/{alert.id}")
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "muted for 4 hours" in page and "muted until" in page and agent.email in page
    assert post_form(client, f"/alerts/{alert.id}/mute", {"minutes": "99999"}, token_from="/alerts").status_code == 400
    post_form(client, f"/alerts/{alert.id}/resolve", token_from="/alerts")
    db_session.expire_all()
    resolved = db_session.get(Alert, alert.id)
    assert resolved is not None and resolved.status == "resolved" and resolved.resolved_by_id == agent.id
    assert [e.actor_id for e in _events(db_session, "alert.muted") + _events(db_session, "alert.resolved")] == \
        [agent.id, agent.id]
    again = post_form(client, f"/alerts/{alert.id}/resolve", token_from="/alerts")
    assert again.status_code == 302 and "already resolved" in client.get("/alerts").get_data(as_text=True)


def test_a_viewer_sees_alerts_but_cannot_act(client: FlaskClient, db_session: Session,
                                             logged_in: Callable[[str], User],
                                             make_mention: Callable[..., Mention]) -> None:
    alert = raise_alert(db_session, make_mention)
    logged_in("viewer")
    html = client.get("/alerts").get_data(as_text=True)
    assert "/acknowledge" not in html and "/mute" not in html and "/alerts/rules" not in html
    for action in ("acknowledge", "mute", "resolve"):
        assert post_form(client, f"/alerts/{alert.id}/{action}", {"minutes": "60"}).status_code == 403
    assert _events(db_session, "alert.acknowledged") == []


def test_actions_need_the_csrf_token_and_a_login(client: FlaskClient, db_session: Session,
                                                 logged_in: Callable[[str], User],
                                                 make_mention: Callable[..., Mention]) -> None:
    alert = raise_alert(db_session, make_mention)
    assert client.get("/alerts").status_code == 302  # to the login page
    logged_in("admin")
    assert client.post(f"/alerts/{alert.id}/acknowledge").status_code == 400
    db_session.expire_all()
    assert db_session.get(Alert, alert.id).acknowledged_at is None  # type: ignore[union-attr]


@pytest.mark.parametrize("role", ["viewer", "agent", "approver"])
def test_only_admins_manage_rules_and_channels(client: FlaskClient, logged_in: Callable[[str], User],
                                               role: str) -> None:
    logged_in(role)
    for path in ("/alerts/rules", "/alerts/rules/new", "/alerts/channels", "/alerts/channels/new"):
        assert client.get(path).status_code == 403, path
    assert post_form(client, "/alerts/channels/new", {"kind": "slack", "url": "https://hooks.example/x"}
                     ).status_code == 403


def test_an_alert_without_a_chart_does_not_describe_one(client: FlaskClient, db_session: Session,
                                                        logged_in: Callable[[str], User],
                                                        make_mention: Callable[..., Mention]) -> None:
    alert = raise_alert(db_session, make_mention, label="complaints unanswered past the SLA")
    alert.evidence = {**(alert.evidence or {}), "chart": []}  # an SLA alert has no series to draw
    db_session.add(alert)
    db_session.flush()
    logged_in("viewer")
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert 'role="img"' not in page and "spike window shaded" not in page
    assert "mentions in the window; its words are compared with" in page
