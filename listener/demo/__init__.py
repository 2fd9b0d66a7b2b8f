"""The demo workspace's listening half: a replay source over the bundled recording (`earful demo load` also adds
the responder's starter saved replies)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import Session, select

from listener.platforms import MIXED
from models import Source

DEMO_SOURCE_NAME = "Demo: Lumo Home (replay)"
# File time that maps onto the moment of loading: earlier rows are history, the hour-long complaint
# burst at 14:00 on Nov 5 then arrives about a minute after start at the default speed of 60x.
DEMO_SPLIT = datetime(2026, 11, 5, 13, 0, tzinfo=timezone.utc)


def load_demo_source(session: Session, *, now: datetime, speed: float) -> Source:
    """Idempotent: a second load keeps the existing replay source and its cursor."""
    existing = session.exec(select(Source).where(Source.name == DEMO_SOURCE_NAME)).first()
    return existing or _replay_source(session, now=now, speed=speed)


def _replay_source(session: Session, *, now: datetime, speed: float) -> Source:
    source = Source(
        name=DEMO_SOURCE_NAME, collector="replay", network=MIXED,
        config={"anchor": now.isoformat(), "split": DEMO_SPLIT.isoformat(), "speed": speed},
    )
    session.add(source)
    session.flush()
    return source
