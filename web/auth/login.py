"""Flask-Login wiring: the session user wrapper, its loader, and the acting User for service calls.

Flask-Login keeps get_id() in the session cookie; here that is the server-side session's token (inbox.auth.sessions),
so the loader finds nothing once the session is revoked.
"""

from __future__ import annotations

from flask import Flask, abort
from flask_login import LoginManager, UserMixin, current_user

from inbox.auth.sessions import resolve_session
from models import Role, User
from settings import Settings
from web.auth.throttling import init_counters, init_throttle
from web.db import db_session


class SessionUser(UserMixin):
    """Adapts the User table row to Flask-Login without adding web concerns to the model."""

    def __init__(self, model: User, token: str) -> None:
        self.model = model
        self.token = token

    def get_id(self) -> str:
        return self.token

    @property
    def is_active(self) -> bool:
        return self.model.active

    @property
    def email(self) -> str:
        return self.model.email

    @property
    def role(self) -> str:
        return self.model.role

    @property
    def time_zone(self) -> str | None:
        """The user's own zone (None: the workspace's), read by web.timefmt.viewer_zone."""
        return self.model.time_zone

    def has_role(self, needed: Role) -> bool:
        return self.model.has_role(needed)


def load_user(token: str) -> SessionUser | None:
    live = resolve_session(db_session(), token)
    return SessionUser(live.user, token) if live is not None else None


def acting_user() -> User:
    """The logged-in User row, attached to this request's session, for service functions and audit events."""
    return _session_user().model


def session_token() -> str:
    """The token of the logged-in browser's server-side session."""
    return _session_user().token


def _session_user() -> SessionUser:
    user = current_user._get_current_object()
    if not isinstance(user, SessionUser):
        abort(401)
    return user


def can(role: str) -> bool:
    return bool(current_user.is_authenticated and current_user.has_role(Role(role)))


def init_login(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = "Please log in to continue."
    manager.login_message_category = "info"
    manager.user_loader(load_user)
    app.add_template_global(can)
    settings: Settings = app.config["EARFUL_SETTINGS"]  # stored by web.config.configure, which runs first
    init_counters(app, settings)
    init_throttle(app, settings)
