"""The admins' users page: who has access, how many live sessions each has; sign out everywhere, (de)activate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from inbox.auth.users import list_users, set_user_active, sign_out_everywhere
from models import Role, User
from web.admin_views import submitted_switch
from web.auth.blueprint import bp
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.db import db_session


@bp.get("/users")
@role_required(Role.admin)
def users() -> ResponseReturnValue:
    page = list_users(db_session(), after=request.args.get("after", "")[:254])
    return render_template("auth/users.html", page=page, me=acting_user())


@bp.post("/users/<int:user_id>/sign-out")
@role_required(Role.admin)
def sign_out_user(user_id: int) -> ResponseReturnValue:
    target = _user_or_404(user_id)
    ended = sign_out_everywhere(db_session(), acting_user(), target)
    db_session().commit()
    flash(f"{target.email} is signed out everywhere ({ended} session{'' if ended == 1 else 's'} ended).", "success")
    return redirect(url_for("auth.users"))


@bp.post("/users/<int:user_id>/active")
@role_required(Role.admin)
def set_user_active_view(user_id: int) -> ResponseReturnValue:
    wanted = submitted_switch("active", asking="activate or deactivate the user")
    target = _user_or_404(user_id)
    try:
        set_user_active(db_session(), acting_user(), target, wanted)
    except ValueError as error:
        flash(str(error).capitalize() + ".", "error")
        return redirect(url_for("auth.users")), 303
    db_session().commit()
    state = "active" if target.active else "deactivated and signed out everywhere"
    flash(f"{target.email} is {state}.", "success")
    return redirect(url_for("auth.users"))


def _user_or_404(user_id: int) -> User:
    user = db_session().get(User, user_id)
    if user is None:
        abort(404, "No such user.")
    return user
