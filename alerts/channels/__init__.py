"""Alert channels: a small Protocol and an explicit registry keyed by the stored `AlertChannel.kind`.

Modules are imported on first use (rule 2). Slack, Teams and the signed webhook speak each platform's documented
payload over httpx rather than through apprise: apprise reports success as a bool, which would hide the status
code that decides between retrying (429/5xx, honouring Retry-After) and disabling the channel (401/404/410),
and it cannot add our delivery id and HMAC signature headers. Email uses the standard library's smtplib.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol
from urllib.parse import urlsplit

from alerts.message import AlertMessage
from settings import Settings

CHANNELS: dict[str, str] = {
    "email": "alerts.channels.smtp",
    "slack": "alerts.channels.slack",
    "teams": "alerts.channels.teams",
    "webhook": "alerts.channels.webhook",
}


class Channel(Protocol):
    def send(self, message: AlertMessage, delivery_id: str) -> str:
        """Deliver once; return a short receipt for the record, or raise an alerts.channels.errors error."""
        ...


class ChannelModule(Protocol):
    def check_config(self, config: dict[str, Any], settings: Settings) -> dict[str, Any]: ...
    def build(self, config: dict[str, Any], settings: Settings) -> Channel: ...


def channel_module(kind: str) -> ChannelModule:
    try:
        path = CHANNELS[kind]
    except KeyError:
        raise ValueError(f"unknown alert channel kind {kind!r} (known: {', '.join(sorted(CHANNELS))})") from None
    module: Any = importlib.import_module(path)
    return module


def load_channel(kind: str, config: dict[str, Any], settings: Settings) -> Channel:
    return channel_module(kind).build(config, settings)


def check_config(kind: str, config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The cleaned config, or ValueError with a message for the admin's form."""
    return channel_module(kind).check_config(config, settings)


def redacted(url: str) -> str:
    """Incoming-webhook URLs are secrets: only the host goes into errors and the page."""
    return urlsplit(url).netloc
