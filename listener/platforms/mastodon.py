"""Mastodon: the client for one instance, the instance URL a source names, and error mapping, shared by the
collectors and the poster. Mastodon.py is imported only when a client is built or an error mapped."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from listener.base import CollectorError, PermanentCollectorError
from listener.http.fetch import USER_AGENT, bounded, http_url, platform_message
from listener.platforms.spec import CollectorSpec, NetworkSpec, PosterSpec, ReplyLimit

if TYPE_CHECKING:
    import requests
    from mastodon import Mastodon, MastodonError

DEFAULT_RETRY = 300.0  # Mastodon's rate-limit window is five minutes
REQUEST_TIMEOUT = 20
PERMANENT_STATUSES = {400, 401, 403, 404, 410, 422}
SPEC = NetworkSpec(
    key="mastodon", display_name="Mastodon",
    collectors=(
        CollectorSpec("mastodon_hashtag", "listener.collectors.mastodon:MastodonHashtagCollector",
                      "public posts with the hashtag that the instance knows of (its own and federated ones), from "
                      "the newest 40 when the source is added onward",
                      native_query="listener.query.native:to_mastodon"),
        CollectorSpec("mastodon_mentions", "listener.collectors.mastodon:MastodonMentionsCollector",
                      "posts that @mention the brand account, as its notifications list them (from the newest 40 on)",
                      native_query="listener.query.native:to_mastodon", credentials=("mastodon_access_token",)),
    ),
    poster=PosterSpec("responder.posters.mastodon:MastodonPoster", ("mastodon_access_token",)),
    # The reply's length as posted (with the @mention and content warning) is measured by lint_checks.
    reply_limit=ReplyLimit(500, "most Mastodon servers reject longer posts."),
)


def client(base_url: str, session: requests.Session, *, access_token: str | None = None,
           timeout: float = REQUEST_TIMEOUT) -> Mastodon:
    """Rate limits raise instead of sleeping; no version probe (it costs a request and can recurse)."""
    from mastodon import Mastodon

    return Mastodon(api_base_url=base_url, access_token=access_token, ratelimit_method="throw",
                    request_timeout=timeout, session=session, user_agent=USER_AGENT, version_check_mode="none")


def instance_url(value: Any) -> str:
    """scheme://host of the configured instance; anything with a path, query or credentials is refused."""
    url = http_url(value, limit=200)
    parts = urlsplit(url.rstrip("/")) if url else None
    if parts is None or not parts.hostname or parts.path or parts.query or parts.username or parts.password:
        raise PermanentCollectorError("mastodon: config needs the instance as https://host")
    return f"{parts.scheme}://{parts.netloc}"


def map_error(error: MastodonError, client: Mastodon, host: str, body: bytes = b"") -> CollectorError:
    from mastodon import MastodonAPIError, MastodonNetworkError, MastodonRatelimitError, MastodonServerError

    if isinstance(error, MastodonRatelimitError):
        reset = client.ratelimit_reset
        wait = max(reset - time.time(), 1.0) if isinstance(reset, (int, float)) else DEFAULT_RETRY
        return CollectorError(f"Mastodon {host}: rate limited", retry_after=round(wait, 1))
    if isinstance(error, (MastodonNetworkError, MastodonServerError)):
        return CollectorError(f"Mastodon {host}: {describe(error, body)}")
    if isinstance(error, MastodonAPIError):
        status = status_code(error)
        if status is None or status not in PERMANENT_STATUSES:
            return CollectorError(f"Mastodon {host}: {describe(error, body)}")  # e.g. an unparseable proxy page
        return PermanentCollectorError(f"Mastodon {host}: {describe(error, body)}")
    return PermanentCollectorError(f"Mastodon {host}: {describe(error, body)}")


def status_code(error: MastodonError) -> int | None:
    """The HTTP status Mastodon.py put in an API error's arguments, if any."""
    return error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else None


def describe(error: MastodonError, body: bytes) -> str:
    """('Mastodon API returned error', 401, 'Unauthorized', msg) -> "HTTP 401 Unauthorized: <msg>"."""
    args = error.args
    if len(args) >= 4 and isinstance(args[1], int):
        message = args[3] or (platform_message(body) if body else "")
        return bounded(f"HTTP {args[1]} {args[2]}: {message}".rstrip(": "), 300)
    return bounded(" ".join(str(a) for a in args), 300)
