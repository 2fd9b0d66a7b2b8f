"""App Store Connect replies: POST /v1/customerReviewResponses, which creates the review's one response or
overwrites it (Apple: "Create or update a response to a customer review"), so it is an upsert."""

from __future__ import annotations

import re
from typing import Any

from listener.base import CollectorError
from listener.http.api import TOKENS, TokenCache
from listener.platforms.appstore import API, REPLY_LIMIT, bearer
from models import Mention, Reply
from responder.posters import PostOutcome
from responder.posters.errors import Rejected, from_collector_error
from responder.posters.http import new_client, read, same_text, send
from settings import Settings

REVIEW_ID = re.compile(r"[0-9A-Za-z-]{1,128}")
MAX_REPLY_CHARS = REPLY_LIMIT.limit


class AppStoreConnectPoster:
    def __init__(self, settings: Settings, tokens: TokenCache = TOKENS) -> None:
        self.settings, self.tokens = settings, tokens

    def post(self, reply: Reply, mention: Mention) -> PostOutcome:
        if len(reply.text) > MAX_REPLY_CHARS:
            raise Rejected(f"App Store responses are at most {MAX_REPLY_CHARS} characters: shorten it")
        body = {"data": {"type": "customerReviewResponses", "attributes": {"responseBody": reply.text},
                         "relationships": {"review": {"data": {"type": "customerReviews",
                                                               "id": review_id(mention)}}}}}
        with new_client() as client:
            answer = send(client, "POST", f"{API}/v1/customerReviewResponses", what="App Store Connect response",
                          create=False, headers=self._auth(), json=body)
        response_id = (answer.get("data") or {}).get("id")
        return PostOutcome(status="posted", platform_reply_id=str(response_id) if response_id else None)

    def find_existing(self, reply: Reply, mention: Mention) -> str | None:
        url = f"{API}/v1/customerReviews/{review_id(mention)}/response"
        with new_client() as client:
            answer = read(client, url, what="App Store Connect response", headers=self._auth())
        data: dict[str, Any] = (answer or {}).get("data") or {}
        found = same_text(reply.text, (data.get("attributes") or {}).get("responseBody"))
        return str(data.get("id") or mention.external_id) if found else None

    def _auth(self) -> dict[str, str]:
        try:
            return {"Authorization": f"Bearer {bearer(self.settings, self.tokens)}"}
        except CollectorError as error:
            raise from_collector_error(error) from error


def review_id(mention: Mention) -> str:
    if not REVIEW_ID.fullmatch(mention.external_id):
        raise Rejected("the mention's id is not an App Store Connect review id: reply in App Store Connect")
    return mention.external_id
