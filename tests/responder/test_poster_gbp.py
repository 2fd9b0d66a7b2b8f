"""The Business Profile poster (updateReply, an upsert) through httpx against hand-written cassettes; the error
cases every review poster shares are in test_review_poster_contract.py."""

from __future__ import annotations

import pytest

from listener.http.api import TokenCache
from responder.posters.errors import Rejected
from responder.posters.gbp import BusinessProfilePoster
from settings import Settings
from tests.responder.conftest import Cassette, make_reply, raised
from tests.responder.review_posters import GBP_NAME, gbp_review


@pytest.fixture()
def poster(google_settings: Settings) -> BusinessProfilePoster:
    return BusinessProfilePoster(google_settings, tokens=TokenCache())


def test_the_reply_is_put_on_the_review(poster: BusinessProfilePoster, posting_cassette: Cassette) -> None:
    with posting_cassette("gbp", "reply_ok") as played:
        outcome = poster.post(make_reply(), gbp_review())
    assert (outcome.status, outcome.platform_reply_id) == ("posted", f"{GBP_NAME}/reply")
    assert played.bodies("PUT") == [{"comment": make_reply().text}]


def test_a_review_name_that_is_not_one_is_refused(poster: BusinessProfilePoster) -> None:
    error = raised(lambda: poster.post(make_reply(), gbp_review("accounts/1/../../admin")))
    assert isinstance(error, Rejected)
