"""Microsoft Teams incoming webhook (a Workflows "post to a channel when a webhook request is received" URL, or
a legacy connector URL): an Adaptive Card in the "message" attachments envelope; answered 200 or 202."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from alerts.channels import redacted
from alerts.channels.http import check_url, post
from alerts.channels.render import teams_payload
from alerts.message import AlertMessage
from settings import Settings


@dataclass(frozen=True)
class TeamsChannel:
    url: str
    timeout: float

    def send(self, message: AlertMessage, delivery_id: str) -> str:
        body = json.dumps(teams_payload(message, delivery_id)).encode()
        status = post(self.url, body, {"X-Earful-Delivery": delivery_id}, timeout=self.timeout,
                        what=f"Teams webhook {redacted(self.url)}")
        return f"teams: HTTP {status}"


def check_config(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    return {"url": check_url(config)}


def build(config: dict[str, Any], settings: Settings) -> TeamsChannel:
    return TeamsChannel(check_url(config), settings.alert_http_timeout_seconds)
