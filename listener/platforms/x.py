"""X (Twitter): the API v2 client, its rate-limit reading and error mapping, shared by the collectors and the
poster. tweepy is imported only when a client is built, never by reading the spec."""

from __future__ import annotations

from typing import TYPE_CHECKING

from listener.base import CollectorError, PermanentCollectorError
from listener.http.ratelimit import DEFAULT_WAIT_SECONDS, header, retry_after, until_epoch
from listener.http.status import is_transient_status
from listener.platforms.spec import CollectorSpec, NetworkSpec, PosterSpec, ReplyLimit

if TYPE_CHECKING:
    import requests
    import tweepy

SPEC = NetworkSpec(
    key="x", display_name="X",
    collectors=(
        CollectorSpec("x_mentions", "listener.collectors.x:XMentionsCollector",
                      "the brand account's most recent 800 mentions (X's mentions timeline limit)",
                      credentials=("x_bearer_token",)),
        CollectorSpec("x_search", "listener.collectors.x:XSearchCollector", "recent search covers the last 7 days",
                      needs_query=True, native_query="listener.query.native:to_x", credentials=("x_bearer_token",)),
    ),
    # An app-only bearer token, or an OAuth 2.0 user context that renews itself (responder.posters.x_auth).
    poster=PosterSpec("responder.posters.x:XPoster", ("x_bearer_token",), ("x_client_id", "x_refresh_token")),
    reply_limit=ReplyLimit(280, "X counts every link as 23 and CJK or emoji as 2.", weighted=True),
)


def client(bearer_token: str) -> tweepy.Client:
    """Never sleeps inside a worker: a 429 becomes an error that names the reset time."""
    import tweepy

    return tweepy.Client(bearer_token=bearer_token, return_type=dict, wait_on_rate_limit=False)


def map_x_error(error: tweepy.TweepyException, now: float) -> CollectorError:
    import tweepy

    if not isinstance(error, tweepy.HTTPException):
        return CollectorError(f"X request failed: {error}")
    status = error.response.status_code
    if status == 429:
        wait = x_wait(error.response, now)
        return CollectorError(f"X rate limit reached; it resets in {wait:.0f}s", retry_after=wait)
    if is_transient_status(status):
        label = "server error" if status >= 500 else "did not take the request"
        return CollectorError(f"X {label}: {describe(error)}", retry_after=x_wait(error.response, now))
    if isinstance(error, tweepy.Unauthorized | tweepy.Forbidden):
        return PermanentCollectorError(f"X refused the credentials: {describe(error)}")
    return PermanentCollectorError(f"X rejected the request: {describe(error)}")


def x_wait(response: requests.Response, now: float) -> float | None:
    """Retry-After where present; X itself sends none and names the Unix time its window opens instead."""
    wait = retry_after(header(response.headers, "retry-after"), now)
    if wait is not None or response.status_code != 429:
        return wait
    try:
        return until_epoch(float(header(response.headers, "x-rate-limit-reset") or ""), now)
    except ValueError:
        return DEFAULT_WAIT_SECONDS


def describe(error: tweepy.HTTPException) -> str:
    status = f"{error.response.status_code} {error.response.reason}"
    messages = [str(m) for m in error.api_messages]
    return f"{status}: {'; '.join(messages)}" if messages else status
