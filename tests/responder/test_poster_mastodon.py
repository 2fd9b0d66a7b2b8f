"""The Mastodon poster through Mastodon.py against hand-written cassettes."""

from __future__ import annotations

import socket
import threading
from typing import Any
from urllib.parse import parse_qs

import pytest
from pydantic import SecretStr
from sqlmodel import Session

from listener.collectors.mastodon import MastodonHashtagCollector
from listener.service import ingest
from models import Mention, Source
from responder.posters.errors import MaybeSent, NotSent, Rejected
from responder.posters.mastodon import MastodonPoster, read
from settings import Settings
from tests.responder.conftest import Cassette, make_mention, make_reply, raised

STATUS = "113456789012345678"
SENT = "@ann@hachyderm.io Sorry Ann, a new kettle is on its way. DM us your order number."


@pytest.fixture()
def poster(settings: Settings) -> MastodonPoster:
    return MastodonPoster(settings.model_copy(update={"mastodon_access_token": SecretStr("brand-token")}))


def toot(title: str | None = None, author: str = "ann@hachyderm.io", **extra: Any) -> Mention:
    return make_mention(network="mastodon", external_id="https://hachyderm.io/users/ann/statuses/113456789",
                        author=author, title=title,
                        extra={"instance": "mastodon.social", "status_id": STATUS, "visibility": "unlisted", **extra})


def sent_form(played: Any) -> dict[str, list[str]]:
    [form] = played.bodies()
    return parse_qs(form)


def test_a_reply_answers_the_local_status_with_an_idempotency_key(
    poster: MastodonPoster, posting_cassette: Cassette
) -> None:
    with posting_cassette("mastodon", "create_ok") as played:
        outcome = poster.post(make_reply(), toot(title="broken kettle"))
    assert (outcome.status, outcome.platform_reply_id) == ("posted", "113456790000000001")
    form = sent_form(played)
    assert (form["in_reply_to_id"], form["visibility"]) == ([STATUS], ["unlisted"])
    headers = next(r for (_, _, body), r in played.sent.items() if body).headers
    assert headers["Idempotency-Key"] == "earful-reply-7"


def test_a_reply_mentions_the_author_under_the_same_content_warning(
    poster: MastodonPoster, posting_cassette: Cassette
) -> None:
    with posting_cassette("mastodon", "create_ok") as played:
        outcome = poster.post(make_reply(), toot(title="broken kettle"))
    form = sent_form(played)
    assert (form["status"], form["spoiler_text"]) == ([SENT], ["broken kettle"])
    assert outcome.text == SENT  # what posting records: exactly what went out


def test_a_reply_is_never_more_visible_than_the_original_or_the_brands_default(
    poster: MastodonPoster, posting_cassette: Cassette
) -> None:
    with posting_cassette("mastodon", "create_narrowed") as played:
        poster.post(make_reply(), toot(visibility="public"))  # the brand account posts followers-only
    form = sent_form(played)
    assert form["visibility"] == ["private"] and "spoiler_text" not in form


def test_a_direct_message_gets_a_direct_reply_that_mentions_the_local_author(
    poster: MastodonPoster, posting_cassette: Cassette
) -> None:
    text = "Yes: reply with the new address and we will change it."
    with posting_cassette("mastodon", "create_direct") as played:  # no request for the brand's default
        outcome = poster.post(make_reply(text), toot(author="eve", visibility="direct"))
    assert sent_form(played)["visibility"] == ["direct"]
    assert outcome.text == sent_form(played)["status"][0] == f"@eve {text}"


def test_an_http_instance_found_by_a_source_is_answered_over_http(
    poster: MastodonPoster, posting_cassette: Cassette, db_session: Session
) -> None:
    source = Source(name="Staff instance", collector="mastodon_hashtag", network="mastodon",
                    config={"instance": "http://mastodon.internal:3000", "hashtag": "lumohome"})
    db_session.add(source)
    db_session.flush()
    with posting_cassette("mastodon", "http_instance") as played:
        batch = MastodonHashtagCollector(None).fetch(source.config, None)
        [mention_id] = ingest(db_session, source, batch).inserted_ids
        stored = db_session.get_one(Mention, mention_id)
        outcome = poster.post(make_reply("Sorry Gus, your lamp ships today.", mention_id=mention_id), stored)
    assert outcome.platform_reply_id == "113500000000000020"
    assert {uri.split("/api/")[0] for (_, uri, _) in played.sent} == {"http://mastodon.internal:3000"}
    assert outcome.text == "@gus@social.example Sorry Gus, your lamp ships today."
    assert sent_form(played)["spoiler_text"] == ["delivery moan"]


def test_rate_limit_is_retried_at_the_reset_time(poster: MastodonPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("mastodon", "create_429"):
        error = raised(lambda: poster.post(make_reply(), toot()))
    assert isinstance(error, NotSent) and error.retry_after is not None and error.retry_after >= 1


def test_an_invalid_token_is_permanent(poster: MastodonPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("mastodon", "create_401") as played:
        error = raised(lambda: poster.post(make_reply(), toot()))
    assert isinstance(error, Rejected) and "The access token is invalid" in str(error)
    assert played.bodies() == []  # refused on the first read: nothing was posted


def test_a_lookup_on_an_instance_that_is_down_is_known_not_sent(
    poster: MastodonPoster, posting_cassette: Cassette
) -> None:
    no_local_id = toot(status_id=None)
    with posting_cassette("mastodon", "resolve_instance_down"):  # one request, no probe of /api/v1/instance/
        error = raised(lambda: poster.post(make_reply(), no_local_id))
    assert isinstance(error, NotSent) and "503" in str(error)


def test_mastodon_py_recursing_over_an_unreadable_instance_is_known_not_sent(
    poster: MastodonPoster, posting_cassette: Cassette
) -> None:
    client = poster._client("https://mastodon.social")
    with posting_cassette("mastodon", "instance_unreadable"):
        error = raised(lambda: read(client, "https://mastodon.social", lambda: client.search_v2(
            "https://hachyderm.io/users/ann/statuses/113456789", resolve=True, result_type="statuses")))
    assert isinstance(error, NotSent) and "/api/v1/instance/" in str(error)


def test_a_server_error_after_sending_is_unknown(poster: MastodonPoster, posting_cassette: Cassette) -> None:
    with posting_cassette("mastodon", "create_503"):
        error = raised(lambda: poster.post(make_reply(), toot()))
    assert isinstance(error, MaybeSent) and "503" in str(error)


def test_a_mention_without_its_instance_is_refused_before_sending(poster: MastodonPoster) -> None:
    error = raised(lambda: poster.post(make_reply(), make_mention(network="mastodon", extra={})))
    assert isinstance(error, Rejected) and "instance" in str(error)


@pytest.mark.parametrize(("name", "expected"), [("find_found", "113456790000000001"), ("find_missing", None),
                                               ("find_context_gone", "113456790000000001")])
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
        # direct: the create is the first request (no read of the brand's default visibility before it)
        direct = toot(instance=f"http://127.0.0.1:{port}", visibility="direct")
        error = raised(lambda: poster.post(make_reply(), direct))
        thread.join(5)
    assert isinstance(error, MaybeSent) and "may have been received" in str(error)
