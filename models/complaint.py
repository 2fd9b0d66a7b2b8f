"""What a complaint is, in one place every process may import: drafting, lint, the queue, reports and the scorer."""

from __future__ import annotations

from typing import Protocol

COMPLAINT_THRESHOLD = 0.5


class Judged(Protocol):
    """What the definition reads of a mention: a Mention row, or lint's Draft of one."""

    @property
    def complaint(self) -> float | None: ...

    @property
    def sentiment(self) -> str | None: ...

    @property
    def rating(self) -> int | None: ...

    @property
    def in_reply_to_brand(self) -> bool | None: ...


def complaint_by_score(score: float | None) -> bool:
    """The complaint model's verdict alone (the queue's complaint filter and badge, the scorer's reason)."""
    return (score or 0.0) >= COMPLAINT_THRESHOLD


def is_complaint(mention: Judged) -> bool:
    """A complaint to answer, with an apology: the complaint score says so, or the mention is negative and speaks
    to the brand. Negative news or commentary about the brand is not one."""
    return complaint_by_score(mention.complaint) or (mention.sentiment == "negative" and addressed_to_brand(mention))


def addressed_to_brand(mention: Judged) -> bool:
    """A review of the brand, or a post that @mentions, quotes or answers the brand account."""
    return mention.rating is not None or mention.in_reply_to_brand is True
