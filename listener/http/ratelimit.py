"""How long to wait before asking a platform again, from what its rate-limit answer says."""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

# When a platform says "slow down" without saying for how long, wait one typical rate-limit window.
DEFAULT_WAIT_SECONDS = 60.0
MIN_WAIT_SECONDS = 1.0

_WAIT_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*(milliseconds?|seconds?|minutes?|hours?)", re.IGNORECASE)
_UNIT_SECONDS = {"millisecond": 0.001, "second": 1.0, "minute": 60.0, "hour": 3600.0}


def at_least_one_second(seconds: float) -> float:
    return max(MIN_WAIT_SECONDS, seconds)


def until_epoch(reset_epoch: float, now: float) -> float:
    """Seconds from `now` until an absolute reset time (X's x-rate-limit-reset is Unix seconds)."""
    return at_least_one_second(reset_epoch - now)


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by name, whatever its case (requests' headers are case-insensitive, plain dicts are not)."""
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def retry_after(value: str | None, now: float) -> float | None:
    """A Retry-After header: delay seconds or an HTTP date."""
    if not value:
        return None
    try:
        return at_least_one_second(float(value))
    except ValueError:
        pass
    try:
        return until_epoch(parsedate_to_datetime(value).timestamp(), now)
    except (TypeError, ValueError):
        return None


def wait_in_text(message: str) -> float | None:
    """The wait a human-readable limit message names, e.g. "try again in 7 minutes"."""
    found = _WAIT_IN_TEXT.search(message)
    if found is None:
        return None
    unit = found.group(2).lower().rstrip("s")
    return at_least_one_second(float(found.group(1)) * _UNIT_SECONDS[unit])
