"""What Earful knows about one network, as data: the collector and poster registries, lint's platform rules and
the sources page all read these specs. Classes and functions are named by import path ("module:name") and
imported only when used, so reading a spec never loads a platform client (tweepy, praw) into the web process."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from settings import Settings


def load_target(target: str) -> Any:
    """The object named by "package.module:name"."""
    module_name, _, name = target.partition(":")
    return getattr(importlib.import_module(module_name), name)


@dataclass(frozen=True)
class CollectorSpec:
    """One way of reading a network; `name` is what Source.collector stores."""

    name: str
    target: str  # "module:Class", built with the Settings
    coverage: str  # what the platform lets it see, shown on the sources page
    needs_query: bool = False  # a source of it is refused without a listening query
    native_query: str | None = None  # "module:function" compiling the listening query to the platform's search
    credentials: tuple[str, ...] = ()  # Settings fields it cannot run without
    reads_files: bool = False  # config "path" is a file under IMPORT_DIR; each row names its network


@dataclass(frozen=True)
class PosterSpec:
    """How replies are published; without its credentials a poster is absent and replies go to a person."""

    target: str  # "module:Class", built with the Settings
    needs: tuple[str, ...] = ()  # Settings fields that must all be set
    or_needs: tuple[str, ...] | None = None  # another set of credentials that serves as well

    def usable_with(self, settings: Settings) -> bool:
        return any(all(_is_set(getattr(settings, name, None)) for name in fields)
                   for fields in (self.needs, self.or_needs) if fields is not None)


@dataclass(frozen=True)
class ReplyLimit:
    """The longest reply the platform accepts; lint blocks longer ones with `reason` as the explanation."""

    limit: int
    reason: str
    weighted: bool = False  # X's weighted count (links 23, CJK and emoji 2) rather than plain characters


@dataclass(frozen=True)
class NetworkSpec:
    key: str  # the name stored on mentions and sources
    display_name: str
    collectors: tuple[CollectorSpec, ...] = ()
    poster: PosterSpec | None = None  # None: replies are posted by a person (manual)
    poster_name: str | None = None  # the poster's registry name, when it differs from the key
    upsert: bool = False  # a review holds one reply from the business; posting again overwrites it
    revisable: bool = False  # authors edit their posts in place (reviews): a re-read edit is stored as a revision
    reply_limit: ReplyLimit | None = None
    # "store": a review site where the business answers in public and cannot message the reviewer (no DMs);
    # "social": a network where people can be asked to continue in private.
    channel: str = "social"

    @property
    def poster_key(self) -> str:
        return self.poster_name or self.key


def _is_set(value: Any) -> bool:
    if hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    return value is not None and value != ""
