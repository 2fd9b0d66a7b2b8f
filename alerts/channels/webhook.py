"""A generic webhook, signed so the receiver can tell it came from this Earful and drop replays and repeats.

Headers: X-Earful-Delivery (the same on every retry of one message), X-Earful-Timestamp (Unix seconds, new on
each try), X-Earful-Signature: sha256=HEX, where HEX = HMAC-SHA256(secret, timestamp + "." + raw body).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

from alerts.channels import redacted
from alerts.channels.http import check_url, post
from alerts.channels.render import webhook_json
from alerts.message import AlertMessage
from settings import Settings

MIN_SECRET = 16
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver runs: the signature matches and the timestamp is recent (a captured request replayed
    later fails). Compare in constant time."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


@dataclass(frozen=True)
class WebhookChannel:
    url: str
    secret: str
    timeout: float

    def send(self, message: AlertMessage, delivery_id: str) -> str:
        body = json.dumps(webhook_json(message, delivery_id), separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        headers = {"X-Earful-Delivery": delivery_id, "X-Earful-Timestamp": timestamp,
                   "X-Earful-Signature": sign(self.secret, timestamp, body)}
        status = post(self.url, body, headers, timeout=self.timeout, what=f"webhook {redacted(self.url)}")
        return f"webhook: HTTP {status}"


def check_config(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    secret = str(config.get("secret") or "")
    if len(secret) < MIN_SECRET:
        raise ValueError(f"the webhook secret must be at least {MIN_SECRET} characters")
    return {"url": check_url(config), "secret": secret}


def build(config: dict[str, Any], settings: Settings) -> WebhookChannel:
    cleaned = check_config(config, settings)
    return WebhookChannel(cleaned["url"], cleaned["secret"], settings.alert_http_timeout_seconds)
