"""The append-only audit trail: one row per state change, never updated or deleted."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Field, Session, SQLModel

from models.base import json_column, utc_column, utcnow
from models.user import User


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    actor: str = Field(default="system", max_length=254)
    action: str = Field(max_length=64, index=True)
    mention_id: int | None = Field(default=None, foreign_key="mention.id", index=True)
    reply_id: int | None = Field(default=None, foreign_key="reply.id", index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=json_column(nullable=False))


def record_event(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    mention_id: int | None = None,
    reply_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one audit row in the caller's transaction, so the event and the change commit together."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        actor=actor.email if actor else "system",
        mention_id=mention_id,
        reply_id=reply_id,
        details=details,
    )
    session.add(event)
    return event


def apply_audited_changes(session: Session, row: SQLModel, values: Mapping[str, Any], action: str, *,
                          actor: User | None, touch: str | None = None, **ids: Any) -> dict[str, Any]:
    """Set the fields of `values` that differ from `row`'s (and the timestamp field `touch`, if any, to now), flush,
    and record one `action` event of `ids` and the changed fields. Returns those; {} with no event when none did."""
    changed = {key: value for key, value in values.items() if getattr(row, key) != value}
    if not changed:
        return changed
    for key, value in changed.items():
        setattr(row, key, value)
    if touch is not None:
        setattr(row, touch, utcnow())
    session.flush()
    record_event(session, action, actor=actor, **ids, **changed)
    return changed
