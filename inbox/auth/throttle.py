"""Login throttling: a limit per client address and an exponential back-off per account, in the shared store.

Back-off rather than a lock: locking an account after five wrong passwords let anyone who knew an email keep its
owner out for as long as they cared to keep guessing. Here, after the free failures, one attempt per window is
evaluated and the window doubles with each further failure, up to a few minutes: guessing stays slow, and the
owner waits that long at worst. The owner's usual browser is not slowed at all: a browser that has logged in to the
account before counts its failures apart (web.auth.devices), so an attack from elsewhere leaves it alone.

A refusal is cheap (no password hash is checked) and says nothing about whether the account exists: unknown emails
back off exactly like known ones.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Literal

from limits.storage import Storage

from settings import Settings

BASE_BACKOFF_SECONDS = 2
# Failures are forgotten a day after the first of them, so a slow guesser starts over no more than daily.
FAILURE_MEMORY_SECONDS = 24 * 3600

Scope = Literal["address", "account"]


@dataclass(frozen=True)
class ThrottlePolicy:
    attempts_per_address: int
    address_window: int
    free_failures: int
    max_backoff: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrottlePolicy:
        return cls(attempts_per_address=settings.login_attempts_per_address,
                   address_window=settings.login_address_window_seconds,
                   free_failures=settings.login_free_failures, max_backoff=settings.login_backoff_max_seconds)

    def backoff(self, failures: int) -> int:
        """Seconds during which one attempt is evaluated, after this many consecutive failures (0: no back-off)."""
        if failures < self.free_failures:
            return 0
        doublings = min(failures - self.free_failures, 32)
        return int(min(BASE_BACKOFF_SECONDS * 2**doublings, self.max_backoff))


@dataclass(frozen=True)
class Refusal:
    scope: Scope
    retry_after: int  # seconds
    first: bool  # the first refusal of its window, the one that is audited (a flood writes one event, not many)


def account_subject(email: str) -> str:
    """The back-off key of an account for browsers it does not know; a digest, so the store holds no email."""
    return "account/" + hashlib.sha256(email.encode("utf-8")).hexdigest()


def device_subject(nonce: str) -> str:
    return "device/" + nonce


def hit_address(store: Storage, policy: ThrottlePolicy, address: str) -> Refusal | None:
    """Count one attempt from this address; a Refusal once the window's attempts are used up."""
    key = f"address/{address}"
    count = store.incr(key, policy.address_window)
    if count <= policy.attempts_per_address:
        return None
    return Refusal("address", _seconds_left(store, key), first=count == policy.attempts_per_address + 1)


def claim_attempt(store: Storage, policy: ThrottlePolicy, subject: str) -> Refusal | None:
    """Let an attempt on this subject be evaluated, or refuse it while the subject backs off.

    A failure opens a window (record_failure); once it has passed, the first attempt claims the next one with an
    atomic increment, so parallel attempts, in any process, cannot both get through.
    """
    # Adding nothing reads the count and, in the database store, locks its row: every path takes a subject's failure
    # count before its back-off counter, so concurrent attempts queue instead of deadlocking.
    window = policy.backoff(store.incr(_failures_key(subject), FAILURE_MEMORY_SECONDS, amount=0))
    if not window:
        return None
    key = _backoff_key(subject)
    claims = store.incr(key, window)
    if claims == 1:
        return None
    return Refusal("account", _seconds_left(store, key), first=claims == 2)


def record_failure(store: Storage, policy: ThrottlePolicy, subject: str) -> int:
    """Count a wrong password, opening a back-off window from now once the free failures are used up; returns the
    consecutive failures so far."""
    failures = store.incr(_failures_key(subject), FAILURE_MEMORY_SECONDS)
    window = policy.backoff(failures)
    if window:
        store.clear(_backoff_key(subject))
        store.incr(_backoff_key(subject), window)
    return failures


def record_success(store: Storage, subject: str) -> None:
    store.clear(_failures_key(subject))
    store.clear(_backoff_key(subject))


def _failures_key(subject: str) -> str:
    return f"failures/{subject}"


def _backoff_key(subject: str) -> str:
    return f"backoff/{subject}"


def _seconds_left(store: Storage, key: str) -> int:
    return max(1, math.ceil(store.get_expiry(key) - time.time()))
