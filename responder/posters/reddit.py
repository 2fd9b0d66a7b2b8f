"""Reddit replies through praw: comment.reply / submission.reply (POST /api/comment).

prawcore retries a request that failed with a 5xx or a dropped connection: right for reads, a blind resend
for a create. The poster's session has those retries switched off; an ambiguous create becomes unknown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import praw
import prawcore
import requests
from praw.exceptions import RedditAPIException
from prawcore.sessions import FiniteRetryStrategy

from listener.base import CollectorError
from listener.platforms.reddit import connect, map_reddit_error
from models import Mention, Reply
from responder.posters import PostOutcome
from responder.posters.errors import (
    MaybeSent,
    NotSent,
    PostError,
    Rejected,
    from_collector_error,
    from_requests_error,
    from_status,
)
from settings import Settings

RECENT = 100  # the account's newest comments, read when settling an unknown reply


@dataclass(frozen=True)
class _NoRetries(FiniteRetryStrategy):
    retries: int = 0

    def _sleep_seconds(self) -> float | None:
        return None  # the finite strategy would wait as if this first try were a retry


class RedditPoster:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def post(self, reply: Reply, mention: Mention) -> PostOutcome:
        comment = self._call(lambda reddit: parent(reddit, mention.external_id).reply(reply.text), create=True)
        if comment is None:  # praw returns None when Reddit's answer omits the new comment
            raise MaybeSent("Reddit accepted the reply but did not return it")
        return PostOutcome(status="posted", platform_reply_id=str(comment.fullname))

    def find_existing(self, reply: Reply, mention: Mention) -> str | None:
        def recent(reddit: praw.Reddit) -> list[Any]:
            me = reddit.user.me()
            if me is None:
                raise Rejected("Reddit: the credentials are not a user account")
            return list(me.comments.new(limit=RECENT))

        comments = self._call(recent, create=False)
        # vars(), not attributes: a missing attribute makes praw fetch the object
        return next((str(c.fullname) for c in comments if vars(c).get("parent_id") == mention.external_id), None)

    def _call(self, request: Any, *, create: bool) -> Any:
        with requests.Session() as http:
            try:
                reddit = self._connect(http)
                return request(reddit)
            except CollectorError as error:
                raise from_collector_error(error) from error
            except (prawcore.PrawcoreException, RedditAPIException) as error:
                raise post_error(error, create=create) from error

    def _connect(self, http: requests.Session) -> praw.Reddit:
        reddit = connect(self.settings, http, needs_account=True)
        for core in (reddit._core, reddit._authorized_core, reddit._read_only_core):
            if core is not None:
                core._retry_strategy_class = _NoRetries
        return reddit


def parent(reddit: praw.Reddit, fullname: str) -> Any:
    kind, _, item_id = fullname.partition("_")
    if kind == "t1" and item_id:
        return reddit.comment(item_id)
    if kind == "t3" and item_id:
        return reddit.submission(item_id)
    raise Rejected(f"Reddit: {fullname[:40]!r} is not a post or comment that can be answered")


def post_error(error: Exception, *, create: bool) -> PostError:
    described = map_reddit_error(error, time.time())
    if isinstance(error, RedditAPIException):  # Reddit answered 200 with errors: nothing was posted
        return from_collector_error(described)
    if isinstance(error, prawcore.RequestException):
        failure = from_requests_error(error.original_exception, "Reddit")
        return failure if create or isinstance(failure, NotSent) else NotSent(str(failure))
    if isinstance(error, prawcore.ResponseException):
        status = error.response.status_code
        return from_status(status, str(described), retry_after=described.retry_after, create=create)
    return from_collector_error(described)
