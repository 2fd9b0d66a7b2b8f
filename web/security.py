"""Login required by default on every endpoint, and the security headers every response carries."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

PUBLIC_ENDPOINTS = frozenset({"auth.login", "static", "health.healthz"})

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def require_login() -> ResponseReturnValue | None:
    # Deny by default: a new route is private unless it is listed as public here. /api/v1 checks its own tokens.
    if request.endpoint in PUBLIC_ENDPOINTS or request.path.startswith("/api/v1/") or current_user.is_authenticated:
        return None
    response: ResponseReturnValue = current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    return response


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        # Pages carry customer data and per-user forms; keep them out of shared and back/forward caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.before_request(require_login)
    app.after_request(add_security_headers)
