"""Flask configuration derived from Settings; refuses to boot without a secret key."""

from __future__ import annotations

from flask import Flask

from settings import Settings

MAX_REQUEST_BYTES = 1024 * 1024


class ConfigurationError(RuntimeError):
    """The app cannot start with these settings."""


def configure(app: Flask, settings: Settings) -> None:
    secret = settings.secret_key.get_secret_value().strip()
    if not secret:
        raise ConfigurationError(
            "SECRET_KEY is not set: the web app signs sessions and CSRF tokens with it. "
            "Set SECRET_KEY in the environment or .env, e.g. to the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    secure = settings.session_cookie_secure
    app.config.update(
        EARFUL_SETTINGS=settings,
        SECRET_KEY=secret,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        # The token is bound to the login session; a time limit would discard a long edit on submit.
        WTF_CSRF_TIME_LIMIT=None,
    )
