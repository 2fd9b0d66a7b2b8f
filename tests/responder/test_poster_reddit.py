"""The Reddit poster through praw against hand-written cassettes."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from models import Mention
from responder.posters.errors import MaybeSent, NotSent, Rejected
from responder.posters.reddit import RedditPoster
from settings import Settings
from tests.responder.conftest import Cassette, make_mention, make_reply, raised

PARENT = "t1_mq7a1b9"


@pytest.fixture()
def poster(settings: Settings) -> RedditPoster:
    return RedditPoster(settings.model_copy(update={
        "reddit_client_id": "p-jcoLKBynTLew", "reddit_client_secret": SecretStr("gko_LXELoV07ZBNUXrvWZfzE3aI"),
        "reddit_username": "LumoHomeCare", "reddit_password": SecretStr("hunter2-but-longer")}))


def comment(external_id: str = PARENT) -> Mention:
    return make_mention(network="reddit", external_id=external_id, extra={"kind": "comment"})


def test_a_reply_answers_the_comment(poster: RedditPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("reddit", "create_ok") as played:
        outcome = poster.post(make_reply(), comment())
    assert (outcome.status, outcome.platform_reply_id) == ("posted", "t1_mq7c3x2")
    form = played.bodies()[-1]
    assert f"thing_id={PARENT}" in form and "text=Sorry+Ann" in form


def test_a_ratelimit_error_is_retried_after_the_wait_reddit_names(
    poster: RedditPoster, posting_cassette: Cassette
) -> None:
    with posting_cassette("reddit", "create_ratelimit"):
        error = raised(lambda: poster.post(make_reply(), comment()))
    assert isinstance(error, NotSent) and error.retry_after == 7 * 60


def test_a_429_from_the_token_endpoint_waits_the_retry_after(poster: RedditPoster,
                                                               posting_cassette: Cassette) -> None:
    with posting_cassette("reddit", "token_429"):
        error = raised(lambda: poster.post(make_reply(), comment()))
    assert isinstance(error, NotSent) and error.retry_after == 7


def test_a_408_on_the_create_was_not_received_and_is_sent_again_later(poster: RedditPoster,
                                                                     posting_cassette: Cassette) -> None:
    with posting_cassette("reddit", "create_408"):
        error = raised(lambda: poster.post(make_reply(), comment()))
    assert isinstance(error, NotSent) and "408" in str(error)


def test_a_ban_is_permanent(poster: RedditPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("reddit", "create_403"):
        error = raised(lambda: poster.post(make_reply(), comment()))
    assert isinstance(error, Rejected) and "403" in str(error)


def test_a_server_error_is_unknown_and_never_retried_by_prawcore(
    poster: RedditPoster, posting_cassette: Cassette
) -> None:
    # The cassette answers the create once; a prawcore retry would find nothing to replay and fail differently.
    with posting_cassette("reddit", "create_500"):
        error = raised(lambda: poster.post(make_reply(), comment()))
    assert isinstance(error, MaybeSent) and "Reddit server error" in str(error)


def test_only_posts_and_comments_can_be_answered(poster: RedditPoster) -> None:
    error = raised(lambda: poster.post(make_reply(), comment("t4_message1")))
    assert isinstance(error, Rejected)


@pytest.mark.parametrize(("name", "expected"), [("find_found", "t1_mq7c3x2"), ("find_missing", None)])
def test_find_existing_reads_the_accounts_comments_under_the_parent(
    poster: RedditPoster, posting_cassette: Cassette, name: str, expected: str | None
) -> None:
    with posting_cassette("reddit", name):
        assert poster.find_existing(make_reply(), comment()) == expected
