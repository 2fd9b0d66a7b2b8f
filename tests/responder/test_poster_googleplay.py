"""The Google Play poster (reviews.reply, an upsert) through httpx against hand-written cassettes."""

from __future__ import annotations

import pytest

from listener.reviews_http import TokenCache
from models import Mention
from responder.posters.errors import NotSent, Rejected
from responder.posters.googleplay import GooglePlayPoster
from settings import Settings
from tests.responder.conftest import Cassette, make_mention, make_reply, raised

REVIEW = "gp:AOqpTOH8vR2kQe1jZ7xL0aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5"


@pytest.fixture()
def poster(google_settings: Settings) -> GooglePlayPoster:
    return GooglePlayPoster(google_settings, tokens=TokenCache())


def review(url: str | None = None) -> Mention:
    return make_mention(network="googleplay", external_id=REVIEW, url=url or (
        f"https://play.google.com/store/apps/details?id=com.lumohome.app&reviewId={REVIEW.replace(':', '%3A')}"))


def test_a_reply_is_set_on_the_review(poster: GooglePlayPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("googleplay", "reply_ok") as played:
        outcome = poster.post(make_reply(), review())
    assert (outcome.status, outcome.platform_reply_id) == ("posted", REVIEW)
    assert played.bodies()[-1] == {"replyText": make_reply().text}


def test_replies_over_350_characters_are_refused_before_sending(poster: GooglePlayPoster) -> None:
    error = raised(lambda: poster.post(make_reply("x" * 351), review()))
    assert isinstance(error, Rejected) and "350" in str(error)


def test_quota_is_retried_after_retry_after(poster: GooglePlayPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("googleplay", "reply_429"):
        error = raised(lambda: poster.post(make_reply(), review()))
    assert isinstance(error, NotSent) and error.retry_after == 120


def test_no_permission_is_permanent(poster: GooglePlayPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("googleplay", "reply_403"):
        error = raised(lambda: poster.post(make_reply(), review()))
    assert isinstance(error, Rejected) and "PERMISSION_DENIED" in str(error)


def test_a_server_error_on_the_upsert_is_simply_retried(poster: GooglePlayPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("googleplay", "reply_503"):
        error = raised(lambda: poster.post(make_reply(), review()))
    assert isinstance(error, NotSent) and "503" in str(error)


def test_a_review_without_its_package_goes_to_the_console(poster: GooglePlayPoster) -> None:
    error = raised(lambda: poster.post(make_reply(), review(url="https://example.com/?id=../../x")))
    assert isinstance(error, Rejected)


@pytest.mark.parametrize(("name", "expected"), [("find_found", REVIEW), ("find_missing", None)])
def test_find_existing_compares_the_developer_reply(
    poster: GooglePlayPoster, posting_cassette: Cassette, name: str, expected: str | None
) -> None:
    with posting_cassette("googleplay", name):
        assert poster.find_existing(make_reply(), review()) == expected
