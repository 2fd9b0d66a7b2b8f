"""Reddit: the praw connection (script-app credentials, app-only for reading), rate-limit reading and error
mapping, shared by the collectors and the poster. praw is imported only when a connection is made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from listener.base import CollectorError, PermanentCollectorError
from listener.http.ratelimit import DEFAULT_WAIT_SECONDS, header, retry_after, wait_in_text
from listener.http.status import is_transient_status
from listener.platforms.spec import CollectorSpec, NetworkSpec, PosterSpec, ReplyLimit
from settings import Settings

if TYPE_CHECKING:
    import praw
    import prawcore
    import requests

APP = ("reddit_client_id", "reddit_client_secret")
ACCOUNT = ("reddit_username", "reddit_password")
SPEC = NetworkSpec(
    key="reddit", display_name="Reddit",
    collectors=(
        CollectorSpec("reddit_search", "listener.collectors.reddit:RedditSearchCollector",
                      "what Reddit's search index and comment listings return: about the newest 1000 items per "
                      "listing", needs_query=True, native_query="listener.query.native:to_reddit", credentials=APP),
        CollectorSpec("reddit_mentions", "listener.collectors.reddit:RedditMentionsCollector",
                      "the account's inbox username mentions, about the newest 1000", credentials=APP + ACCOUNT),
    ),
    poster=PosterSpec("responder.posters.reddit:RedditPoster", APP + ACCOUNT),
    reply_limit=ReplyLimit(10000, "Reddit rejects longer comments."),
)


def connect(settings: Settings, http: requests.Session, *, needs_account: bool) -> praw.Reddit:
    """A praw client on the given session; missing credentials are a permanent error naming them."""
    import praw

    s = settings
    secret = s.reddit_client_secret.get_secret_value() if s.reddit_client_secret else ""
    password = s.reddit_password.get_secret_value() if s.reddit_password else ""
    required = {"REDDIT_CLIENT_ID": s.reddit_client_id, "REDDIT_CLIENT_SECRET": secret}
    if needs_account:
        required |= {"REDDIT_USERNAME": s.reddit_username, "REDDIT_PASSWORD": password}
    missing = [name for name, value in required.items() if not value]
    if missing:
        raise PermanentCollectorError(f"Reddit credentials are not set: {', '.join(missing)}")
    # Without an account, search runs app-only (client credentials grant): reading needs no user.
    with_account = bool(s.reddit_username and password)
    return praw.Reddit(client_id=s.reddit_client_id, client_secret=secret, user_agent=s.reddit_user_agent,
                       username=s.reddit_username if with_account else None,
                       password=password if with_account else None,
                       check_for_async=False, check_for_updates=False, requestor_kwargs={"session": http})


def map_reddit_error(error: Exception, now: float) -> CollectorError:
    import prawcore
    from praw.exceptions import RedditAPIException

    if isinstance(error, RedditAPIException):
        wait = next((wait_in_text(i.message or "") for i in error.items if i.error_type == "RATELIMIT"), None)
        if wait is not None:
            return CollectorError(f"Reddit rate limit: {error}", retry_after=wait)
        return PermanentCollectorError(f"Reddit rejected the request: {error}")
    if isinstance(error, prawcore.InvalidInvocation):
        return PermanentCollectorError(f"Reddit client misconfigured: {error}")
    if isinstance(error, prawcore.OAuthException):
        return PermanentCollectorError(f"Reddit refused the credentials: {error}")
    if isinstance(error, prawcore.ResponseException):
        return _map_status(error, now)
    return CollectorError(f"Reddit request failed: {error}")


def _map_status(error: prawcore.ResponseException, now: float) -> CollectorError:
    import prawcore

    # prawcore raises TooManyRequests for a 429 from the API but a plain ResponseException for one from the
    # token endpoint (an HTML page), so the status decides, not the exception class.
    status = error.response.status_code
    if status == 429:
        return CollectorError(f"Reddit rate limit: {error}", retry_after=wait_for(error.response, now))
    if status == 408:
        return CollectorError(f"Reddit timed out waiting for the request: {error}",
                              retry_after=wait_for(error.response, now))
    if is_transient_status(status) or isinstance(error, prawcore.BadJSON):
        return CollectorError(f"Reddit server error: {error}", retry_after=wait_for(error.response, now))
    if status in (401, 403):
        return PermanentCollectorError(f"Reddit refused the credentials or access ({status}): {error}")
    return PermanentCollectorError(f"Reddit rejected the request: {error}")


def wait_for(response: requests.Response, now: float) -> float | None:
    """Retry-After when sent; on a 429 without it, Reddit's x-ratelimit-reset (seconds until its window resets),
    else one typical window."""
    wait = retry_after(header(response.headers, "retry-after"), now)
    if wait is not None or response.status_code != 429:
        return wait
    return retry_after(header(response.headers, "x-ratelimit-reset"), now) or DEFAULT_WAIT_SECONDS
