"""The Google Play poster (reviews.reply, an upsert) through httpx against hand-written cassettes; the error
cases every review poster shares are in test_review_poster_contract.py."""

from __future__ import annotations

import pytest

from listener.http.api import TokenCache
from responder.posters.errors import Rejected
from responder.posters.googleplay import GooglePlayPoster
from settings import Settings
from tests.responder.conftest import Cassette, make_reply, raised
from tests.responder.review_posters import GOOGLEPLAY_REVIEW, googleplay_review


@pytest.fixture()
def poster(google_settings: Settings) -> GooglePlayPoster:
    return GooglePlayPoster(google_settings, tokens=TokenCache())


def test_a_reply_is_set_on_the_review(poster: GooglePlayPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("googleplay", "reply_ok") as played:
        outcome = poster.post(make_reply(), googleplay_review())
    assert (outcome.status, outcome.platform_reply_id) == ("posted", GOOGLEPLAY_REVIEW)
    assert played.bodies()[-1] == {"replyText": make_reply().text}


def test_replies_over_350_characters_are_refused_before_sending(poster: GooglePlayPoster) -> None:
    error = raised(lambda: poster.post(make_reply("x" * 351), googleplay_review()))
    assert isinstance(error, Rejected) and "350" in str(error)


def test_a_review_without_its_package_goes_to_the_console(poster: GooglePlayPoster) -> None:
    error = raised(lambda: poster.post(make_reply(), googleplay_review(url="https://example.com/?id=../../x")))
    assert isinstance(error, Rejected)
