"""The per-source second-approval setting on the admin sources pages."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from models import AuditEvent, Source, User
from tests.web.web_helpers import post_form

FORM = {"name": "Press export", "collector": "import", "network": "reddit", "query": "", "config": "{}",
        "action": "save"}


def _source(db_session: Session, name: str) -> Source:
    db_session.expire_all()
    return db_session.exec(select(Source).where(Source.name == name)).one()


def test_admin_requires_and_drops_a_second_approval(client: FlaskClient, db_session: Session,
                                                    logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    response = post_form(client, "/sources/new", {**FORM, "require_second_approval": "1"}, token_from="/sources/new")
    assert response.status_code == 302
    source = _source(db_session, "Press export")
    assert source.require_second_approval
    assert "2 (second approval required)" in client.get("/sources").get_data(as_text=True)
    edit = f"/sources/{source.id}/edit"
    assert 'name="require_second_approval" value="1"\n           aria-describedby="second-approval-help" checked' in (
        client.get(edit).get_data(as_text=True))

    assert post_form(client, edit, FORM, token_from=edit).status_code == 302  # the box left unticked
    assert not _source(db_session, "Press export").require_second_approval
    assert "Source Press export saved." in client.get("/sources").get_data(as_text=True)
    actions = db_session.exec(select(AuditEvent.action).where(col(AuditEvent.action).like("source.second%"))
                              .order_by(col(AuditEvent.id))).all()
    assert list(actions) == ["source.second_approval_required", "source.second_approval_dropped"]


def test_an_invalid_form_keeps_the_box_as_ticked(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    response = post_form(client, "/sources/new", {**FORM, "name": " ", "require_second_approval": "1"},
                         token_from="/sources/new")
    assert response.status_code == 400
    assert 'aria-describedby="second-approval-help" checked' in response.get_data(as_text=True)


def test_only_admins_change_it(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
                               make_source: Callable[..., Source]) -> None:
    source = make_source(name="Reviews")
    logged_in("approver")
    response = post_form(client, f"/sources/{source.id}/edit", {**FORM, "require_second_approval": "1"})
    assert response.status_code == 403
    assert not _source(db_session, "Reviews").require_second_approval
