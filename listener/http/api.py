"""JSON APIs with bearer tokens (the review sites, Google's and Apple's token endpoints, the review posters):
one request -> its JSON object or a CollectorError that says what went wrong, the platform's own words for a
failure, and a process-wide cache of bearer tokens."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Hashable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from listener.base import CollectorError, PermanentCollectorError
from listener.text import clean_text
from settings import Settings

TIMEOUT = httpx.Timeout(20.0, connect=10.0)
USER_AGENT = "earful/0.1 (self-hosted review response)"
DEFAULT_RATE_LIMIT_WAIT = 60.0  # seconds, for 429s that carry no Retry-After
MAX_MESSAGE_CHARS = 500


class PlatformRejected(PermanentCollectorError):
    """A 4xx other than 429: bad credentials, no access, or a request the platform refuses."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def new_client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, headers={"User-Agent": USER_AGENT}, follow_redirects=False)


def request_json(client: httpx.Client, method: str, url: str, *, what: str, **kwargs: Any) -> dict[str, Any]:
    """Send one request and return its JSON object, or raise a CollectorError saying what went wrong."""
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TimeoutException as error:
        raise CollectorError(f"{what}: timed out ({type(error).__name__})") from error
    except httpx.TransportError as error:
        raise CollectorError(f"{what}: network error ({type(error).__name__}: {error})") from error
    check_status(response, what)
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise CollectorError(f"{what}: HTTP {response.status_code} with a body that is not JSON") from None
    if not isinstance(body, dict):
        raise CollectorError(f"{what}: expected a JSON object, got {type(body).__name__}")
    return body


def check_status(response: httpx.Response, what: str) -> None:
    status = response.status_code
    if status < 400:
        return
    message = f"{what}: HTTP {status}: {platform_message(response)}"
    if status == 429:
        raise CollectorError(message, retry_after=retry_after(response) or DEFAULT_RATE_LIMIT_WAIT)
    if status >= 500 or status == 408:
        raise CollectorError(message, retry_after=retry_after(response))
    raise PlatformRejected(message, status=status)


def retry_after(response: httpx.Response) -> float | None:
    """Retry-After is either delay-seconds or an HTTP date (RFC 9110 10.2.3)."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def platform_message(response: httpx.Response) -> str:
    """The platform's own words for the failure, from whichever error shape it uses."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    text = _message_from(body) if isinstance(body, dict) else None
    return bounded(text or response.text.strip() or response.reason_phrase, MAX_MESSAGE_CHARS)


def _message_from(body: dict[str, Any]) -> str | None:
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):  # App Store Connect
        first = errors[0]
        return " - ".join(str(first[key]) for key in ("code", "title", "detail") if first.get(key))
    error = body.get("error")
    if isinstance(error, dict):  # Google APIs
        return " ".join(str(part) for part in (error.get("status"), error.get("message")) if part)
    if isinstance(error, str):  # OAuth 2.0 token endpoint
        return f"{error}: {body.get('error_description', '')}".rstrip(": ")
    fault = body.get("fault")
    if isinstance(fault, dict):  # Trustpilot's API gateway
        return str(fault.get("faultstring", ""))
    message = body.get("message") or body.get("details")
    return str(message) if message else None


def bounded(value: Any, limit: int) -> str:
    text = clean_text(str(value)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def require(settings: Settings | None, name: str) -> Any:
    value = getattr(settings, name, None) if settings is not None else None
    if value is None or value == "" or (hasattr(value, "get_secret_value") and not value.get_secret_value()):
        raise PermanentCollectorError(f"{name.upper()} is not set")
    return value


class TokenCache:
    """Bearer tokens by credential, reused until shortly before they expire. Collectors are built for each
    fetch, so the process-wide TOKENS is what spares a signature or a token exchange per fetch."""

    def __init__(self, clock: Callable[[], float] = time.time, margin: float = 60.0) -> None:
        self.clock = clock
        self.margin = margin
        self._tokens: dict[Hashable, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[float], tuple[str, float]]) -> str:
        """`make(now)` returns a new token and the time it expires."""
        now = self.clock()
        with self._lock:
            cached = self._tokens.get(key)
        if cached and cached[1] - self.margin > now:
            return cached[0]
        token, expires_at = make(now)
        with self._lock:
            self._tokens[key] = (token, expires_at)
        return token


TOKENS = TokenCache()
