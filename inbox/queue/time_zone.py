"""A person's time zone: the IANA zone the pages show times in, or None for the workspace's. Flask-free."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from sqlmodel import Session

from models import User, record_event
from models.errors import Invalid


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """The zones offered: region/city names and UTC, not the legacy aliases (EST5EDT, Cuba, ...)."""
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def set_time_zone(session: Session, user: User, name: str) -> bool:
    """Empty: back to the workspace's. Raises Invalid for a name that is not one of zone_names(). Returns whether
    it changed."""
    cleaned = name.strip() or None
    if cleaned is not None and cleaned not in zone_names():
        raise Invalid({"time_zone": "Choose a time zone from the list, such as Europe/Berlin or Asia/Tokyo."})
    if cleaned == user.time_zone:
        return False
    user.time_zone = cleaned
    session.add(user)
    record_event(session, "user.time_zone_changed", actor=user, time_zone=cleaned or "workspace")
    session.flush()
    return True
