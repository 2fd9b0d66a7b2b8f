"""Login and logout pages."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from inbox.auth.attempts import LoginAttempt, attempt_login
from inbox.auth.service import normalize_email
from inbox.auth.sessions import end_session, start_session
from inbox.auth.throttle import Refusal
from web.auth.blueprint import bp
from web.auth.devices import remember_device, trusted_device
from web.auth.login import SessionUser, session_token
from web.auth.redirects import is_local_path
from web.auth.throttling import counter_store, throttle_policy
from web.db import db_session

LOGIN_FAILED_MESSAGE = ("Email or password is incorrect. After repeated failures each further attempt has to wait "
                        "a little longer.")


def _next_path() -> str:
    target = request.values.get("next")
    return target if target and is_local_path(target) else url_for("queue.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    next_path = _next_path()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(next_path)
        return render_template("auth/login.html", next_path=next_path, email="")
    email = request.form.get("email", "")
    attempt = LoginAttempt(email=email, password=request.form.get("password", ""),
                           address=request.remote_addr or "unknown", device=trusted_device(normalize_email(email)))
    result = attempt_login(db_session(), counter_store(), throttle_policy(), attempt)
    if result.user is None:
        db_session().commit()  # keeps the counts and audit events of a refused or failed attempt
        return _refused(result.refusal, next_path, email)
    token = start_session(db_session(), result.user)
    db_session().commit()  # the session row, the counter reset and any password-hash upgrade
    session.clear()  # a fresh session on login: nothing from before the login survives
    login_user(SessionUser(result.user, token))
    response = redirect(next_path)
    remember_device(response, normalize_email(email))
    return response


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    end_session(db_session(), session_token())
    db_session().commit()
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


def _refused(refusal: Refusal | None, next_path: str, email: str) -> ResponseReturnValue:
    if refusal is None:
        flash(LOGIN_FAILED_MESSAGE, "error")
        return render_template("auth/login.html", next_path=next_path, email=email), 401
    flash(_refusal_message(refusal), "error")
    page = render_template("auth/login.html", next_path=next_path, email=email)
    return page, 429, {"Retry-After": str(refusal.retry_after)}


def _refusal_message(refusal: Refusal) -> str:
    if refusal.scope == "address":
        return "Too many login attempts from this address. Wait a few minutes and try again."
    return f"Too many failed attempts for this email. Try again in {refusal.retry_after} seconds."
