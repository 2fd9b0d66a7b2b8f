"""Google service-account auth (OAuth 2.0 JWT bearer grant, RFC 7523), shared by the Google Play and Business
Profile platforms (their collectors and posters). Not a network: it has no spec.

The assertion is an RS256 JWT signed with the account's private key and exchanged at the token endpoint for
an access token of about an hour, which is cached per account and scope.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt

from listener.base import PermanentCollectorError
from listener.http.api import TOKENS, PlatformRejected, TokenCache, request_json, require
from settings import Settings

# Always this endpoint, never the file's token_uri: the signed assertion is a credential.
TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 (a URL, not a secret)
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME = 3600  # the most Google accepts
SETTING = "google_service_account_file"


@dataclass(frozen=True)
class ServiceAccount:
    client_email: str
    private_key: str
    private_key_id: str | None = None


def load_service_account(settings: Settings | None) -> ServiceAccount:
    path: Path = require(settings, SETTING)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PermanentCollectorError(f"{SETTING.upper()}: cannot read {path}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise PermanentCollectorError(f"{SETTING.upper()}: {path} is not a JSON key file") from None
    return _account(data, path)


def _account(data: Any, path: Path) -> ServiceAccount:
    if not isinstance(data, dict) or data.get("type") != "service_account":
        raise PermanentCollectorError(f"{SETTING.upper()}: {path} is not a service account key (type)")
    missing = [key for key in ("client_email", "private_key") if not isinstance(data.get(key), str)]
    if missing:
        raise PermanentCollectorError(f"{SETTING.upper()}: {path} lacks {', '.join(missing)}")
    key_id = data.get("private_key_id")
    return ServiceAccount(data["client_email"], data["private_key"], key_id if isinstance(key_id, str) else None)


def assertion(account: ServiceAccount, scope: str, now: float) -> str:
    claims = {"iss": account.client_email, "scope": scope, "aud": TOKEN_URL,
              "iat": int(now), "exp": int(now) + ASSERTION_LIFETIME}
    headers = {"kid": account.private_key_id} if account.private_key_id else None
    try:
        return jwt.encode(claims, account.private_key, algorithm="RS256", headers=headers)
    except (ValueError, TypeError, jwt.PyJWTError) as error:
        raise PermanentCollectorError(f"{SETTING.upper()}: private_key is not a usable RSA key ({error})") from None


def access_token(client: httpx.Client, account: ServiceAccount, scope: str, cache: TokenCache = TOKENS) -> str:
    key = ("google", account.client_email, account.private_key_id, scope)
    return cache.get(key, lambda now: _exchange(client, account, scope, now))


def _exchange(client: httpx.Client, account: ServiceAccount, scope: str, now: float) -> tuple[str, float]:
    form = {"grant_type": GRANT_TYPE, "assertion": assertion(account, scope, now)}
    try:
        body = request_json(client, "POST", TOKEN_URL, data=form, what="Google OAuth token exchange")
    except PlatformRejected as error:
        # A plain permanent error: this is not a page request a collector could retry from the top.
        raise PermanentCollectorError(f"{error} (service account {account.client_email})") from None
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise PermanentCollectorError("Google OAuth token exchange: the response has no access_token")
    expires_in = body.get("expires_in")
    lifetime = float(expires_in) if isinstance(expires_in, (int, float)) and expires_in > 0 else 600.0
    return token, now + lifetime
