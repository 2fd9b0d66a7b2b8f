"""Mastodon replies (Mastodon.py) from the brand account whose MASTODON_ACCESS_TOKEN is set.

The reply goes to the instance the mention was heard on (Mention.extra["instance_url"], or https://<instance> for
mentions stored before the scheme was kept), where its local status id is valid; the brand's token must belong to
that instance. What is sent is responder.posters.mastodon_status's: the reply led by the author's @mention, under
the original's content warning, never more visible than the original. Mastodon keeps the Idempotency-Key for an
hour, but a create is still never re-sent blind: an unknown outcome is settled by reading the replies under the
status (its context), then the account's newest statuses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from mastodon import Mastodon, MastodonError, MastodonNetworkError, MastodonRatelimitError

from listener.base import CollectorError
from listener.platforms.mastodon import client as mastodon_client
from listener.platforms.mastodon import instance_url, map_error, status_code
from models import Mention, Reply
from responder.posters import PostOutcome
from responder.posters.errors import NotSent, PostError, Rejected, from_requests_error, from_status
from responder.posters.mastodon_status import VISIBILITIES, OutgoingStatus, outgoing_status
from settings import Settings

TIMEOUT = 20
RECENT = 40  # the account's newest statuses read when settling an unknown reply
T = TypeVar("T")


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
        status = self._outgoing(client, target.base_url, reply, mention)
        try:
            created = client.status_post(status.text, in_reply_to_id=in_reply_to, visibility=status.visibility,
                                         spoiler_text=status.warning, idempotency_key=f"earful-reply-{reply.id}")
        except MastodonError as error:
            raise post_error(error, client, target.base_url, create=True) from error
        return PostOutcome(status="posted", platform_reply_id=str(created["id"]), text=status.text)

    def find_existing(self, reply: Reply, mention: Mention) -> str | None:
        target = target_of(mention)
        client = self._client(target.base_url)
        in_reply_to = target.status_id or self._resolve(client, target.base_url, mention)
        me = str(read(client, target.base_url, client.account_verify_credentials)["id"])
        # The replies under the status, however much the account has posted since; then its newest statuses, for
        # a reply the thread does not show (an original since deleted or hidden from the brand).
        found = _reply_by(me, in_reply_to, self._descendants(client, target.base_url, in_reply_to))
        if found is None:
            statuses = read(client, target.base_url,
                            lambda: client.account_statuses(me, limit=RECENT, exclude_reblogs=True))
            found = _reply_by(me, in_reply_to, statuses)
        return found

    def _descendants(self, client: Mastodon, base_url: str, status_id: str) -> list[Any]:
        try:
            context = client.status_context(status_id)
        except MastodonError as error:
            if status_code(error) == 404:
                return []
            raise post_error(error, client, base_url, create=False) from error
        return list(context.get("descendants") or [])

    def _client(self, base_url: str) -> Mastodon:
        return mastodon_client(base_url, requests.Session(), access_token=self._token, timeout=TIMEOUT)

    def _resolve(self, client: Mastodon, base_url: str, mention: Mention) -> str:
        """A mention without a local id on this instance: look its URI up (the instance fetches it if needed).
        exclude_unreviewed only filters hashtags; left on, it makes Mastodon.py probe the instance's version."""
        uri = mention.url or mention.external_id
        found = read(client, base_url,
                     lambda: client.search_v2(uri, resolve=True, result_type="statuses", exclude_unreviewed=False))
        statuses = found.get("statuses") or []
        if not statuses:
            raise Rejected(f"Mastodon: the post {uri[:200]} cannot be found from the brand's instance")
        return str(statuses[0]["id"])

    def _outgoing(self, client: Mastodon, base_url: str, reply: Reply, mention: Mention) -> OutgoingStatus:
        original = original_visibility(mention)
        # Nothing is narrower than direct, and an unknown original leaves the account's default to the server.
        default = default_visibility(read(client, base_url, client.account_verify_credentials)) \
            if original not in (None, "direct") else None
        return outgoing_status(reply.text, mention.author, mention.title, original, default)


def _reply_by(account_id: str, in_reply_to: str, statuses: list[Any]) -> str | None:
    return next((str(status["id"]) for status in statuses
                 if str(status.get("in_reply_to_id")) == str(in_reply_to)
                 and str((status.get("account") or {}).get("id", account_id)) == account_id), None)


def read(client: Mastodon, base_url: str, call: Callable[[], T]) -> T:
    """A read made before anything is sent: however it fails, the reply was not sent. Mastodon.py 2.3 recurses
    until RecursionError when /api/v1/instance/ cannot be read during a version probe."""
    try:
        return call()
    except MastodonError as error:
        raise post_error(error, client, base_url, create=False) from error
    except RecursionError:
        raise NotSent(f"Mastodon {urlsplit(base_url).netloc}: the instance's description (/api/v1/instance/) "
                      "cannot be read, so Mastodon.py could not finish the request; nothing was sent") from None


def target_of(mention: Mention) -> Target:
    extra: dict[str, Any] = mention.extra or {}
    instance = str(extra.get("instance_url") or extra.get("instance") or "")
    try:
        base_url = instance_url(instance if "://" in instance else f"https://{instance}")
    except CollectorError as error:
        raise Rejected(f"the mention does not say which Mastodon instance it came from ({error})") from None
    status_id = extra.get("status_id")
    return Target(base_url, str(status_id) if status_id else None)


def original_visibility(mention: Mention) -> str | None:
    value = (mention.extra or {}).get("visibility")
    return value if value in VISIBILITIES else None


def default_visibility(account: Any) -> str | None:
    """The brand account's default posting visibility (CredentialAccount.source.privacy), if it says."""
    source = account.get("source") if isinstance(account, dict) else None
    privacy = source.get("privacy") if isinstance(source, dict) else None
    return privacy if privacy in VISIBILITIES else None


def post_error(error: MastodonError, client: Mastodon, base_url: str, *, create: bool) -> PostError:
    described = map_error(error, client, urlsplit(base_url).netloc)
    if isinstance(error, MastodonRatelimitError):
        return NotSent(str(described), retry_after=described.retry_after)
    if isinstance(error, MastodonNetworkError):
        cause = error.__context__ or error
        failure = from_requests_error(cause, f"Mastodon {urlsplit(base_url).netloc}")
        return failure if create or isinstance(failure, NotSent) else NotSent(str(failure))
    return from_status(status_code(error), str(described), retry_after=described.retry_after, create=create)
