"""Posters publish an approved reply on its network. Registry values are imported lazily by name."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

from models import Mention, Reply

POSTERS: dict[str, str] = {
    "manual": "responder.posters.manual:ManualPoster",
}


@dataclass(frozen=True)
class PostOutcome:
    status: str  # "posted" or "manual"
    platform_reply_id: str | None = None


class Poster(Protocol):
    def post(self, reply: Reply, mention: Mention) -> PostOutcome: ...


def load_poster(name: str) -> Poster:
    try:
        target = POSTERS[name]
    except KeyError:
        raise LookupError(f"no poster named {name!r}; known: {', '.join(sorted(POSTERS))}") from None
    module_name, _, class_name = target.partition(":")
    poster_class = getattr(importlib.import_module(module_name), class_name)
    poster: Poster = poster_class()
    return poster


def poster_for_network(network: str) -> str:
    """Networks without a poster of their own are answered by hand."""
    return network if network in POSTERS else "manual"
