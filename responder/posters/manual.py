"""The manual poster: the reply is handed to a person to paste on the platform, then confirmed."""

from __future__ import annotations

from models import Mention, Reply
from responder.posters import PostOutcome


class ManualPoster:
    def post(self, reply: Reply, mention: Mention) -> PostOutcome:
        return PostOutcome(status="manual")
