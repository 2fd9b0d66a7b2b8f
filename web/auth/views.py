"""Login and logout pages."""

from __future__ import annotations

import math

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from web.auth.blueprint import bp
from web.auth.login import SessionUser
from web.auth.ratelimit import LOGIN_LIMITER_KEY, SlidingWindowLimiter
from web.auth.redirects import is_local_path
from web.auth.service import authenticate
from web.db import db_session

LOGIN_FAILED_MESSAGE = ("Email or password is incorrect. After repeated failures an account is locked for "
                        "15 minutes; try again later.")


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
    retry_after = _login_limiter().hit(request.remote_addr or "unknown")
    if retry_after is not None:
        flash("Too many login attempts from this address. Wait a few minutes and try again.", "error")
        page = render_template("auth/login.html", next_path=next_path, email=email)
        return page, 429, {"Retry-After": str(math.ceil(retry_after))}
    user = authenticate(db_session(), email, request.form.get("password", ""))
    db_session().commit()  # keeps the failure count, or the reset and any password-hash upgrade
    if user is None:
        flash(LOGIN_FAILED_MESSAGE, "error")
        return render_template("auth/login.html", next_path=next_path, email=email), 401
    session.clear()  # a fresh session on login: nothing from before the login survives
    login_user(SessionUser(user))
    return redirect(next_path)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


def _login_limiter() -> SlidingWindowLimiter:
    limiter: SlidingWindowLimiter = current_app.extensions[LOGIN_LIMITER_KEY]
    return limiter
