"""X replies through tweepy: POST /2/tweets with in_reply_to_tweet_id.

X lets an API reply through only when the author @mentioned or quoted the brand; anything else goes to a
person ("reply manually"). X has no idempotency key, so an ambiguous create is settled by reading the brand's
recent posts, never resent. Posting needs a user-context OAuth 2.0 token with tweet.write: renewed from
X_REFRESH_TOKEN (responder.posters.x_auth), or X_BEARER_TOKEN as given. A 401 means X stopped at the token and
did not act on the request, so after renewing the token the request is sent once more.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests
import tweepy

from listener.platforms.x import client as x_client
from listener.platforms.x import map_x_error
from models import Mention, Reply
from responder.posters import PostOutcome
from responder.posters.errors import MaybeSent, NeedsManual, NotSent, PostError, from_requests_error, from_status
from responder.posters.http import TimeoutSession
from responder.posters.x_auth import UserTokens, user_tokens
from settings import Settings

RECENT = 100  # the brand's posts since the mention, read when settling an unknown reply
NOT_ADDRESSED = ("X allows API replies only to posts that @mention or quote the brand account: reply manually")


class _Expired(Exception):
    """X refused the access token (401) and it can be renewed."""


class XPoster:
    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time,
                 tokens: UserTokens | None = None) -> None:
        self._tokens = tokens or user_tokens(settings, clock=clock)
        self._clock = clock

    def post(self, reply: Reply, mention: Mention) -> PostOutcome:
        if mention.in_reply_to_brand is not True:
            raise NeedsManual(NOT_ADDRESSED)
        created = self._call(lambda client: client.create_tweet(
            text=reply.text, in_reply_to_tweet_id=mention.external_id, user_auth=False), create=True)
        return PostOutcome(status="posted", platform_reply_id=str(created["data"]["id"]))

    def find_existing(self, reply: Reply, mention: Mention) -> str | None:
        def brand_posts(client: tweepy.Client) -> Any:
            me = client.get_me(user_auth=False)["data"]["id"]
            return client.get_users_tweets(me, since_id=mention.external_id, max_results=RECENT,
                                           tweet_fields=["conversation_id", "referenced_tweets"], user_auth=False)

        page = self._call(brand_posts, create=False)
        for tweet in page.get("data") or []:
            replied = [r for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"]
            if any(str(r.get("id")) == mention.external_id for r in replied):
                return str(tweet["id"])
        return None

    def _call(self, request: Callable[[tweepy.Client], Any], *, create: bool) -> Any:
        token = self._tokens.current()
        try:
            return self._send(token, request, create=create, renewable=self._tokens.renewable)
        except _Expired:
            return self._send(self._tokens.renew(token), request, create=create, renewable=False)

    def _send(self, token: str, request: Callable[[tweepy.Client], Any], *, create: bool, renewable: bool) -> Any:
        # Never sleep inside a worker: a 429 becomes a retry at the reset time.
        client = x_client(token)
        client.session = TimeoutSession()
        try:
            return request(client)
        except tweepy.Unauthorized as error:
            if renewable:
                raise _Expired from error
            raise self._error(error, create=create) from error
        except tweepy.TweepyException as error:
            raise self._error(error, create=create) from error
        except requests.RequestException as error:
            raise from_requests_error(error, "X") from error
        finally:
            client.session.close()

    def _error(self, error: tweepy.TweepyException, *, create: bool) -> PostError:
        described = map_x_error(error, self._clock())
        if isinstance(error, tweepy.HTTPException):
            return from_status(error.response.status_code, str(described), retry_after=described.retry_after,
                               create=create)
        return MaybeSent(str(described)) if create else NotSent(str(described))
