"""X replies through tweepy: POST /2/tweets with in_reply_to_tweet_id.

X lets an API reply through only when the author @mentioned or quoted the brand; anything else goes to a
person ("reply manually"). X has no idempotency key, so an ambiguous create is settled by reading the brand's
recent posts, never resent. X_BEARER_TOKEN must be a user-context OAuth 2.0 token with tweet.write to post.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests
import tweepy

from listener.x import map_x_error
from models import Mention, Reply
from responder.posters import PostOutcome
from responder.posters.errors import MaybeSent, NeedsManual, NotSent, PostError, Rejected, from_requests_error
from responder.posters.http import TimeoutSession
from settings import Settings

RECENT = 100  # the brand's posts since the mention, read when settling an unknown reply
NOT_ADDRESSED = ("X allows API replies only to posts that @mention or quote the brand account: reply manually")


class XPoster:
    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time) -> None:
        token = settings.x_bearer_token
        if token is None or not token.get_secret_value():
            raise Rejected("X_BEARER_TOKEN is not set")
        self._token = token.get_secret_value()
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
        # Never sleep inside a worker: a 429 becomes a retry at the reset time.
        client = tweepy.Client(bearer_token=self._token, return_type=dict, wait_on_rate_limit=False)
        client.session = TimeoutSession()
        try:
            return request(client)
        except tweepy.TweepyException as error:
            raise self._error(error, create=create) from error
        except requests.RequestException as error:
            raise from_requests_error(error, "X") from error
        finally:
            client.session.close()

    def _error(self, error: tweepy.TweepyException, *, create: bool) -> PostError:
        described = map_x_error(error, self._clock())
        if isinstance(error, tweepy.TooManyRequests):
            return NotSent(str(described), retry_after=described.retry_after)
        if isinstance(error, tweepy.HTTPException) and not isinstance(error, tweepy.TwitterServerError):
            return Rejected(str(described))
        return MaybeSent(str(described)) if create else NotSent(str(described))
