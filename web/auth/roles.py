"""Role checks for views: 403 when the logged-in user's role ranks below the one required."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from flask import abort, current_app
from flask.typing import ResponseReturnValue
from flask_login import current_user

from models import Role

P = ParamSpec("P")


def role_required(role: Role) -> Callable[[Callable[P, ResponseReturnValue]], Callable[P, ResponseReturnValue]]:
    def decorate(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            if not current_user.is_authenticated:
                response: ResponseReturnValue = current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
                return response
            if not current_user.has_role(role):
                abort(403, f"This needs the {role.value} role or higher.")
            return view(*args, **kwargs)

        return wrapped

    return decorate
