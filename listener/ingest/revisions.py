"""Edited reviews. A review site sends a review again when its author edits it, under the same id: the stored
mention takes the new words and rating, keeps what they replace as a MentionVersion, has its scores cleared so
that it is scored (and drafted for) again, and is flagged when the edit came after the review was answered:
that is the review a manager must read again.

Only a real change makes a version: the words (title and text, spacing aside), the rating, or the platform's
time of the author's last edit. The same review fetched again unchanged changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from listener.base import RawMention
from listener.collectors.reviews import EDITED_AT
from listener.ingest.duplicates import fingerprint_hash
from listener.ingest.store import Key, first_of_each
from listener.platforms import REVISABLE_NETWORKS
from models import Mention, MentionStatus, Reply, ReplyStatus, record_event
from models.mention import MentionVersion

SCORE_FIELDS = ("language", "sentiment", "confidence", "complaint", "question", "topics", "reason", "model_name",
                "model_version", "scored_at")


def revise_stored(session: Session, mentions: Sequence[RawMention], *, inserted: Collection[Key],
                  now: datetime) -> list[int]:
    """Store the edits among `mentions` (those just `inserted` aside); returns the ids of the mentions revised."""
    heard = {key: mention for key, mention in first_of_each(mentions).items()
             if mention.network in REVISABLE_NETWORKS and key not in inserted}
    changed = [row_id for key, (row_id, snapshot) in _stored_content(session, list(heard)).items()
               if is_edit(snapshot, heard[key]) or snapshot.extra != heard[key].extra]
    if not changed:
        return []
    # Locked and compared again: another run may have stored the same edit since, and must not make a second version
    statement = select(Mention).where(col(Mention.id).in_(changed)).order_by(col(Mention.id)).with_for_update()
    revised: list[int] = []
    for stored in list(session.exec(statement)):
        incoming = heard[(stored.network, stored.external_id)]
        if is_edit(stored, incoming):
            revised.append(revise(session, stored, incoming, now=now))
        elif stored.extra != incoming.extra:  # e.g. the platform now shows a reply: kept, but it is no new version
            stored.extra = incoming.extra
            session.add(stored)
    session.flush()
    return revised


@dataclass(frozen=True)
class Snapshot:
    """What a stored review says, read without loading (or locking) the whole row."""

    title: str | None
    text: str
    rating: int | None
    extra: dict[str, Any] | None


def _stored_content(session: Session, keys: Sequence[Key]) -> dict[Key, tuple[int, Snapshot]]:
    if not keys:
        return {}
    statement = (sa.select(col(Mention.id), col(Mention.network), col(Mention.external_id), col(Mention.title),
                           col(Mention.text), col(Mention.rating), col(Mention.extra))
                 .where(sa.tuple_(col(Mention.network), col(Mention.external_id)).in_(keys)))
    return {(network, external_id): (row_id, Snapshot(title, text, rating, extra))
            for row_id, network, external_id, title, text, rating, extra in session.execute(statement)}


def is_edit(stored: Snapshot | Mention, incoming: RawMention) -> bool:
    if _words(stored.title, stored.text) != _words(incoming.title, incoming.text) or stored.rating != incoming.rating:
        return True
    before, after = _edited_at(stored.extra), _edited_at(incoming.extra)
    # A platform may date a review anew when the business replies: that is no edit of the customer's
    return before is not None and after is not None and before != after and not _reply_moved(stored, incoming)


def _reply_moved(stored: Snapshot | Mention, incoming: RawMention) -> bool:
    reply_at = (incoming.extra or {}).get("reply_at")
    return reply_at is not None and reply_at != (stored.extra or {}).get("reply_at")


def revise(session: Session, mention: Mention, incoming: RawMention, *, now: datetime) -> int:
    """Keep the stored words as a version, take the new ones and send the mention back to be scored; its id."""
    if mention.id is None:
        raise ValueError("only a stored mention has versions")
    number = _versions_kept(session, mention) + 1
    session.add(MentionVersion(mention_id=mention.id, number=number, title=mention.title, text=mention.text,
                               rating=mention.rating, extra=mention.extra, sentiment=mention.sentiment,
                               confidence=mention.confidence, superseded_at=now))
    after_reply = answered(session, mention, incoming)
    previous_rating = mention.rating
    mention.title, mention.text, mention.rating = incoming.title, incoming.text, incoming.rating
    mention.extra, mention.language_hint = incoming.extra, incoming.language
    mention.fingerprint = fingerprint_hash(incoming.text)
    for name in SCORE_FIELDS:
        setattr(mention, name, None)
    mention.status = MentionStatus.new.value  # what the scorer picks up; drafting then decides the tab
    if after_reply:
        mention.edited_after_reply_at = now
    session.add(mention)
    record_event(session, "mention.edited", mention_id=mention.id, version=number + 1, after_reply=after_reply,
                 rating=incoming.rating, previous_rating=previous_rating)
    return mention.id


def answered(session: Session, mention: Mention, incoming: RawMention) -> bool:
    """A reply had gone out before this version arrived: one of ours, or one the platform shows (written in its
    own console), already on the stored version or dated before this edit."""
    if (mention.extra or {}).get("reply") or _replied_before_edit(incoming.extra):
        return True
    posted = select(Reply.id).where(Reply.mention_id == mention.id, Reply.status == ReplyStatus.posted.value)
    return session.exec(posted.limit(1)).first() is not None


def _versions_kept(session: Session, mention: Mention) -> int:
    statement = select(func.count()).select_from(MentionVersion).where(MentionVersion.mention_id == mention.id)
    return int(session.exec(statement).one())


def _words(title: str | None, text: str) -> str:
    return " ".join(" ".join(part for part in (title, text) if part).split())


def _edited_at(extra: dict[str, Any] | None) -> str | None:
    value = (extra or {}).get(EDITED_AT)
    return value if isinstance(value, str) and value else None


def _replied_before_edit(extra: dict[str, Any] | None) -> bool:
    reply_at, edited_at = _time((extra or {}).get("reply_at")), _time(_edited_at(extra))
    return bool((extra or {}).get("reply")) and reply_at is not None and edited_at is not None and reply_at < edited_at


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
