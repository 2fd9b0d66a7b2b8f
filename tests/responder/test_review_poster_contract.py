"""What every review poster does with its platform's refusals, against each platform's hand-written cassettes:
a rate limit waits as long as the platform says, a refusal of credentials or access is permanent and says the
platform's words, a server error is sent again only where that is safe (an upsert), and find_existing reads the
brand's reply back."""

from __future__ import annotations

import pytest

from responder.posters import Poster
from responder.posters.errors import NotSent, Rejected
from tests.responder.conftest import Cassette, make_reply, raised
from tests.responder.review_posters import REVIEW_POSTERS, ReviewPosterKind

pytestmark = pytest.mark.parametrize("kind", REVIEW_POSTERS, ids=str)


@pytest.fixture()
def poster(kind: ReviewPosterKind, request: pytest.FixtureRequest) -> Poster:
    return kind.build(request.getfixturevalue(kind.settings_fixture))


def test_a_rate_limit_is_retried_after_the_platforms_wait(kind: ReviewPosterKind, poster: Poster,
                                                           posting_cassette: Cassette) -> None:
    cassette, wait = kind.rate_limited
    with posting_cassette(kind.cassettes, cassette):
        error = raised(lambda: poster.post(make_reply(), kind.review()))
    assert isinstance(error, NotSent) and error.retry_after == wait


def test_refused_credentials_or_access_are_permanent(kind: ReviewPosterKind, poster: Poster,
                                                     posting_cassette: Cassette) -> None:
    cassette, words = kind.refused
    with posting_cassette(kind.cassettes, cassette):
        error = raised(lambda: poster.post(make_reply(), kind.review()))
    assert isinstance(error, Rejected) and words in str(error)


def test_a_server_error_is_sent_again_only_when_that_is_safe(kind: ReviewPosterKind, poster: Poster,
                                                              posting_cassette: Cassette) -> None:
    cassette, meaning, words = kind.server_error
    with posting_cassette(kind.cassettes, cassette):
        error = raised(lambda: poster.post(make_reply(), kind.review()))
    assert type(error) is meaning and words in str(error)


@pytest.mark.parametrize("found", [True, False], ids=["found", "missing"])
def test_find_existing_reads_the_brands_reply_back(kind: ReviewPosterKind, poster: Poster,
                                                    posting_cassette: Cassette, found: bool) -> None:
    with posting_cassette(kind.cassettes, "find_found" if found else "find_missing"):
        assert poster.find_existing(make_reply(), kind.review()) == (kind.reply_id if found else None)
