"""A scriptable poster for the posting and reconciling tests, registered as "fake" in POSTERS."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from models import Mention, Reply
from responder.posters import PostOutcome
from settings import Settings


class FakePoster:
    on_post: ClassVar[Callable[[Reply, Mention], PostOutcome]] = lambda reply, mention: PostOutcome("posted", "p-1")
    on_find: ClassVar[Callable[[Reply, Mention], str | None]] = lambda reply, mention: None
    posts: ClassVar[list[int | None]] = []

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def post(self, reply: Reply, mention: Mention) -> PostOutcome:
        FakePoster.posts.append(reply.id)
        return FakePoster.on_post(reply, mention)

    def find_existing(self, reply: Reply, mention: Mention) -> str | None:
        return FakePoster.on_find(reply, mention)


class BrokenPoster:
    def __init__(self, settings: Settings) -> None:
        raise ValueError("APPSTORE_CONNECT_PRIVATE_KEY_FILE is not an ES256 key")
