"""The password-change page: the current password, a new one twice; every other session of the user ends."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user

from inbox.auth.attempts import Throttled
from inbox.auth.service import MIN_PASSWORD_LENGTH
from inbox.auth.users import PasswordChange, change_password
from web.auth.blueprint import bp
from web.auth.login import SessionUser, acting_user
from web.auth.throttling import counter_store, throttle_policy
from web.db import db_session


@bp.get("/account/password")
def password() -> ResponseReturnValue:
    return _form()


@bp.post("/account/password")
def change_password_view() -> ResponseReturnValue:
    user = acting_user()
    change = PasswordChange(current=request.form.get("current_password", ""),
                            new=request.form.get("new_password", ""),
                            confirmation=request.form.get("confirm_password", ""),
                            address=request.remote_addr or "unknown")
    try:
        token = change_password(db_session(), counter_store(), throttle_policy(), user, change)
    except Throttled as refused:
        db_session().commit()  # the audit event of the refusal
        flash(f"Too many wrong passwords. Try again in {refused.refusal.retry_after} seconds.", "error")
        return _form(status=429, headers={"Retry-After": str(refused.refusal.retry_after)})
    except ValueError as error:
        db_session().commit()  # a wrong current password counts towards the account's back-off
        flash(str(error).capitalize() + ".", "error")
        return _form(status=400)
    db_session().commit()
    session.clear()  # the old session is revoked; this browser carries on in a fresh one
    login_user(SessionUser(user, token))
    flash("Password changed. Every other browser signed in as you has been signed out.", "success")
    return redirect(url_for("auth.account"))


def _form(*, status: int = 200, headers: dict[str, str] | None = None) -> ResponseReturnValue:
    return render_template("auth/password.html", min_length=MIN_PASSWORD_LENGTH), status, headers or {}
