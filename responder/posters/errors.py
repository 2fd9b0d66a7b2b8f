"""How a post attempt failed, sorted by what it means for the reply: the request was certainly not acted on
(retry later), refused for good (a human fixes it), or it may have reached the platform (check, never resend)."""

from __future__ import annotations

import httpx
import requests
import urllib3.exceptions

from listener.base import CollectorError
from listener.http.status import is_not_acted_on


class PostError(Exception):
    """Base of the poster errors; the message is what the operator sees on the reply."""


class NotSent(PostError):
    """Known not to have been acted on (408, 429, connection refused): the reply goes back to approved and the task
    retries after `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Rejected(PostError):
    """The platform refused it for good (401/403/content rejected): the reply fails with this message."""


class NeedsManual(PostError):
    """The platform does not allow this reply through its API: a person posts it by hand."""


class MaybeSent(PostError):
    """The request may have reached the platform (timeout, reset after sending, 5xx on a create)."""


def from_status(status: int | None, message: str, *, retry_after: float | None, create: bool) -> PostError:
    """An HTTP answer other than success. A 408 or 429 refuses the request before the platform acts on it; a
    5xx (or no status at all) after a create leaves its fate unknown, while repeating an upsert is harmless."""
    if is_not_acted_on(status):
        return NotSent(message, retry_after=retry_after)
    if status is not None and 400 <= status < 500:
        return Rejected(message)
    return MaybeSent(message) if create else NotSent(message, retry_after=retry_after)


def from_collector_error(error: CollectorError) -> PostError:
    """A failure of the listener's shared plumbing before the reply was sent (e.g. fetching a token)."""
    if error.transient:
        return NotSent(str(error), retry_after=error.retry_after)
    return Rejected(str(error))


def as_upsert(error: PostError) -> PostError:
    """Repeating an upsert sets the same text again, so an ambiguous outcome is simply retried."""
    return NotSent(str(error)) if isinstance(error, MaybeSent) else error


def from_requests_error(error: BaseException, what: str) -> PostError:
    """A `requests` failure: only a failure to connect proves the request never left."""
    if isinstance(error, requests.ConnectTimeout) or _failed_to_connect(error):
        return NotSent(f"{what}: could not connect ({type(error).__name__})")
    return MaybeSent(f"{what}: no answer, the request may have been received ({type(error).__name__}: {error})")


def from_httpx_error(error: httpx.TransportError, what: str) -> PostError:
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout | httpx.UnsupportedProtocol):
        return NotSent(f"{what}: could not connect ({type(error).__name__})")
    return MaybeSent(f"{what}: no answer, the request may have been received ({type(error).__name__}: {error})")


def _failed_to_connect(error: BaseException | None) -> bool:
    """Walks the wrapped causes: requests wraps urllib3's MaxRetryError, which names the reason."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError):
            return True
        if isinstance(error, urllib3.exceptions.MaxRetryError):
            error = error.reason
        elif error.args and isinstance(error.args[0], BaseException):
            error = error.args[0]
        else:
            error = error.__cause__ or error.__context__
        seen += 1
    return False
