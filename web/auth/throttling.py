"""The login throttle's policy and counter store, set up once per web process and looked up per request.

The store is Redis (RATELIMIT_STORAGE_URI) through the limits library, the storage layer Flask-Limiter is built on,
shared by every web process; without Redis, the request's database session (inbox.auth.counters.DatabaseStorage).
"""

from __future__ import annotations

from typing import cast
from urllib.parse import urlsplit

from flask import Flask, current_app
from limits.errors import ConfigurationError as LimitsConfigurationError
from limits.storage import Storage, storage_from_string

from inbox.auth.counters import DatabaseStorage
from inbox.auth.throttle import ThrottlePolicy
from settings import Settings
from web.config import ConfigurationError
from web.db import db_session

POLICY_KEY = "earful.login_throttle_policy"
COUNTER_STORE_KEY = "earful.login_counter_store"
REDIS_KEY_PREFIX = "earful-login"
REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "redis+cluster", "redis+sentinel", "valkey", "valkeys")


def init_throttle(app: Flask, settings: Settings) -> None:
    app.extensions[POLICY_KEY] = ThrottlePolicy.from_settings(settings)


def throttle_policy() -> ThrottlePolicy:
    policy: ThrottlePolicy = current_app.extensions[POLICY_KEY]
    return policy


def init_counters(app: Flask, settings: Settings) -> None:
    """Connects the configured Redis store once per process, or leaves counting to the database."""
    uri = settings.ratelimit_storage_uri
    app.extensions[COUNTER_STORE_KEY] = _shared_storage(uri) if uri else None


def _shared_storage(uri: str) -> Storage:
    scheme = urlsplit(uri).scheme
    if scheme not in REDIS_SCHEMES:
        # Anything else limits offers is either per process (memory://) or not a dependency of Earful. The URL
        # itself stays out of the message: it may carry a password.
        raise ConfigurationError(f"RATELIMIT_STORAGE_URI must be a Redis URL (redis://host:6379/2), not a {scheme!r} "
                                 "URL; leave it unset to count login attempts in the database.")
    try:
        storage = storage_from_string(uri, key_prefix=REDIS_KEY_PREFIX)
    except LimitsConfigurationError as error:
        raise ConfigurationError(f"RATELIMIT_STORAGE_URI cannot be used: {error}") from error
    return cast(Storage, storage)


def counter_store() -> Storage:
    """The shared store for this request: Redis when configured, else the request's database session."""
    shared: Storage | None = current_app.extensions[COUNTER_STORE_KEY]
    return shared if shared is not None else DatabaseStorage(db_session())
