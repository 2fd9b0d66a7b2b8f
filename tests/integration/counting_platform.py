"""The loopback Mastodon of the responder tests, slowed a little per post so that restarts catch replies in flight,
and able to say how many times each reply was posted."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from tests.responder.fake_mastodon import FakeMastodon


class Gate:
    """Holds one POST at the platform: `arrived` is set when it comes in; it is answered after `release()`."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.released = threading.Event()

    def release(self) -> None:
        self.released.set()


class CountingMastodon(FakeMastodon):
    def __init__(self, post_delay: float = 0.0) -> None:
        super().__init__()
        self.post_delay = post_delay
        self.gate: Gate | None = None

    def hold_next_post(self) -> Gate:
        """The next POST waits (at most a minute) until the caller has done what it wants meanwhile, such as
        stopping the database the worker will record the outcome in."""
        gate = Gate()
        with self.lock:
            self.gate = gate
        return gate

    def __enter__(self) -> CountingMastodon:
        super().__enter__()
        return self

    def create(self, form: dict[str, str], key: str | None) -> dict[str, Any]:
        with self.lock:
            gate, self.gate = self.gate, None
        if gate is not None:
            gate.arrived.set()
            gate.released.wait(timeout=60)
        time.sleep(self.post_delay)  # the platform takes a moment; a worker or server may die meanwhile
        return super().create(form, key)

    def posts_per_reply(self) -> Counter[str]:
        """POSTs received per Idempotency-Key (the poster sends earful-reply-<id>)."""
        with self.lock:
            return Counter(str(post["idempotency_key"]) for post in self.posts)

    def posts_per_status(self) -> Counter[str]:
        """POSTs received per customer status answered (in_reply_to_id): a second reply to one customer shows here
        even if it came from a second reply row."""
        with self.lock:
            return Counter(str(post["form"].get("in_reply_to_id")) for post in self.posts)
