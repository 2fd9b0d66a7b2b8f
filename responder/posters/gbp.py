"""Google Business Profile replies: PUT {review name}/reply (updateReply), an upsert."""

from __future__ import annotations

import re

import httpx

from listener.http.api import TOKENS, TokenCache
from listener.platforms.gbp import API, SCOPE
from models import Mention, Reply
from responder.posters import PostOutcome
from responder.posters.errors import Rejected
from responder.posters.http import google_bearer, new_client, read, same_text, send
from settings import Settings

REVIEW_NAME = re.compile(r"accounts/[0-9A-Za-z_-]{1,64}/locations/[0-9A-Za-z_-]{1,64}/reviews/[0-9A-Za-z_-]{1,128}")


class BusinessProfilePoster:
    def __init__(self, settings: Settings, tokens: TokenCache = TOKENS) -> None:
        self.settings = settings
        self.tokens = tokens

    def post(self, reply: Reply, mention: Mention) -> PostOutcome:
        name = review_name(mention)
        with new_client() as client:
            send(client, "PUT", f"{API}/{name}/reply", what="Business Profile reply", create=False,
                 headers=self._auth(client), json={"comment": reply.text})
        return PostOutcome(status="posted", platform_reply_id=f"{name}/reply")

    def find_existing(self, reply: Reply, mention: Mention) -> str | None:
        name = review_name(mention)
        with new_client() as client:
            review = read(client, f"{API}/{name}", what="Business Profile review", headers=self._auth(client))
        current = (review or {}).get("reviewReply")
        found = isinstance(current, dict) and same_text(reply.text, current.get("comment"))
        return f"{name}/reply" if found else None

    def _auth(self, client: httpx.Client) -> dict[str, str]:
        return google_bearer(client, self.settings, SCOPE, self.tokens)


def review_name(mention: Mention) -> str:
    """accounts/…/locations/…/reviews/…, as the collector stored it (Mention.extra["name"])."""
    name = str((mention.extra or {}).get("name") or "")
    if not REVIEW_NAME.fullmatch(name):
        raise Rejected("the mention lacks its Business Profile review name: reply in Business Profile")
    return name
