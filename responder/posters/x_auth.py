"""X's OAuth 2.0 user-context tokens for posting as the brand account.

An access token lasts two hours. The refresh token (scope offline.access) buys a new pair at X's token
endpoint, and X rotates it on every renewal: the used one is dead as soon as X answers. So the live pair is
kept in the database (oauth_token, sealed with SECRET_KEY) where every worker on every host finds it, and one
worker renews at a time: it claims the renewal with a conditional UPDATE (a lease) and stores the new pair in
a transaction of its own the moment X answers. A worker that finds a renewal under way defers its post a few
seconds. X refusing to renew (400 invalid_grant and the like) disables the poster, with X's words, until
someone connects X again with a new X_REFRESH_TOKEN.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Protocol

import requests
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col

from listener.http.fetch import platform_message
from listener.http.status import is_transient_status
from listener.platforms.x import x_wait
from models import record_event
from models.db import make_engine, make_session_factory, session_scope
from models.oauth_token import OAuthToken, Sealer
from responder.posters.errors import NotSent, Rejected
from responder.posters.http import TimeoutSession
from settings import Settings

log = logging.getLogger(__name__)

TOKEN_URL = "https://api.x.com/2/oauth2/token"  # noqa: S105 (a URL, not a secret)
PROVIDER = "x"
EARLY = timedelta(minutes=2)  # renew this long before X's stated expiry: queues and clocks drift
LEASE = timedelta(minutes=1)  # far above the token request's timeout
BUSY_WAIT = 5.0  # seconds a post waits for another worker's renewal
DEFAULT_LIFETIME = 7200.0  # X's documented lifetime, for an answer that omits expires_in
MAX_SEEDS = 20
NEVER = datetime(1970, 1, 1, tzinfo=timezone.utc)
RECONNECT = "connect X again and set the new refresh token as X_REFRESH_TOKEN"


class UserTokens(Protocol):
    renewable: bool

    def current(self) -> str:
        """An access token to send now."""
        ...

    def renew(self, stale: str) -> str:
        """A new access token after X refused `stale` (401)."""
        ...


class StaticToken:
    """X_BEARER_TOKEN as given: a user-context token that someone renews outside Earful."""

    renewable = False

    def __init__(self, token: str) -> None:
        self._token = token

    def current(self) -> str:
        return self._token

    def renew(self, stale: str) -> str:
        raise Rejected("X refused X_BEARER_TOKEN and it cannot be renewed: set X_CLIENT_ID and X_REFRESH_TOKEN")


@dataclass(frozen=True)
class AppClient:
    client_id: str
    client_secret: str | None  # only confidential clients have one


@dataclass(frozen=True)
class Pair:
    access_token: str
    refresh_token: str
    expires_at: datetime


class Refused(Exception):
    """X will not renew with this refresh token (revoked, used already, another app's)."""


def user_tokens(settings: Settings, *, clock: Callable[[], float] = time.time,
                session_factory: sessionmaker[Session] | None = None) -> UserTokens:
    """Renewed tokens when X_REFRESH_TOKEN is set, else X_BEARER_TOKEN as it is."""
    seed = settings.x_refresh_token.get_secret_value() if settings.x_refresh_token else ""
    if not seed:
        token = settings.x_bearer_token.get_secret_value() if settings.x_bearer_token else ""
        if not token:
            raise Rejected("X posting needs X_CLIENT_ID and X_REFRESH_TOKEN (or a user-context X_BEARER_TOKEN)")
        return StaticToken(token)
    if not settings.x_client_id:
        raise Rejected("X_REFRESH_TOKEN is set but X_CLIENT_ID is not: renewing needs the app's client id")
    try:
        sealer = Sealer(settings.secret_key.get_secret_value())
    except ValueError as error:
        raise Rejected(str(error)) from None
    secret = settings.x_client_secret.get_secret_value() if settings.x_client_secret else ""
    factory = session_factory or shared_session_factory(settings.database_url)
    return RenewedTokens(AppClient(settings.x_client_id, secret or None), seed, sealer, factory, clock=clock)


@lru_cache(maxsize=4)
def shared_session_factory(database_url: str) -> sessionmaker[Session]:
    """One engine per process for the token row, built on first use (after the worker forks)."""
    return make_session_factory(make_engine(database_url))


class RenewedTokens:
    renewable = True

    def __init__(self, client: AppClient, seed: str, sealer: Sealer, session_factory: sessionmaker[Session], *,
                 clock: Callable[[], float] = time.time) -> None:
        self._client, self._seed, self._sealer = client, seed, sealer
        self._seed_digest = hashlib.sha256(seed.encode()).hexdigest()
        self._factory, self._clock = session_factory, clock

    def current(self) -> str:
        row = self._row()
        return self._unseal(row.access_token) if self._fresh(row) else self._renew(row)

    def renew(self, stale: str) -> str:
        row = self._row()
        access = self._unseal(row.access_token)
        if access and access != stale and self._fresh(row):
            return access  # another worker renewed it meanwhile
        return self._renew(row)

    def _renew(self, row: OAuthToken) -> str:
        refresh_token = self._unseal(row.refresh_token)
        if not self._claim(row.version):
            return self._after_busy(row)
        try:
            pair = request_renewal(self._client, refresh_token, now=self._clock())
        except Refused as refused:
            message = f"X refused to renew the access token ({refused}): {RECONNECT}"
            self._release(row.version, error=message)
            raise Rejected(message) from None
        except BaseException:
            self._release(row.version)
            raise
        self._store(row.version, pair)
        return pair.access_token

    def _after_busy(self, seen: OAuthToken) -> str:
        row = self._row()
        if row.version != seen.version and self._fresh(row):
            return self._unseal(row.access_token)
        raise NotSent("X: another worker is renewing the access token", retry_after=BUSY_WAIT)

    def _row(self) -> OAuthToken:
        try:
            row = self._load()
        except sa.exc.IntegrityError:
            row = self._load()  # another worker stored the first row at the same moment
        if row.error:
            raise Rejected(row.error)
        return row

    def _load(self) -> OAuthToken:
        with session_scope(self._factory) as session:
            row = session.get(OAuthToken, PROVIDER)
            if row is None or self._seed_digest not in row.seeds:
                row = self._seeded(session, row)
                session.flush()
            session.expunge(row)
        return row

    def _seeded(self, session: Session, row: OAuthToken | None) -> OAuthToken:
        """A refresh token never configured before starts the chain over (connecting X again)."""
        now = self._now()
        if row is None:
            row = OAuthToken(provider=PROVIDER, refresh_token="", expires_at=NEVER)
            session.add(row)
        else:
            row.version += 1
        row.access_token, row.refresh_token, row.expires_at = "", self._sealer.seal(self._seed), NEVER
        row.seeds = [*row.seeds, self._seed_digest][-MAX_SEEDS:]
        row.renewing_until, row.error, row.updated_at = None, None, now
        record_event(session, "poster.connected", poster=PROVIDER)
        return row

    def _claim(self, version: int) -> bool:
        now = self._now()
        free = sa.or_(col(OAuthToken.renewing_until).is_(None), col(OAuthToken.renewing_until) < now)
        return self._update(version, {"renewing_until": now + LEASE}, free)

    def _store(self, version: int, pair: Pair) -> None:
        values = {"access_token": self._sealer.seal(pair.access_token), "expires_at": pair.expires_at,
                  "refresh_token": self._sealer.seal(pair.refresh_token), "version": version + 1,
                  "renewing_until": None, "error": None}
        event = ("poster.token_renewed", {"expires_at": pair.expires_at.isoformat()})
        if not self._update(version, values, event=event):
            # Reseeded or taken over meanwhile (a lease that ran out): this pair serves this post only.
            log.warning("X: a renewed token pair was not stored; the row changed during the renewal")

    def _release(self, version: int, *, error: str | None = None) -> None:
        if error is None:
            self._update(version, {"renewing_until": None})
            return
        values = {"renewing_until": None, "error": error[:1000], "version": version + 1}
        self._update(version, values, event=("poster.disabled", {"error": error}))

    def _update(self, version: int, values: dict[str, Any], condition: sa.ColumnElement[bool] | None = None, *,
                event: tuple[str, dict[str, Any]] | None = None) -> bool:
        """A conditional UPDATE of the row at `version`, and its audit event, committed at once: the caller's
        unit of work may roll back, but X has already consumed the old refresh token."""
        where = [col(OAuthToken.provider) == PROVIDER, col(OAuthToken.version) == version]
        if condition is not None:
            where.append(condition)
        with session_scope(self._factory) as session:
            result = session.execute(sa.update(OAuthToken).where(*where).values(updated_at=self._now(), **values))
            changed = bool(result.rowcount == 1)  # type: ignore[attr-defined]
            if changed and event is not None:
                record_event(session, event[0], poster=PROVIDER, **event[1])
        return changed

    def _fresh(self, row: OAuthToken) -> bool:
        return bool(row.access_token) and row.expires_at - EARLY > self._now()

    def _unseal(self, value: str) -> str:
        try:
            return self._sealer.unseal(value)
        except ValueError as error:
            raise Rejected(f"X: {error}; {RECONNECT}") from None

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), timezone.utc)


def request_renewal(client: AppClient, refresh_token: str, *, now: float) -> Pair:
    """POST grant_type=refresh_token; a confidential client also authenticates with its secret (Basic)."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client.client_id}
    auth = (client.client_id, client.client_secret) if client.client_secret else None
    with TimeoutSession() as http:
        try:
            response = http.post(TOKEN_URL, data=form, auth=auth)
        except requests.RequestException as error:
            raise NotSent(f"X token renewal: no answer from X ({type(error).__name__}: {error})") from error
    if response.status_code != 200:
        message = f"HTTP {response.status_code} {x_words(response)}".strip()
        if is_transient_status(response.status_code):
            raise NotSent(f"X token renewal: {message}", retry_after=x_wait(response, now))
        raise Refused(message)
    return parse_pair(response, refresh_token, now)


def parse_pair(response: requests.Response, used: str, now: float) -> Pair:
    body = _json(response)
    access = body.get("access_token")
    if not isinstance(access, str) or not access:
        raise NotSent("X token renewal: X's answer has no access_token")
    refresh = body.get("refresh_token")
    expires_in = body.get("expires_in")
    lifetime = float(expires_in) if isinstance(expires_in, int | float) and expires_in > 0 else DEFAULT_LIFETIME
    # X sends a new refresh token with every renewal under offline.access; without one the used one stays
    return Pair(access, refresh if isinstance(refresh, str) and refresh else used,
                datetime.fromtimestamp(now + lifetime, timezone.utc))


def x_words(response: requests.Response) -> str:
    """X's own words: OAuth's {"error", "error_description"}, or the start of whatever else it sent."""
    body = _json(response)
    words = [str(body[key]) for key in ("error", "error_description") if body.get(key)]
    return ": ".join(words)[:300] if words else platform_message(response.content)


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
