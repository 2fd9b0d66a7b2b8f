"""Login throttling's back-off policy and its database counters (the HTTP side: tests/web/test_auth_throttle.py)."""

from __future__ import annotations

from sqlmodel import Session

from inbox.auth.counters import DatabaseStorage
from inbox.auth.throttle import ThrottlePolicy


def test_back_off_doubles_up_to_its_ceiling() -> None:
    policy = ThrottlePolicy(attempts_per_address=20, address_window=300, free_failures=5, max_backoff=300)
    assert [policy.backoff(failures) for failures in range(4, 15)] == [0, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert policy.backoff(10_000) == 300


def test_database_counters_are_fixed_windows(db_session: Session) -> None:
    now = [1_000.0]
    store = DatabaseStorage(db_session, clock=lambda: now[0])
    assert [store.incr("k", 10) for _ in range(3)] == [1, 2, 3]
    assert store.get("k") == 3 and store.get_expiry("k") == 1_010.0
    now[0] = 1_009.0
    assert store.incr("k", 10) == 4 and store.get_expiry("k") == 1_010.0  # later hits do not extend the window
    now[0] = 1_010.0
    assert store.get("k") == 0 and store.get_expiry("k") == 1_010.0
    assert store.incr("k", 10) == 1 and store.get_expiry("k") == 1_020.0
    store.incr("other", 5)
    store.clear("k")
    assert store.get("k") == 0 and store.get("other") == 1
    assert store.check() and store.reset() == 1
