"""The Trustpilot poster (private reply API with OAuth) against hand-written cassettes; the error cases every
review poster shares are in test_review_poster_contract.py."""

from __future__ import annotations

from settings import Settings
from tests.responder.conftest import Cassette, make_reply
from tests.responder.review_posters import TRUSTPILOT_REVIEW, trustpilot_poster, trustpilot_review


def test_a_reply_is_posted_with_a_business_token(settings: Settings, posting_cassette: Cassette) -> None:
    with posting_cassette("trustpilot", "reply_ok") as played:
        outcome = trustpilot_poster(settings).post(make_reply(), trustpilot_review())
    assert (outcome.status, outcome.platform_reply_id) == ("posted", TRUSTPILOT_REVIEW)
    assert played.bodies() == ["grant_type=client_credentials", {"message": make_reply().text}]
