"""How a send failed, sorted by what it means for the delivery and its channel (rule 5)."""

from __future__ import annotations

import httpx

from listener.http.status import is_transient_status

# The receiver says this endpoint or credential is gone or not ours: no later try can pass.
DISABLING_STATUSES = frozenset({401, 403, 404, 410})


class ChannelError(Exception):
    """Base of the send failures; the message is what an admin sees on the delivery or the channel."""


class Transient(ChannelError):
    """Try again later (refused connection, timeout, 408/429/5xx). `maybe_received` when the request may have
    arrived (a read timeout, a reset after sending): the retry carries the same delivery id for the receiver
    to drop; `retry_after` is the receiver's own wait when it gave one."""

    def __init__(self, message: str, *, retry_after: float | None = None, maybe_received: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.maybe_received = maybe_received


class Rejected(ChannelError):
    """This message was refused for good (e.g. a 400 on its payload); the channel itself still works."""


class Broken(ChannelError):
    """The channel cannot deliver anything (401/403/404/410, bad address, bad credentials): disable it."""


def from_status(status: int, message: str, *, retry_after: float | None) -> ChannelError:
    if is_transient_status(status):
        return Transient(message, retry_after=retry_after, maybe_received=status >= 500)
    if status in DISABLING_STATUSES:
        return Broken(message)
    return Rejected(message)


def from_transport(error: httpx.TransportError, what: str) -> Transient:
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Transient(f"{what}: could not connect ({type(error).__name__})")
    return Transient(f"{what}: no answer ({type(error).__name__}: {error})", maybe_received=True)
