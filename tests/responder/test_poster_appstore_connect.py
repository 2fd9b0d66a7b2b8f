"""The App Store Connect poster (customerReviewResponses, create or update) against hand-written cassettes."""

from __future__ import annotations

import pytest

from listener.reviews_http import TokenCache
from models import Mention
from responder.posters.appstore_connect import AppStoreConnectPoster
from responder.posters.errors import NotSent, Rejected
from settings import Settings
from tests.responder.conftest import Cassette, make_mention, make_reply, raised

REVIEW = "00000045-2b1d-7e3f-8a90-0c1d2e3f4a5b"
RESPONSE = "6a8c1f2e-4b7d-4e3a-9c21-7f5e8d9b0a13"


@pytest.fixture()
def poster(appstore_settings: Settings) -> AppStoreConnectPoster:
    return AppStoreConnectPoster(appstore_settings, tokens=TokenCache())


def review() -> Mention:
    return make_mention(network="appstore", external_id=REVIEW, rating=1)


def test_a_response_is_created_for_the_review(poster: AppStoreConnectPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("appstore_connect", "response_ok") as played:
        outcome = poster.post(make_reply(), review())
    assert (outcome.status, outcome.platform_reply_id) == ("posted", RESPONSE)
    [body] = played.bodies()
    assert body["data"]["attributes"] == {"responseBody": make_reply().text}
    assert body["data"]["relationships"]["review"]["data"] == {"type": "customerReviews", "id": REVIEW}


def test_rate_limit_is_retried(poster: AppStoreConnectPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("appstore_connect", "response_429"):
        error = raised(lambda: poster.post(make_reply(), review()))
    assert isinstance(error, NotSent) and error.retry_after == 60


def test_bad_credentials_are_permanent(poster: AppStoreConnectPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("appstore_connect", "response_401"):
        error = raised(lambda: poster.post(make_reply(), review()))
    assert isinstance(error, Rejected) and "NOT_AUTHORIZED" in str(error)


def test_a_server_error_on_the_upsert_is_simply_retried(poster: AppStoreConnectPoster,
                                                       posting_cassette: Cassette) -> None:
    with posting_cassette("appstore_connect", "response_500"):
        error = raised(lambda: poster.post(make_reply(), review()))
    assert isinstance(error, NotSent)


@pytest.mark.parametrize(("name", "expected"), [("find_found", RESPONSE), ("find_missing", None)])
def test_find_existing_reads_the_reviews_response(
    poster: AppStoreConnectPoster, posting_cassette: Cassette, name: str, expected: str | None
) -> None:
    with posting_cassette("appstore_connect", name):
        assert poster.find_existing(make_reply(), review()) == expected
