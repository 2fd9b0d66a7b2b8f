"""The X poster through tweepy against hand-written cassettes."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from responder.posters.errors import MaybeSent, NeedsManual, NotSent, Rejected
from responder.posters.x import XPoster
from settings import Settings
from tests.responder.conftest import Cassette, make_mention, make_reply, raised

TWEET = "1986201519337422848"
RESET = 1793977200


@pytest.fixture()
def poster(settings: Settings) -> XPoster:
    configured = settings.model_copy(update={"x_bearer_token": SecretStr("user-context-oauth2-token")})
    return XPoster(configured, clock=lambda: RESET - 900)


def test_a_reply_is_created_in_reply_to_the_mention(poster: XPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("x", "create_ok") as played:
        outcome = poster.post(make_reply(), make_mention(external_id=TWEET))
    assert (outcome.status, outcome.platform_reply_id) == ("posted", "1986203311208505344")
    assert played.bodies() == [{"text": make_reply().text, "reply": {"in_reply_to_tweet_id": TWEET}}]


def test_a_post_that_does_not_address_the_brand_goes_to_a_person(poster: XPoster) -> None:
    error = raised(lambda: poster.post(make_reply(), make_mention(external_id=TWEET, in_reply_to_brand=None)))
    assert isinstance(error, NeedsManual) and "reply manually" in str(error)


def test_rate_limit_waits_for_the_reset_time(poster: XPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("x", "create_429"):
        error = raised(lambda: poster.post(make_reply(), make_mention(external_id=TWEET)))
    assert isinstance(error, NotSent) and error.retry_after == 900


def test_a_408_was_not_received_and_is_sent_again_after_retry_after(poster: XPoster,
                                                                    posting_cassette: Cassette) -> None:
    with posting_cassette("x", "create_408"):
        error = raised(lambda: poster.post(make_reply(), make_mention(external_id=TWEET)))
    assert isinstance(error, NotSent) and error.retry_after == 30 and "408" in str(error)


@pytest.mark.parametrize("name", ["create_401", "create_403"])
def test_refusals_are_permanent_with_xs_words(poster: XPoster, posting_cassette: Cassette, name: str) -> None:
    with posting_cassette("x", name):
        error = raised(lambda: poster.post(make_reply(), make_mention(external_id=TWEET)))
    assert isinstance(error, Rejected)
    assert ("not allowed" if name == "create_403" else "401 Unauthorized") in str(error)


def test_a_server_error_after_sending_is_unknown(poster: XPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("x", "create_503"):
        error = raised(lambda: poster.post(make_reply(), make_mention(external_id=TWEET)))
    assert isinstance(error, MaybeSent) and "503" in str(error)


@pytest.mark.parametrize(("name", "expected"), [("find_found", "1986203311208505344"), ("find_missing", None)])
def test_find_existing_reads_the_brands_replies_to_the_mention(
    poster: XPoster, posting_cassette: Cassette, name: str, expected: str | None
) -> None:
    with posting_cassette("x", name):
        assert poster.find_existing(make_reply(), make_mention(external_id=TWEET)) == expected
