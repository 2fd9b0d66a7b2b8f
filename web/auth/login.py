"""Flask-Login wiring: the session user wrapper, its loader, and the acting User for service calls."""

from __future__ import annotations

from flask import Flask, abort
from flask_login import LoginManager, UserMixin, current_user

from models import Role, User
from web.auth.ratelimit import LOGIN_LIMITER_KEY, login_limiter
from web.db import db_session


class SessionUser(UserMixin):
    """Adapts the User table row to Flask-Login without adding web concerns to the model."""

    def __init__(self, model: User) -> None:
        self.model = model

    def get_id(self) -> str:
        return str(self.model.id)

    @property
    def is_active(self) -> bool:
        return self.model.active

    @property
    def email(self) -> str:
        return self.model.email

    @property
    def role(self) -> str:
        return self.model.role

    def has_role(self, needed: Role) -> bool:
        return self.model.has_role(needed)


def load_user(user_id: str) -> SessionUser | None:
    if not user_id.isdigit():
        return None
    user = db_session().get(User, int(user_id))
    return SessionUser(user) if user is not None and user.active else None


def acting_user() -> User:
    """The logged-in User row, attached to this request's session, for service functions and audit events."""
    user = current_user._get_current_object()
    if not isinstance(user, SessionUser):
        abort(401)
    return user.model


def can(role: str) -> bool:
    return bool(current_user.is_authenticated and current_user.has_role(Role(role)))


def init_login(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "Please log in to continue."
    manager.login_message_category = "info"
    manager.user_loader(load_user)
    app.add_template_global(can)
    app.extensions[LOGIN_LIMITER_KEY] = login_limiter()
