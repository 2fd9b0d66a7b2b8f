"""Run post_reply for one reply in its own process and SIGKILL it at a chosen point.

usage: python tests/responder/kill_worker.py DATABASE_URL REPLY_ID (before_send|after_send|none)
"""

from __future__ import annotations

import os
import signal
import sys

from pydantic import SecretStr

from listener.platforms.spec import PosterSpec
from models import Mention, Reply
from models.db import make_engine, make_session_factory
from responder.posters import POSTERS, PostOutcome
from responder.posters.mastodon import MastodonPoster
from responder.replies.posting import post_reply
from settings import Settings

MODE = sys.argv[3] if len(sys.argv) > 3 else "none"


class KillingMastodonPoster(MastodonPoster):
    """The real poster, with the process killed right before or right after the request."""

    def post(self, reply: Reply, mention: Mention) -> PostOutcome:
        if MODE == "before_send":  # the claim is committed: this is the window between claim and send
            os.kill(os.getpid(), signal.SIGKILL)
        outcome = super().post(reply, mention)
        if MODE == "after_send":  # the platform has the reply; nothing is recorded yet
            os.kill(os.getpid(), signal.SIGKILL)
        return outcome


def main() -> None:
    url, reply_id = sys.argv[1], int(sys.argv[2])
    POSTERS["mastodon"] = PosterSpec("__main__:KillingMastodonPoster", ("mastodon_access_token",))
    settings = Settings(database_url=url, mastodon_access_token=SecretStr("brand-token"))
    reply = post_reply(make_session_factory(make_engine(url)), reply_id, settings=settings)
    print(reply.status if reply else "not claimed")


if __name__ == "__main__":
    main()
