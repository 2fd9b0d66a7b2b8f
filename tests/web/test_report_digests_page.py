"""The digests on the Reports page (admins): create, edit, disable, see a failing delivery and send it again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from models import AuditEvent, User
from models.report_digest import ReportDigest, ReportDigestDelivery
from tests.web.web_helpers import post_form

FORM = {"name": "Weekly review", "frequency": "weekly", "recipients": "lead@example.com, cm@example.com",
        "filters": "network=x&complaint=yes", "paper": "a4", "enabled": "1"}


def test_admins_create_edit_and_disable_a_digest(client: FlaskClient, db_session: Session,
                                                 logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    form = client.get("/reports/digests/new?network=x").get_data(as_text=True)
    assert 'value="network=x"' in form  # a digest starts from the report's filters
    response = post_form(client, "/reports/digests/new", FORM, token_from="/reports/digests/new")
    assert response.status_code == 302
    digest = db_session.exec(select(ReportDigest)).one()
    assert digest.recipients == ["lead@example.com", "cm@example.com"]
    assert digest.filters == {"network": "x", "complaint": "yes"}
    page = client.get("/reports").get_data(as_text=True)
    assert "Scheduled digests" in page and "Weekly review" in page and "none yet" in page
    post_form(client, f"/reports/digests/{digest.id}/edit", {**FORM, "frequency": "monthly"},
              token_from="/reports/digests/new")
    post_form(client, f"/reports/digests/{digest.id}/enabled", {"enabled": ""}, token_from="/reports/digests/new")
    db_session.refresh(digest)
    assert digest.frequency == "monthly" and not digest.enabled
    actions = db_session.exec(select(AuditEvent.action).where(col(AuditEvent.action).like("report_digest.%"))
                              .order_by(col(AuditEvent.id))).all()
    assert actions == ["report_digest.created", "report_digest.updated", "report_digest.disabled"]


def test_bad_digest_forms_say_what_is_wrong_and_keep_what_was_typed(client: FlaskClient,
                                                                     logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    response = post_form(client, "/reports/digests/new", {**FORM, "recipients": "nobody", "filters": "colour=red"},
                         token_from="/reports/digests/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "not an email address" in html and "unknown filter" in html
    assert 'value="Weekly review"' in html


def test_a_failing_delivery_is_shown_and_can_be_sent_again(client: FlaskClient, db_session: Session,
                                                           logged_in: Callable[[str], User]) -> None:
    admin = logged_in("admin")
    digest = ReportDigest(name="Monthly", frequency="monthly", recipients=["a@example.com"],
                          created_by_id=admin.id)
    db_session.add(digest)
    db_session.flush()
    delivery = ReportDigestDelivery(digest_id=digest.id or 0, period="2026-11-01", status="failed", attempts=6,
                                    last_error="SMTP server unreachable: refused",
                                    next_attempt_at=datetime(2026, 12, 1, tzinfo=timezone.utc))
    db_session.add(delivery)
    db_session.flush()
    page = client.get("/reports").get_data(as_text=True)
    assert "failed" in page and "SMTP server unreachable" in page and "Send again now" in page
    post_form(client, f"/reports/digests/deliveries/{delivery.id}/retry", token_from="/reports/digests/new")
    db_session.refresh(delivery)
    assert (delivery.status, delivery.attempts) == ("pending", 0)


def test_viewers_cannot_manage_digests(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("viewer")
    assert client.get("/reports/digests/new").status_code == 403
    assert post_form(client, "/reports/digests/new", FORM, token_from="/reports").status_code == 403
