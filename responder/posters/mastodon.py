"""Mastodon replies (Mastodon.py) from the brand account whose MASTODON_ACCESS_TOKEN is set.

The reply goes to the instance the mention was heard on (Mention.extra["instance"]), where its local status
id is valid; the brand's token must belong to that instance. Mastodon keeps the Idempotency-Key for an hour,
but a create is still never re-sent blind: an unknown outcome is settled by reading the account's statuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from mastodon import Mastodon, MastodonError, MastodonNetworkError, MastodonRatelimitError

from listener.base import CollectorError
from listener.http import USER_AGENT
from listener.mastodon import instance_url, map_error
from models import Mention, Reply
from responder.posters import PostOutcome
from responder.posters.errors import NotSent, PostError, Rejected, from_requests_error, from_status
from settings import Settings

TIMEOUT = 20
VISIBILITIES = frozenset({"public", "unlisted", "private", "direct"})
RECENT = 40  # the account's newest statuses read when settling an unknown reply


@dataclass(frozen=True)
class Target:
    base_url: str
    status_id: str | None


class MastodonPoster:
    def __init__(self, settings: Settings) -> None:
        token = settings.mastodon_access_token
        if token is None or not token.get_secret_value():
            raise Rejected("MASTODON_ACCESS_TOKEN is not set")
        self._token = token.get_secret_value()

    def post(self, reply: Reply, mention: Mention) -> PostOutcome:
        target = target_of(mention)
        client = self._client(target.base_url)
        in_reply_to = target.status_id or self._resolve(client, target.base_url, mention)
        try:
            status = client.status_post(reply.text, in_reply_to_id=in_reply_to, visibility=visibility(mention),
                                        idempotency_key=f"earful-reply-{reply.id}")
        except MastodonError as error:
            raise post_error(error, client, target.base_url, create=True) from error
        return PostOutcome(status="posted", platform_reply_id=str(status["id"]))

    def find_existing(self, reply: Reply, mention: Mention) -> str | None:
        target = target_of(mention)
        client = self._client(target.base_url)
        try:
            in_reply_to = target.status_id or self._resolve(client, target.base_url, mention)
            me = client.account_verify_credentials()
            statuses = client.account_statuses(me["id"], limit=RECENT, exclude_reblogs=True)
        except MastodonError as error:
            raise post_error(error, client, target.base_url, create=False) from error
        return next((str(s["id"]) for s in statuses if str(s.get("in_reply_to_id")) == str(in_reply_to)), None)

    def _client(self, base_url: str) -> Mastodon:
        session = requests.Session()
        return Mastodon(api_base_url=base_url, access_token=self._token, ratelimit_method="throw",
                        request_timeout=TIMEOUT, session=session, user_agent=USER_AGENT, version_check_mode="none")

    def _resolve(self, client: Mastodon, base_url: str, mention: Mention) -> str:
        """A mention without a local id on this instance: look its URI up (the instance fetches it if needed)."""
        uri = mention.url or mention.external_id
        try:
            found = client.search_v2(uri, resolve=True, result_type="statuses")
        except MastodonError as error:
            raise post_error(error, client, base_url, create=False) from error
        statuses = found.get("statuses") or []
        if not statuses:
            raise Rejected(f"Mastodon: the post {uri[:200]} cannot be found from the brand's instance")
        return str(statuses[0]["id"])


def target_of(mention: Mention) -> Target:
    extra: dict[str, Any] = mention.extra or {}
    instance = str(extra.get("instance") or "")
    try:
        base_url = instance_url(instance if "://" in instance else f"https://{instance}")
    except CollectorError as error:
        raise Rejected(f"the mention does not say which Mastodon instance it came from ({error})") from None
    status_id = extra.get("status_id")
    return Target(base_url, str(status_id) if status_id else None)


def visibility(mention: Mention) -> str | None:
    """Answer as privately as the customer wrote: a reply never widens the audience of a private post."""
    value = (mention.extra or {}).get("visibility")
    return value if value in VISIBILITIES else None


def post_error(error: MastodonError, client: Mastodon, base_url: str, *, create: bool) -> PostError:
    described = map_error(error, client, urlsplit(base_url).netloc)
    if isinstance(error, MastodonRatelimitError):
        return NotSent(str(described), retry_after=described.retry_after)
    if isinstance(error, MastodonNetworkError):
        cause = error.__context__ or error
        failure = from_requests_error(cause, f"Mastodon {urlsplit(base_url).netloc}")
        return failure if create or isinstance(failure, NotSent) else NotSent(str(failure))
    status = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else None
    return from_status(status, str(described), retry_after=described.retry_after, create=create)
