"""The account page: the user's own API tokens (create, shown once; list; revoke)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from inbox.auth.tokens import create_api_token, list_api_tokens, revoke_api_token
from web.auth.blueprint import bp
from web.auth.login import acting_user
from web.db import db_session


@bp.get("/account")
def account() -> ResponseReturnValue:
    return _render_account()


@bp.post("/account/tokens")
def create_token() -> ResponseReturnValue:
    session = db_session()
    try:
        _token, plaintext = create_api_token(session, acting_user(), request.form.get("name", ""))
    except ValueError as error:
        session.rollback()
        flash(str(error).capitalize() + ".", "error")
        return _render_account(status=400)
    session.commit()
    # Rendered rather than redirected: the plain text must never travel through the (signed, readable) session.
    return _render_account(new_token=plaintext, status=201)


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> ResponseReturnValue:
    session = db_session()
    if revoke_api_token(session, acting_user(), token_id) is None:
        abort(404, "No such token.")
    session.commit()
    flash("Token revoked.", "success")
    return redirect(url_for("auth.account"))


def _render_account(*, new_token: str | None = None, status: int = 200) -> ResponseReturnValue:
    tokens = list_api_tokens(db_session(), acting_user())
    return render_template("auth/account.html", tokens=tokens, new_token=new_token), status
