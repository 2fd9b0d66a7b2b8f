"""Posters publish an approved reply on its network; which poster a network has, and the credentials it needs, is
in its spec (listener.platforms). Registry values are imported lazily by name, so the web
process never imports tweepy or praw; a poster whose credentials are not set is simply absent (manual)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from listener.platforms import NETWORKS
from listener.platforms.spec import PosterSpec, load_target
from models import Mention, Reply
from settings import Settings


@dataclass(frozen=True)
class PostOutcome:
    status: str  # "posted" or "manual"
    platform_reply_id: str | None = None
    note: str | None = None  # why a reply went to manual, shown to the operator
    text: str | None = None  # the exact text sent, when the poster added to the reply (a Mastodon @mention)


class Poster(Protocol):
    def post(self, reply: Reply, mention: Mention) -> PostOutcome:
        """Publish once. Raises responder.posters.errors.PostError subclasses, never retries a create."""
        ...

    def find_existing(self, reply: Reply, mention: Mention) -> str | None:
        """Read the platform for this reply (after an unknown outcome): its platform id, or None if absent."""
        ...


# Poster name -> spec: "manual" (a person pastes the reply) and each network's poster (listener.platforms).
POSTERS: dict[str, PosterSpec] = {
    "manual": PosterSpec("responder.posters.manual:ManualPoster"),
    **{spec.poster_key: spec.poster for spec in NETWORKS.values() if spec.poster is not None},
}
# Networks whose stored name differs from their poster's; anything absent here and from POSTERS is manual.
NETWORK_POSTERS: dict[str, str] = {key: spec.poster_key for key, spec in NETWORKS.items()
                                   if spec.poster is not None and spec.poster_key != key}


def poster_for_network(network: str) -> str:
    name = NETWORK_POSTERS.get(network, network)
    return name if name in POSTERS else "manual"


def configured_poster(name: str, settings: Settings) -> str:
    """The poster that will actually be used: one without its credentials falls back to manual."""
    entry = POSTERS.get(name)
    if entry is None or not entry.usable_with(settings):
        return "manual"
    return name


def load_poster(name: str, settings: Settings) -> Poster:
    try:
        target = POSTERS[name].target
    except KeyError:
        raise LookupError(f"no poster named {name!r}; known: {', '.join(sorted(POSTERS))}") from None
    poster: Poster = load_target(target)(settings)
    return poster
