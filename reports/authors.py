"""One author across their mentions: the earlier ones, and whether they are a repeat complainer.

A repeat complainer has at least REPEAT_COMPLAINTS complaints (complaint score at or above the drafting
threshold) on the same network under the same author_id within the last REPEAT_WINDOW. Authors are matched by
(network, author_id) only: display names are neither stable nor unique."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import Mention
from models.base import utcnow
from models.complaint import COMPLAINT_THRESHOLD

REPEAT_COMPLAINTS = 2
REPEAT_WINDOW = timedelta(days=30)
MAX_EARLIER_MENTIONS = 5

AuthorKey = tuple[str, str]  # (network, author_id)


@dataclass(frozen=True)
class AuthorHistory:
    earlier: list[Mention]  # newest first
    complaints_in_window: int
    repeat_complainer: bool


def author_history(session: Session, mention: Mention, *, limit: int = MAX_EARLIER_MENTIONS,
                   now: datetime | None = None) -> AuthorHistory | None:
    """None when the mention has no stable author id to group by."""
    if not mention.author_id:
        return None
    statement = (select(Mention).where(Mention.network == mention.network, Mention.author_id == mention.author_id,
                                       col(Mention.id) != mention.id,
                                       sa.or_(col(Mention.created_at) < mention.created_at,
                                              sa.and_(col(Mention.created_at) == mention.created_at,
                                                      col(Mention.id) < mention.id)))
                 .order_by(col(Mention.created_at).desc(), col(Mention.id).desc()).limit(limit))
    key = (mention.network, mention.author_id)
    complaints = complaint_counts(session, [key], now=now).get(key, 0)
    return AuthorHistory(list(session.exec(statement).all()), complaints, complaints >= REPEAT_COMPLAINTS)


def repeat_complainers(session: Session, authors: Iterable[tuple[str, str | None]], *,
                       now: datetime | None = None) -> set[AuthorKey]:
    """Which of these authors are repeat complainers, in one grouped query (for a page of the queue)."""
    counts = complaint_counts(session, authors, now=now)
    return {key for key, count in counts.items() if count >= REPEAT_COMPLAINTS}


def complaint_counts(session: Session, authors: Iterable[tuple[str, str | None]], *,
                     now: datetime | None = None) -> dict[AuthorKey, int]:
    keys = {(network, author_id) for network, author_id in authors if author_id}
    if not keys:
        return {}
    since = (now or utcnow()) - REPEAT_WINDOW
    # Filtered by author_id (indexed) first; the network is checked per row since ids are per network.
    statement = (select(Mention.network, Mention.author_id, sa.func.count())
                 .where(col(Mention.author_id).in_({author_id for _network, author_id in keys}),
                        col(Mention.complaint) >= COMPLAINT_THRESHOLD, col(Mention.created_at) >= since,
                        col(Mention.duplicate_of_id).is_(None))
                 .group_by(col(Mention.network), col(Mention.author_id)))
    return {(network, author_id): count for network, author_id, count in session.exec(statement)
            if author_id and (network, author_id) in keys}
