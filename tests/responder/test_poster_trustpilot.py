"""The Trustpilot poster (private reply API with OAuth) against hand-written cassettes."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from listener.reviews_http import TokenCache
from models import Mention
from responder.posters.errors import MaybeSent, NotSent, Rejected
from responder.posters.trustpilot import TrustpilotPoster
from settings import Settings
from tests.responder.conftest import Cassette, make_mention, make_reply, raised

REVIEW = "6a1f0e9c2b3d4e5f60718293"


@pytest.fixture()
def poster(settings: Settings) -> TrustpilotPoster:
    configured = settings.model_copy(update={"trustpilot_api_key": SecretStr("tpkey123"),
                                             "trustpilot_api_secret": SecretStr("tpsecret456")})
    return TrustpilotPoster(configured, tokens=TokenCache())


def review() -> Mention:
    return make_mention(network="trustpilot", external_id=REVIEW, rating=1)


def test_a_reply_is_posted_with_a_business_token(poster: TrustpilotPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("trustpilot", "reply_ok") as played:
        outcome = poster.post(make_reply(), review())
    assert (outcome.status, outcome.platform_reply_id) == ("posted", REVIEW)
    assert played.bodies() == ["grant_type=client_credentials", {"message": make_reply().text}]


def test_rate_limit_is_retried(poster: TrustpilotPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("trustpilot", "reply_429"):
        error = raised(lambda: poster.post(make_reply(), review()))
    assert isinstance(error, NotSent) and error.retry_after == 30


def test_a_refused_token_is_permanent(poster: TrustpilotPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("trustpilot", "reply_401"):
        error = raised(lambda: poster.post(make_reply(), review()))
    assert isinstance(error, Rejected) and "Invalid Access Token" in str(error)


def test_a_server_error_after_sending_is_unknown(poster: TrustpilotPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("trustpilot", "reply_503"):
        error = raised(lambda: poster.post(make_reply(), review()))
    assert isinstance(error, MaybeSent)


@pytest.mark.parametrize(("name", "expected"), [("find_found", REVIEW), ("find_missing", None)])
def test_find_existing_reads_the_company_reply(
    poster: TrustpilotPoster, posting_cassette: Cassette, name: str, expected: str | None
) -> None:
    with posting_cassette("trustpilot", name):
        assert poster.find_existing(make_reply(), review()) == expected
