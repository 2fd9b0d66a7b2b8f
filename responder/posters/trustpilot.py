"""Trustpilot replies through the private Business API: POST /v1/private/reviews/{reviewId}/reply.

Auth is Trustpilot's OAuth token endpoint with the API key and secret (client credentials grant, HTTP Basic).
Implemented from Trustpilot's documented endpoints and not checked against a live account: the reply body
carries only `message` because Settings has no business user id for `authorBusinessUserId`. The reply is
treated as a create (an ambiguous failure is settled by reading the review's companyReply, never resent).
"""

from __future__ import annotations

from typing import Any

import httpx

from listener.base import CollectorError
from listener.http.api import TOKENS, TokenCache, request_json
from listener.platforms.trustpilot import API, REVIEW_ID
from models import Mention, Reply
from responder.posters import PostOutcome
from responder.posters.errors import Rejected, from_collector_error
from responder.posters.http import new_client, read, same_text, send
from settings import Settings

TOKEN_URL = f"{API}/oauth/oauth-business-users-for-applications/accesstoken"
DEFAULT_TOKEN_LIFETIME = 3600.0


class TrustpilotPoster:
    def __init__(self, settings: Settings, tokens: TokenCache = TOKENS) -> None:
        self.tokens = tokens
        key, secret = settings.trustpilot_api_key, settings.trustpilot_api_secret
        if key is None or secret is None:
            raise Rejected("TRUSTPILOT_API_KEY and TRUSTPILOT_API_SECRET must both be set to reply")
        self._key, self._secret = key.get_secret_value(), secret.get_secret_value()

    def post(self, reply: Reply, mention: Mention) -> PostOutcome:
        review = review_id(mention)
        with new_client() as client:
            headers = {"Authorization": f"Bearer {self._token(client)}"}
            send(client, "POST", f"{API}/private/reviews/{review}/reply", what="Trustpilot reply", create=True,
                 headers=headers, json={"message": reply.text})
        return PostOutcome(status="posted", platform_reply_id=review)

    def find_existing(self, reply: Reply, mention: Mention) -> str | None:
        review = review_id(mention)
        with new_client() as client:
            found = read(client, f"{API}/reviews/{review}", what="Trustpilot review", headers={"apikey": self._key})
        current = (found or {}).get("companyReply")
        return review if isinstance(current, dict) and same_text(reply.text, current.get("text")) else None

    def _token(self, client: httpx.Client) -> str:
        try:
            return self.tokens.get(("trustpilot", self._key), lambda now: self._exchange(client, now))
        except CollectorError as error:
            raise from_collector_error(error) from error

    def _exchange(self, client: httpx.Client, now: float) -> tuple[str, float]:
        body = request_json(client, "POST", TOKEN_URL, what="Trustpilot OAuth token", auth=(self._key, self._secret),
                            data={"grant_type": "client_credentials"})
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise Rejected("Trustpilot OAuth token: the response has no access_token")
        return token, now + _lifetime(body.get("expires_in"))


def _lifetime(value: Any) -> float:
    """Trustpilot sends expires_in as a string of seconds."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return DEFAULT_TOKEN_LIFETIME
    return seconds if seconds > 0 else DEFAULT_TOKEN_LIFETIME


def review_id(mention: Mention) -> str:
    if not REVIEW_ID.fullmatch(mention.external_id):
        raise Rejected("the mention's id is not a Trustpilot review id: reply on Trustpilot Business")
    return mention.external_id
