"""HTTP plumbing shared by the posters that speak plain JSON over httpx (the review sites)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import requests

from listener.base import CollectorError
from listener.http.api import DEFAULT_RATE_LIMIT_WAIT, TokenCache, new_client, platform_message, retry_after
from listener.platforms.google import access_token, load_service_account
from responder.posters.errors import as_upsert, from_collector_error, from_httpx_error, from_status
from settings import Settings

TIMEOUT = 20.0

__all__ = ["TimeoutSession", "google_bearer", "new_client", "read", "same_text", "send"]


class TimeoutSession(requests.Session):
    """tweepy sends without a timeout; a hung request would hold the claim until the lease runs out."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


def google_bearer(client: httpx.Client, settings: Settings, scope: str, tokens: TokenCache) -> dict[str, str]:
    """The listener's service-account token exchange, its failures read as "not sent"."""
    try:
        return {"Authorization": f"Bearer {access_token(client, load_service_account(settings), scope, tokens)}"}
    except CollectorError as error:
        raise from_collector_error(error) from error


def send(client: httpx.Client, method: str, url: str, *, what: str, create: bool, **kwargs: Any) -> dict[str, Any]:
    """One request; its JSON object (empty for an empty body), or a PostError that says what it means.
    `create` is False for upserts, whose ambiguous failures are safe to retry."""
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TransportError as error:
        failure = from_httpx_error(error, what)
        raise (failure if create else as_upsert(failure)) from error
    if response.status_code >= 400:
        wait = retry_after(response) or (DEFAULT_RATE_LIMIT_WAIT if response.status_code == 429 else None)
        message = f"{what}: HTTP {response.status_code}: {platform_message(response)}"
        raise from_status(response.status_code, message, retry_after=wait, create=create)
    return _json_object(response)


def read(client: httpx.Client, url: str, *, what: str, **kwargs: Any) -> dict[str, Any] | None:
    """GET a resource that may not exist (None on 404)."""
    try:
        response = client.get(url, **kwargs)
    except httpx.TransportError as error:
        raise as_upsert(from_httpx_error(error, what)) from error
    if response.status_code == 404:
        return None
    if response.status_code >= 400:
        message = f"{what}: HTTP {response.status_code}: {platform_message(response)}"
        raise from_status(response.status_code, message, retry_after=retry_after(response), create=False)
    return _json_object(response)


def _json_object(response: httpx.Response) -> dict[str, Any]:
    if not response.content:
        return {}
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}  # the status already said it worked; the body is a nicety
    return body if isinstance(body, dict) else {}


def same_text(ours: str, theirs: object) -> bool:
    """Platforms may trim or normalise line endings; anything else is a different reply."""
    if not isinstance(theirs, str):
        return False
    return " ".join(ours.split()) == " ".join(theirs.split())
