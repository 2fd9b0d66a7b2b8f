"""Slack incoming webhook: POST {"text", "blocks"} to the hooks.slack.com URL; Slack answers 200 "ok"."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from alerts.channels import redacted
from alerts.channels.http import check_url, post
from alerts.channels.render import slack_payload
from alerts.message import AlertMessage
from settings import Settings


@dataclass(frozen=True)
class SlackChannel:
    url: str
    timeout: float

    def send(self, message: AlertMessage, delivery_id: str) -> str:
        body = json.dumps(slack_payload(message, delivery_id)).encode()
        post(self.url, body, {"X-Earful-Delivery": delivery_id}, timeout=self.timeout,
             what=f"Slack webhook {redacted(self.url)}")
        return "slack: ok"


def check_config(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    return {"url": check_url(config)}


def build(config: dict[str, Any], settings: Settings) -> SlackChannel:
    return SlackChannel(check_url(config), settings.alert_http_timeout_seconds)
