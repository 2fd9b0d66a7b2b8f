"""Google Play replies: POST .../reviews/{reviewId}:reply, an upsert of the review's one developer reply."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import httpx

from listener.http.api import TOKENS, TokenCache
from listener.platforms.googleplay import API, PACKAGE_NAME, SCOPE
from models import Mention, Reply
from responder.posters import PostOutcome
from responder.posters.errors import Rejected
from responder.posters.http import google_bearer, new_client, read, same_text, send
from settings import Settings

MAX_REPLY_CHARS = 350


class GooglePlayPoster:
    def __init__(self, settings: Settings, tokens: TokenCache = TOKENS) -> None:
        self.settings = settings
        self.tokens = tokens

    def post(self, reply: Reply, mention: Mention) -> PostOutcome:
        if len(reply.text) > MAX_REPLY_CHARS:
            raise Rejected(f"Google Play replies are at most {MAX_REPLY_CHARS} characters; this one has "
                           f"{len(reply.text)}: shorten it and approve again")
        url = review_url(mention)
        with new_client() as client:
            headers = self._auth(client)
            send(client, "POST", f"{url}:reply", what="Google Play reply", create=False, headers=headers,
                 json={"replyText": reply.text})
        return PostOutcome(status="posted", platform_reply_id=mention.external_id)

    def find_existing(self, reply: Reply, mention: Mention) -> str | None:
        with new_client() as client:
            review = read(client, review_url(mention), what="Google Play review", headers=self._auth(client))
        developer = [c.get("developerComment") for c in (review or {}).get("comments") or [] if isinstance(c, dict)]
        texts = [d.get("text") for d in developer if isinstance(d, dict)]
        return mention.external_id if any(same_text(reply.text, text) for text in texts) else None

    def _auth(self, client: httpx.Client) -> dict[str, str]:
        return google_bearer(client, self.settings, SCOPE, self.tokens)


def review_url(mention: Mention) -> str:
    """The package comes from the review link the collector built (…/details?id=<package>&reviewId=…)."""
    package = parse_qs(urlsplit(mention.url or "").query).get("id", [""])[0]
    if not PACKAGE_NAME.fullmatch(package) or len(package) > 150:
        raise Rejected("the mention's link does not name its Android package: reply in the Play Console")
    return f"{API}/{package}/reviews/{quote(mention.external_id, safe='')}"
