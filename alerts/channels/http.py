"""The one POST every webhook channel makes: JSON over httpx with a timeout, its answer sorted into errors."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from alerts.channels.errors import from_status, from_transport
from listener.http.api import retry_after

DEFAULT_RATE_LIMIT_WAIT = 60.0
# The status line decides the outcome; of the body only the start is read (for the error message), and for no
# longer than one more timeout: a receiver trickling bytes must not hold the claim past its lease.
MAX_ANSWER_BYTES = 4096


def check_url(config: dict[str, Any]) -> str:
    url = str(config.get("url") or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("the webhook URL must be an http(s) URL")
    return url


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, what: str) -> int:
    """The receiver's status code when it accepted (2xx); otherwise a ChannelError that says what it means."""
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client, client.stream(
                "POST", url, content=body, headers={"Content-Type": "application/json", **headers}) as response:
            answer = _read_start(response, deadline=time.monotonic() + timeout)
    except httpx.TransportError as error:
        raise from_transport(error, what) from error
    if response.status_code >= 300:
        wait = retry_after(response) or (DEFAULT_RATE_LIMIT_WAIT if response.status_code == 429 else None)
        detail = " ".join(answer.decode(errors="replace")[:200].split())
        raise from_status(response.status_code, f"{what}: HTTP {response.status_code} {detail}".strip(),
                          retry_after=wait)
    return response.status_code


def _read_start(response: httpx.Response, *, deadline: float) -> bytes:
    if response.status_code < 300:
        return b""  # accepted: the body says nothing we need
    answer = b""
    try:
        for chunk in response.iter_bytes():
            answer += chunk
            if len(answer) >= MAX_ANSWER_BYTES or time.monotonic() > deadline:
                break
    except httpx.TransportError:
        pass  # the status already said what happened; the body is only for the message
    return answer[:MAX_ANSWER_BYTES]
