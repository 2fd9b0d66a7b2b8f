"""Server-side sessions: a captured session cookie stops working after logout, a password change, deactivation,
and an admin's sign-out-everywhere."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select
from werkzeug.test import TestResponse

from inbox.auth.service import authenticate
from models import AuditEvent, User
from models.user import UserSession
from tests.web.web_helpers import PASSWORD, csrf_token, login, post_form

NEW_PASSWORD = "a much better passphrase"


def logged_in_client(app: Flask, user: User, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    assert login(client, user, password).status_code == 302
    return client


def captured(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of this client's session cookie, as a thief would."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def opens(client: FlaskClient, path: str = "/queue") -> bool:
    response = client.get(path)
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def events(db_session: Session, action: str) -> list[AuditEvent]:
    return list(db_session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_logout_revokes_the_session_for_a_captured_cookie(app: Flask, make_user: Callable[..., User]) -> None:
    client = logged_in_client(app, make_user(role="admin"))
    thief = captured(app, client)
    assert opens(thief, "/queue") and opens(thief, "/settings")
    assert post_form(client, "/logout").status_code == 302
    assert not opens(client)
    assert not opens(thief, "/queue") and not opens(thief, "/settings")


def test_changing_the_password_signs_out_every_other_browser(app: Flask, db_session: Session,
                                                              make_user: Callable[..., User]) -> None:
    user = make_user(role="agent")
    here, elsewhere = logged_in_client(app, user), logged_in_client(app, user)
    thief = captured(app, here)
    response = change_password(here, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response.location == "/account"
    assert opens(here)  # the browser that changed it carries on, in a fresh session
    assert not opens(elsewhere) and not opens(thief)
    db_session.expire_all()  # the app changed the row through its own session
    assert authenticate(db_session, user.email, PASSWORD) is None
    assert authenticate(db_session, user.email, NEW_PASSWORD) == user
    [event] = events(db_session, "user.password_changed")
    assert event.actor_id == user.id and event.details == {"sessions_ended": 2}
    assert "password" not in str(event.details).replace("sessions_ended", "")


@pytest.mark.parametrize(("current", "new", "confirmation", "message"), [
    ("not my password!", NEW_PASSWORD, NEW_PASSWORD, "The current password is not right."),
    (PASSWORD, "short", "short", "at least 10 characters"),
    (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "confirmation differ"),
])
def test_a_refused_password_change_changes_nothing(app: Flask, db_session: Session, make_user: Callable[..., User],
                                                   current: str, new: str, confirmation: str, message: str) -> None:
    user = make_user(role="agent")
    here, elsewhere = logged_in_client(app, user), logged_in_client(app, user)
    response = change_password(here, current, new, confirmation)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert opens(here) and opens(elsewhere)
    db_session.expire_all()
    assert authenticate(db_session, user.email, PASSWORD) == user
    assert events(db_session, "user.password_changed") == []


def test_deactivating_a_user_ends_their_sessions(app: Flask, db_session: Session,
                                                 make_user: Callable[..., User]) -> None:
    admin, user = make_user(role="admin"), make_user(role="agent")
    admin_client, client = logged_in_client(app, admin), logged_in_client(app, user)
    thief = captured(app, client)
    assert post_form(admin_client, f"/users/{user.id}/active", {"active": "0"}).status_code == 302
    assert not opens(client) and not opens(thief)
    assert login(app.test_client(), user).status_code == 401
    # Activating again lets the user log in anew; the sessions ended with the deactivation stay ended.
    assert post_form(admin_client, f"/users/{user.id}/active", {"active": "1"}).status_code == 302
    assert not opens(thief)
    assert opens(logged_in_client(app, user))
    deactivated, activated = events(db_session, "user.deactivated"), events(db_session, "user.activated")
    assert [(event.actor_id, event.details["user_id"], event.details["sessions_ended"]) for event in deactivated] \
        == [(admin.id, user.id, 1)]
    assert [event.details["user_id"] for event in activated] == [user.id]


def test_an_admin_signs_a_user_out_everywhere(app: Flask, db_session: Session,
                                              make_user: Callable[..., User]) -> None:
    admin, user = make_user(role="admin"), make_user(role="agent")
    admin_client = logged_in_client(app, admin)
    laptop, phone = logged_in_client(app, user), logged_in_client(app, user)
    thief = captured(app, laptop)
    assert "Live sessions" in admin_client.get("/users").get_data(as_text=True)
    response = post_form(admin_client, f"/users/{user.id}/sign-out")
    assert response.status_code == 302
    assert not opens(laptop) and not opens(phone) and not opens(thief)
    assert opens(admin_client)
    assert opens(logged_in_client(app, user))  # signed out, not shut out
    [event] = events(db_session, "user.signed_out")
    assert event.actor_id == admin.id and event.details == {"user_id": user.id, "email": user.email,
                                                            "sessions_ended": 2}


def test_an_admin_cannot_deactivate_themselves(app: Flask, db_session: Session,
                                               make_user: Callable[..., User]) -> None:
    admin = make_user(role="admin")
    client = logged_in_client(app, admin)
    response = post_form(client, f"/users/{admin.id}/active", {"active": "0"})
    assert response.status_code in (302, 303)
    assert "cannot deactivate your own account" in client.get("/users").get_data(as_text=True)
    db_session.refresh(admin)
    assert admin.active and opens(client)


def test_the_users_page_counts_live_sessions_and_pages_by_email(app: Flask, db_session: Session,
                                                                make_user: Callable[..., User]) -> None:
    admin, user = make_user(role="admin"), make_user(role="viewer")
    client = logged_in_client(app, admin)
    logged_in_client(app, user), logged_in_client(app, user)
    html = client.get("/users").get_data(as_text=True)
    row = html[html.index(f'id="user-{user.id}"'):]
    assert "<td>2</td>" in row[: row.index("</tr>")]
    emails = sorted(db_session.exec(select(User.email)).all())
    later = client.get("/users", query_string={"after": emails[0]}).get_data(as_text=True)
    assert f">{emails[0]}<" not in later and f">{emails[-1]}<" in later
    live = db_session.exec(select(UserSession).where(UserSession.user_id == user.id,
                                                     col(UserSession.revoked_at).is_(None))).all()
    assert len(live) == 2


def change_password(client: FlaskClient, current: str, new: str, confirmation: str | None = None) -> TestResponse:
    token = csrf_token(client.get("/account/password").get_data(as_text=True))
    return client.post("/account/password", data={
        "csrf_token": token, "current_password": current, "new_password": new,
        "confirm_password": new if confirmation is None else confirmation,
    })
