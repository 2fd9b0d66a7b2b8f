"""The App Store: Apple's public review feed (no account) and the App Store Connect API, whose requests carry an
ES256 JWT signed with the team's API key (.p8), reused until shortly before it expires. Replies go through App
Store Connect, which keeps one response per review (an upsert)."""

from __future__ import annotations

from pathlib import Path

import jwt

from listener.base import PermanentCollectorError
from listener.http.api import TOKENS, TokenCache, require
from listener.platforms.spec import CollectorSpec, NetworkSpec, PosterSpec, ReplyLimit
from settings import Settings

API = "https://api.appstoreconnect.apple.com"
AUDIENCE = "appstoreconnect-v1"
TOKEN_LIFETIME = 19 * 60  # Apple refuses tokens that live longer than 20 minutes
REPLY_LIMIT = ReplyLimit(5970, "App Store Connect rejects longer responses.")  # responseBody
CONNECT = ("appstore_connect_key_id", "appstore_connect_issuer_id", "appstore_connect_private_key_file")
SPEC = NetworkSpec(
    key="appstore", display_name="App Store",
    collectors=(
        CollectorSpec("appstore_feed", "listener.collectors.appstore:AppStoreFeedCollector",
                      "the latest 500 reviews per country (10 pages of 50, Apple's public feed limit)"),
        CollectorSpec("appstore_connect", "listener.collectors.appstore_connect:AppStoreConnectCollector",
                      "written customer reviews of the app in every territory, newest first (App Store Connect API)",
                      credentials=CONNECT),
    ),
    poster=PosterSpec("responder.posters.appstore_connect:AppStoreConnectPoster", CONNECT),
    poster_name="appstore_connect",
    upsert=True,
    channel="store",
    revisable=True,
    reply_limit=REPLY_LIMIT,
)


def bearer(settings: Settings | None, tokens: TokenCache = TOKENS) -> str:
    """The App Store Connect API token for the configured key, signed anew only when the cached one nears expiry."""
    key_id: str = require(settings, "appstore_connect_key_id")
    issuer_id: str = require(settings, "appstore_connect_issuer_id")
    key_file: Path = require(settings, "appstore_connect_private_key_file")
    cache_key = ("appstore_connect", key_id, issuer_id, str(key_file))
    return tokens.get(cache_key, lambda now: sign_token(key_id, issuer_id, read_key(key_file), now))


def sign_token(key_id: str, issuer_id: str, private_key: str, now: float) -> tuple[str, float]:
    expires = int(now) + TOKEN_LIFETIME
    claims = {"iss": issuer_id, "iat": int(now), "exp": expires, "aud": AUDIENCE}
    try:
        token = jwt.encode(claims, private_key, algorithm="ES256", headers={"kid": key_id, "typ": "JWT"})
    except (ValueError, TypeError, jwt.PyJWTError) as error:
        raise PermanentCollectorError(f"APPSTORE_CONNECT_PRIVATE_KEY_FILE is not an ES256 (.p8) key: {error}") from None
    return token, float(expires)


def read_key(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise PermanentCollectorError(f"APPSTORE_CONNECT_PRIVATE_KEY_FILE: cannot read {path}: {error}") from None
