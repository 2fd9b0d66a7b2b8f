"""The App Store Connect poster (customerReviewResponses, create or update) against hand-written cassettes; the
error cases every review poster shares are in test_review_poster_contract.py."""

from __future__ import annotations

from listener.http.api import TokenCache
from responder.posters.appstore_connect import AppStoreConnectPoster
from settings import Settings
from tests.responder.conftest import Cassette, make_reply
from tests.responder.review_posters import APPSTORE_RESPONSE, APPSTORE_REVIEW, appstore_review


def test_a_response_is_created_for_the_review(appstore_settings: Settings, posting_cassette: Cassette) -> None:
    poster = AppStoreConnectPoster(appstore_settings, tokens=TokenCache())
    with posting_cassette("appstore_connect", "response_ok") as played:
        outcome = poster.post(make_reply(), appstore_review())
    assert (outcome.status, outcome.platform_reply_id) == ("posted", APPSTORE_RESPONSE)
    [body] = played.bodies()
    assert body["data"]["attributes"] == {"responseBody": make_reply().text}
    assert body["data"]["relationships"]["review"]["data"] == {"type": "customerReviews", "id": APPSTORE_REVIEW}
