"""Posters publish an approved reply on its network. Registry values are imported lazily by name, so the web
process never imports tweepy or praw; a poster whose credentials are not set is simply absent (manual)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Protocol

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


@dataclass(frozen=True)
class PosterEntry:
    target: str  # "module:Class"
    needs: tuple[str, ...] = ()  # Settings fields that must be set for the poster to be used
    or_needs: tuple[str, ...] | None = None  # another set of credentials that serves as well

    def usable_with(self, settings: Settings) -> bool:
        return any(all(_is_set(getattr(settings, field, None)) for field in fields)
                   for fields in (self.needs, self.or_needs) if fields is not None)


POSTERS: dict[str, PosterEntry] = {
    "manual": PosterEntry("responder.posters.manual:ManualPoster"),
    # An app-only bearer token, or an OAuth 2.0 user context that renews itself (responder.posters.x_auth).
    "x": PosterEntry("responder.posters.x:XPoster", ("x_bearer_token",), ("x_client_id", "x_refresh_token")),
    "reddit": PosterEntry("responder.posters.reddit:RedditPoster",
                          ("reddit_client_id", "reddit_client_secret", "reddit_username", "reddit_password")),
    "mastodon": PosterEntry("responder.posters.mastodon:MastodonPoster", ("mastodon_access_token",)),
    "googleplay": PosterEntry("responder.posters.googleplay:GooglePlayPoster", ("google_service_account_file",)),
    "appstore_connect": PosterEntry("responder.posters.appstore_connect:AppStoreConnectPoster",
                                    ("appstore_connect_key_id", "appstore_connect_issuer_id",
                                     "appstore_connect_private_key_file")),
    "gbp": PosterEntry("responder.posters.gbp:BusinessProfilePoster", ("google_service_account_file",)),
    "trustpilot": PosterEntry("responder.posters.trustpilot:TrustpilotPoster",
                              ("trustpilot_api_key", "trustpilot_api_secret")),
}

# Networks whose stored name differs from their poster's; anything absent here and from POSTERS is manual.
NETWORK_POSTERS: dict[str, str] = {"appstore": "appstore_connect"}


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
    module_name, _, class_name = target.partition(":")
    poster: Poster = getattr(importlib.import_module(module_name), class_name)(settings)
    return poster


def _is_set(value: Any) -> bool:
    if hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    return value is not None and value != ""
