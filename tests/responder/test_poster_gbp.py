"""The Business Profile poster (updateReply, an upsert) through httpx against hand-written cassettes."""

from __future__ import annotations

import pytest

from listener.reviews_http import TokenCache
from models import Mention
from responder.posters.errors import NotSent, Rejected
from responder.posters.gbp import BusinessProfilePoster
from settings import Settings
from tests.responder.conftest import Cassette, make_mention, make_reply, raised

NAME = "accounts/109482736451/locations/4820193847561/reviews/AbFvOqnJ9kLmN0pQrStUvWxYz"


@pytest.fixture()
def poster(google_settings: Settings) -> BusinessProfilePoster:
    return BusinessProfilePoster(google_settings, tokens=TokenCache())


def review(name: str = NAME) -> Mention:
    return make_mention(network="gbp", external_id="AbFvOqnJ9kLmN0pQrStUvWxYz", extra={"name": name})


def test_the_reply_is_put_on_the_review(poster: BusinessProfilePoster, posting_cassette: Cassette) -> None:
    with posting_cassette("gbp", "reply_ok") as played:
        outcome = poster.post(make_reply(), review())
    assert (outcome.status, outcome.platform_reply_id) == ("posted", f"{NAME}/reply")
    assert played.bodies("PUT") == [{"comment": make_reply().text}]


def test_quota_is_retried(poster: BusinessProfilePoster, posting_cassette: Cassette) -> None:
    with posting_cassette("gbp", "reply_429"):
        error = raised(lambda: poster.post(make_reply(), review()))
    assert isinstance(error, NotSent) and error.retry_after == 60


def test_no_access_to_the_location_is_permanent(poster: BusinessProfilePoster, posting_cassette: Cassette) -> None:
    with posting_cassette("gbp", "reply_403"):
        error = raised(lambda: poster.post(make_reply(), review()))
    assert isinstance(error, Rejected) and "The caller does not have permission" in str(error)


def test_a_server_error_on_the_upsert_is_simply_retried(poster: BusinessProfilePoster,
                                                       posting_cassette: Cassette) -> None:
    with posting_cassette("gbp", "reply_503"):
        error = raised(lambda: poster.post(make_reply(), review()))
    assert isinstance(error, NotSent)


def test_a_review_name_that_is_not_one_is_refused(poster: BusinessProfilePoster) -> None:
    error = raised(lambda: poster.post(make_reply(), review("accounts/1/../../admin")))
    assert isinstance(error, Rejected)


@pytest.mark.parametrize(("name", "expected"), [("find_found", f"{NAME}/reply"), ("find_missing", None)])
def test_find_existing_compares_the_current_reply(
    poster: BusinessProfilePoster, posting_cassette: Cassette, name: str, expected: str | None
) -> None:
    with posting_cassette("gbp", name):
        assert poster.find_existing(make_reply(), review()) == expected
