"""The demo workspace: starter saved replies and a replay source over the bundled recording."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import Session, select

from models import Source
from responder.library import load_starter_saved_replies

DEMO_SOURCE_NAME = "Demo: Lumo Home (replay)"
# File time that maps onto the moment of loading: earlier rows are history, the hour-long complaint
# burst at 14:00 on Nov 5 then arrives about a minute after start at the default speed of 60x.
DEMO_SPLIT = datetime(2026, 11, 5, 13, 0, tzinfo=timezone.utc)


def load_demo_workspace(session: Session, *, now: datetime, speed: float) -> Source:
    """Idempotent: a second load keeps the existing replay source and its cursor."""
    load_starter_saved_replies(session)
    existing = session.exec(select(Source).where(Source.name == DEMO_SOURCE_NAME)).first()
    if existing is not None:
        return existing
    source = Source(
        name=DEMO_SOURCE_NAME, collector="replay", network="mixed",
        config={"anchor": now.isoformat(), "split": DEMO_SPLIT.isoformat(), "speed": speed},
    )
    session.add(source)
    session.flush()
    return source
