"""What a platform's HTTP status means for asking again: one answer for every collector and poster.

408 (the server gave up waiting for the request) and 429 (too many requests) are refusals of this one request
before the platform acted on it, so the same request may pass later, on every network. A 5xx is the
platform's own trouble: transient too, though for a create it leaves open whether the platform acted.
"""

from __future__ import annotations

NOT_ACTED_ON = frozenset({408, 429})


def is_not_acted_on(status: int | None) -> bool:
    """The platform refused this request before acting on it and a later try may pass."""
    return status in NOT_ACTED_ON


def is_transient_status(status: int | None) -> bool:
    """A failure worth retrying later, not a reason to disable the source or fail the reply."""
    return status is not None and (status in NOT_ACTED_ON or status >= 500)
