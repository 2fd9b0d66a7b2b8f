"""Login and logout pages."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from web.auth.blueprint import bp
from web.auth.login import SessionUser
from web.auth.redirects import is_local_path
from web.auth.service import authenticate
from web.db import db_session


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
    user = authenticate(db_session(), email, request.form.get("password", ""))
    if user is None:
        flash("Email or password is incorrect.", "error")
        return render_template("auth/login.html", next_path=next_path, email=email), 401
    db_session().commit()  # authenticate may have upgraded the password hash
    session.clear()  # a fresh session on login: nothing from before the login survives
    login_user(SessionUser(user))
    return redirect(next_path)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
