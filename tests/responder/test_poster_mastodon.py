"""The Mastodon poster through Mastodon.py against hand-written cassettes."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest
from pydantic import SecretStr

from models import Mention
from responder.posters.errors import MaybeSent, NotSent, Rejected
from responder.posters.mastodon import MastodonPoster
from settings import Settings
from tests.responder.conftest import Cassette, make_mention, make_reply, raised

STATUS = "113456789012345678"


@pytest.fixture()
def poster(settings: Settings) -> MastodonPoster:
    return MastodonPoster(settings.model_copy(update={"mastodon_access_token": SecretStr("brand-token")}))


def toot(**extra: Any) -> Mention:
    return make_mention(network="mastodon", external_id="https://hachyderm.io/users/ann/statuses/113456789",
                        extra={"instance": "mastodon.social", "status_id": STATUS, "visibility": "unlisted", **extra})


def test_a_reply_answers_the_local_status_with_an_idempotency_key(
    poster: MastodonPoster, posting_cassette: Cassette
) -> None:
    with posting_cassette("mastodon", "create_ok") as played:
        outcome = poster.post(make_reply(), toot())
    assert (outcome.status, outcome.platform_reply_id) == ("posted", "113456790000000001")
    [form] = played.bodies()
    assert f"in_reply_to_id={STATUS}" in form and "visibility=unlisted" in form
    headers = next(r for (_, _, body), r in played.sent.items() if body).headers
    assert headers["Idempotency-Key"] == "earful-reply-7"


def test_rate_limit_is_retried_at_the_reset_time(poster: MastodonPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("mastodon", "create_429"):
        error = raised(lambda: poster.post(make_reply(), toot()))
    assert isinstance(error, NotSent) and error.retry_after is not None and error.retry_after >= 1


def test_an_invalid_token_is_permanent(poster: MastodonPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("mastodon", "create_401"):
        error = raised(lambda: poster.post(make_reply(), toot()))
    assert isinstance(error, Rejected) and "The access token is invalid" in str(error)


def test_a_server_error_after_sending_is_unknown(poster: MastodonPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("mastodon", "create_503"):
        error = raised(lambda: poster.post(make_reply(), toot()))
    assert isinstance(error, MaybeSent) and "503" in str(error)


def test_a_mention_without_its_instance_is_refused_before_sending(poster: MastodonPoster) -> None:
    error = raised(lambda: poster.post(make_reply(), make_mention(network="mastodon", extra={})))
    assert isinstance(error, Rejected) and "instance" in str(error)


@pytest.mark.parametrize(("name", "expected"), [("find_found", "113456790000000001"), ("find_missing", None)])
def test_find_existing_reads_the_accounts_replies_to_the_status(
    poster: MastodonPoster, posting_cassette: Cassette, name: str, expected: str | None
) -> None:
    with posting_cassette("mastodon", name):
        assert poster.find_existing(make_reply(), toot()) == expected


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_a_refused_connection_is_known_not_sent(poster: MastodonPoster) -> None:
    error = raised(lambda: poster.post(make_reply(), toot(instance=f"http://127.0.0.1:{closed_port()}")))
    assert isinstance(error, NotSent) and "could not connect" in str(error)


def test_a_connection_dropped_after_the_request_is_unknown(poster: MastodonPoster) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)

        def swallow() -> None:
            connection, _ = server.accept()
            connection.recv(65536)  # the instance got the whole request, then the connection died
            connection.close()

        thread = threading.Thread(target=swallow, daemon=True)
        thread.start()
        port = server.getsockname()[1]
        error = raised(lambda: poster.post(make_reply(), toot(instance=f"http://127.0.0.1:{port}")))
        thread.join(5)
    assert isinstance(error, MaybeSent) and "may have been received" in str(error)
