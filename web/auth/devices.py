"""Device cookies (OWASP's answer to lockout as a weapon): a browser that has logged in to an account gets a signed
cookie naming that account, and its login attempts count apart from everyone else's.

The cookie is no credential: it opens nothing, and only changes which counters an attempt is throttled by (its own
back-off, and no per-address limit, so staff behind one office address are not refused for a stranger's attack).
It names the account by a digest of the email so that it can be checked before any database read.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

DEVICE_COOKIE = "earful_device"
DEVICE_COOKIE_PATH = "/login"  # sent with login attempts only
DEVICE_MAX_AGE = timedelta(days=180)
MAX_COOKIE_LENGTH = 400


def trusted_device(email: str) -> str | None:
    """The device id of this browser when its cookie was issued for this (normalised) email, else None."""
    raw = request.cookies.get(DEVICE_COOKIE, "")
    if not raw or len(raw) > MAX_COOKIE_LENGTH:
        return None
    try:
        payload: Any = _serializer().loads(raw, max_age=int(DEVICE_MAX_AGE.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("device"), str):
        return None
    if not hmac.compare_digest(str(payload.get("account", "")), _account_digest(email)):
        return None
    return payload["device"]


def remember_device(response: Response, email: str) -> None:
    """Mark this browser as one the account logs in from (after a successful login)."""
    value = _serializer().dumps({"account": _account_digest(email), "device": secrets.token_urlsafe(16)})
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_MAX_AGE, path=DEVICE_COOKIE_PATH, httponly=True,
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), samesite="Lax")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="earful.device-cookie")


def _account_digest(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]
