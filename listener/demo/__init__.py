"""The demo workspace: starter saved replies and a replay source over the bundled recording."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlmodel import Session, select

from listener.networks import MIXED
from models import Source
from responder.library import StarterLoad, load_starter_saved_replies

DEMO_SOURCE_NAME = "Demo: Lumo Home (replay)"
# File time that maps onto the moment of loading: earlier rows are history, the hour-long complaint
# burst at 14:00 on Nov 5 then arrives about a minute after start at the default speed of 60x.
DEMO_SPLIT = datetime(2026, 11, 5, 13, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class DemoWorkspace:
    source: Source
    starters: StarterLoad


def load_demo_workspace(session: Session, *, now: datetime, speed: float) -> DemoWorkspace:
    """Idempotent: a second load keeps the existing replay source and its cursor."""
    starters = load_starter_saved_replies(session)
    existing = session.exec(select(Source).where(Source.name == DEMO_SOURCE_NAME)).first()
    return DemoWorkspace(existing or _replay_source(session, now=now, speed=speed), starters)


def _replay_source(session: Session, *, now: datetime, speed: float) -> Source:
    source = Source(
        name=DEMO_SOURCE_NAME, collector="replay", network=MIXED,
        config={"anchor": now.isoformat(), "split": DEMO_SPLIT.isoformat(), "speed": speed},
    )
    session.add(source)
    session.flush()
    return source
