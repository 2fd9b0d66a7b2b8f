"""Alert channels as admins see them: create, list with their state (why a channel was disabled), re-enable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from alerts.channels import check_config, redacted
from models import User, record_event
from models.alert_delivery import AlertChannel, AlertDelivery, DeliveryStatus
from models.base import utcnow
from settings import Settings

WAITING = (DeliveryStatus.pending.value, DeliveryStatus.sending.value, DeliveryStatus.unknown.value)


@dataclass(frozen=True)
class ChannelState:
    id: int
    name: str
    kind: str
    target: str  # where it sends, without secrets: recipients, or the webhook's host
    enabled: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    last_sent_at: datetime | None
    waiting: int  # deliveries not yet settled
    failed: int


def create_channel(session: Session, *, name: str, kind: str, config: dict[str, object], settings: Settings,
                   actor: User | None = None) -> AlertChannel:
    """ValueError (with a message for the form) when the kind is unknown or the config cannot work."""
    channel = AlertChannel(name=name.strip()[:120] or kind, kind=kind, config=check_config(kind, config, settings))
    session.add(channel)
    session.flush()
    record_event(session, "alert.channel.created", actor=actor, channel_id=channel.id, kind=kind)
    return channel


def list_channels(session: Session) -> list[ChannelState]:
    counts: dict[tuple[int, str], int] = {}
    rows = session.exec(select(AlertDelivery.channel_id, AlertDelivery.status, sa.func.count())
                        .group_by(col(AlertDelivery.channel_id), col(AlertDelivery.status))).all()
    for channel_id, status, count in rows:
        counts[(channel_id, status)] = count
    states = []
    for channel in session.exec(select(AlertChannel).order_by(col(AlertChannel.id))).all():
        pk = channel.id or 0
        states.append(ChannelState(
            id=pk, name=channel.name, kind=channel.kind, target=describe_target(channel), enabled=channel.enabled,
            disabled_reason=channel.disabled_reason, disabled_at=channel.disabled_at,
            last_sent_at=channel.last_sent_at, waiting=sum(counts.get((pk, status), 0) for status in WAITING),
            failed=counts.get((pk, DeliveryStatus.failed.value), 0)))
    return states


def enable_channel(session: Session, channel_id: int, *, actor: User | None = None) -> AlertChannel | None:
    """An admin fixed the endpoint or credentials: use the channel again (deliveries that failed stay failed)."""
    channel = session.get(AlertChannel, channel_id)
    if channel is None:
        return None
    channel.enabled, channel.disabled_reason, channel.disabled_at = True, None, None
    session.add(channel)
    record_event(session, "alert.channel.enabled", actor=actor, channel_id=channel_id)
    session.flush()
    return channel


def disable_channel(session: Session, channel_id: int, *, actor: User | None = None) -> AlertChannel | None:
    """An admin pauses a channel: nothing new is queued for it; the reason on the page says who did it."""
    channel = session.get(AlertChannel, channel_id)
    if channel is None:
        return None
    if channel.enabled:
        who = actor.email if actor is not None else "an admin"
        channel.enabled, channel.disabled_reason, channel.disabled_at = False, f"disabled by {who}", utcnow()
        session.add(channel)
        record_event(session, "alert.channel.disabled", actor=actor, channel_id=channel_id)
        session.flush()
    return channel


def describe_target(channel: AlertChannel) -> str:
    if channel.kind == "email":
        return ", ".join(str(address) for address in channel.config.get("to", []))
    return redacted(str(channel.config.get("url", "")))
