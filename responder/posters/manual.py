"""The manual poster: the reply is handed to a person to paste on the platform, then confirmed."""

from __future__ import annotations

from models import Mention, Reply
from responder.posters import PostOutcome
from settings import Settings


class ManualPoster:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    def post(self, reply: Reply, mention: Mention) -> PostOutcome:
        return PostOutcome(status="manual")

    def find_existing(self, reply: Reply, mention: Mention) -> str | None:
        return None  # nothing was sent by Earful; the operator confirms by hand
