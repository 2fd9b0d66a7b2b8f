"""The review posters (App Store Connect, Google Play, Business Profile, Trustpilot) as data: how to build each
one and a review it answers, and what its platform's cassettes say. The contract every review poster keeps is
tested once, over all of them (test_review_poster_contract.py); each test_poster_<kind>.py holds what is its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import SecretStr

from listener.http.api import TokenCache
from models import Mention
from responder.posters import Poster
from responder.posters.appstore_connect import AppStoreConnectPoster
from responder.posters.errors import MaybeSent, NotSent, PostError
from responder.posters.gbp import BusinessProfilePoster
from responder.posters.googleplay import GooglePlayPoster
from responder.posters.trustpilot import TrustpilotPoster
from settings import Settings
from tests.responder.conftest import make_mention

APPSTORE_REVIEW = "00000045-2b1d-7e3f-8a90-0c1d2e3f4a5b"
APPSTORE_RESPONSE = "6a8c1f2e-4b7d-4e3a-9c21-7f5e8d9b0a13"
GOOGLEPLAY_REVIEW = "gp:AOqpTOH8vR2kQe1jZ7xL0aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5"
GBP_NAME = "accounts/109482736451/locations/4820193847561/reviews/AbFvOqnJ9kLmN0pQrStUvWxYz"
TRUSTPILOT_REVIEW = "6a1f0e9c2b3d4e5f60718293"


def appstore_review() -> Mention:
    return make_mention(network="appstore", external_id=APPSTORE_REVIEW, rating=1)


def googleplay_review(url: str | None = None) -> Mention:
    return make_mention(network="googleplay", external_id=GOOGLEPLAY_REVIEW, url=url or (
        "https://play.google.com/store/apps/details?id=com.lumohome.app"
        f"&reviewId={GOOGLEPLAY_REVIEW.replace(':', '%3A')}"))


def gbp_review(name: str = GBP_NAME) -> Mention:
    return make_mention(network="gbp", external_id="AbFvOqnJ9kLmN0pQrStUvWxYz", extra={"name": name})


def trustpilot_review() -> Mention:
    return make_mention(network="trustpilot", external_id=TRUSTPILOT_REVIEW, rating=1)


def trustpilot_poster(settings: Settings) -> TrustpilotPoster:
    configured = settings.model_copy(update={"trustpilot_api_key": SecretStr("tpkey123"),
                                             "trustpilot_api_secret": SecretStr("tpsecret456")})
    return TrustpilotPoster(configured, tokens=TokenCache())


@dataclass(frozen=True)
class ReviewPosterKind:
    cassettes: str  # the folder under tests/cassettes/posting
    settings_fixture: str  # the conftest fixture holding its credentials
    build: Callable[[Settings], Poster]
    review: Callable[[], Mention]
    reply_id: str  # the platform's id of the brand's reply, as find_existing returns it
    rate_limited: tuple[str, int]  # the cassette of a 429, and the wait it asks for in seconds
    refused: tuple[str, str]  # the cassette of a permanent refusal, and the platform's words it must carry
    server_error: tuple[str, type[PostError], str]  # the cassette of a 5xx, what that means for the reply, and
    # words the error must carry ("" when none is checked)

    def __str__(self) -> str:
        return self.cassettes


REVIEW_POSTERS = (
    ReviewPosterKind("appstore_connect", "appstore_settings",
                     lambda settings: AppStoreConnectPoster(settings, tokens=TokenCache()), appstore_review,
                     APPSTORE_RESPONSE, ("response_429", 60), ("response_401", "NOT_AUTHORIZED"),
                     ("response_500", NotSent, "")),
    # An upsert: a 5xx is safely sent again, whatever the platform did with the first attempt.
    ReviewPosterKind("googleplay", "google_settings",
                     lambda settings: GooglePlayPoster(settings, tokens=TokenCache()), googleplay_review,
                     GOOGLEPLAY_REVIEW, ("reply_429", 120), ("reply_403", "PERMISSION_DENIED"),
                     ("reply_503", NotSent, "503")),
    ReviewPosterKind("gbp", "google_settings",
                     lambda settings: BusinessProfilePoster(settings, tokens=TokenCache()), gbp_review,
                     f"{GBP_NAME}/reply", ("reply_429", 60), ("reply_403", "The caller does not have permission"),
                     ("reply_503", NotSent, "")),
    # A create: after a 5xx nobody knows whether the reply exists.
    ReviewPosterKind("trustpilot", "settings", trustpilot_poster, trustpilot_review, TRUSTPILOT_REVIEW,
                     ("reply_429", 30), ("reply_401", "Invalid Access Token"), ("reply_503", MaybeSent, "")),
)
