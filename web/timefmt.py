"""Times as people read them: exact local time in the viewer's time zone (the user's own when the user has one,
else the workspace's), and relative time ("5 min ago") with the exact local time on hover."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, current_app, g, has_request_context
from flask_login import current_user
from markupsafe import Markup

EXACT_FORMAT = "%Y-%m-%d %H:%M %Z"
_RELATIVE = Markup('<time datetime="{}" title="{}">{}</time>')
_STEPS = ((60, "min", 60), (24 * 60, "h", 60 * 60), (7 * 24 * 60, "d", 24 * 60 * 60))


def zone_named(name: str | None) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def viewer_zone() -> tzinfo:
    """The signed-in user's time zone if the user has one, else the workspace's (WORKSPACE_TIMEZONE), else UTC."""
    if has_request_context():
        for user in (getattr(g, "user", None), current_user):
            zone = zone_named(getattr(user, "time_zone", None))
            if zone is not None:
                return zone
    settings = current_app.config.get("EARFUL_SETTINGS")
    return zone_named(getattr(settings, "workspace_timezone", None)) or timezone.utc


def to_local(value: datetime, zone: tzinfo) -> datetime:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)  # stored times are UTC
    return aware.astimezone(zone)


def exact(value: datetime | None, zone: tzinfo) -> str:
    return "" if value is None else to_local(value, zone).strftime(EXACT_FORMAT)


def relative(value: datetime, now: datetime, zone: tzinfo) -> str:
    """ "just now", "5 min ago", "3 h ago", "2 d ago", "in 10 min"; beyond a week the local date."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    seconds = (now - aware).total_seconds()
    minutes = abs(seconds) / 60
    if minutes < 1:
        return "just now"
    for limit, unit, size in _STEPS:
        if minutes < limit:
            amount = int(abs(seconds) // size)
            return f"{amount} {unit} ago" if seconds > 0 else f"in {amount} {unit}"
    local = to_local(aware, zone)
    return local.strftime("%b %-d") if local.year == now.astimezone(zone).year else local.strftime("%Y-%m-%d")


def localtime(value: datetime | None) -> str:
    return exact(value, viewer_zone())


def reltime(value: datetime | None) -> Markup:
    if value is None:
        return Markup("")
    zone = viewer_zone()
    shown = relative(value, datetime.now(timezone.utc), zone)
    return _RELATIVE.format(to_local(value, zone).isoformat(), exact(value, zone), shown)


def init_app(app: Flask) -> None:
    app.add_template_filter(localtime)
    app.add_template_filter(reltime)
