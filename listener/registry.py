"""Collectors by the name stored on Source.collector (their specs: listener.platforms), imported only when used."""

from __future__ import annotations

from listener.base import Collector
from listener.platforms import COLLECTORS
from listener.platforms.spec import load_target
from settings import Settings


def load_collector(name: str, settings: Settings) -> Collector:
    """Collectors are built with the settings, where their credentials live (never in Source.config)."""
    try:
        target = COLLECTORS[name].target
    except KeyError:
        raise LookupError(f"no collector named {name!r}; known: {', '.join(sorted(COLLECTORS))}") from None
    collector: Collector = load_target(target)(settings)
    return collector
