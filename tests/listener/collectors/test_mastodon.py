"""The Mastodon collectors through Mastodon.py against recorded responses (tests/cassettes/mastodon/)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timezone
from typing import Any

import pytest
from pydantic import SecretStr

from listener.base import CollectorError, PermanentCollectorError
from listener.collectors.mastodon import MastodonHashtagCollector, MastodonMentionsCollector
from listener.platforms import COLLECTORS
from listener.platforms.mastodon import instance_url
from settings import Settings
from tests.listener.conftest import CASSETTES, cassette_player

Cassette = Callable[[str, str], AbstractContextManager[Any]]
HASHTAG = {"instance": "https://mastodon.social", "hashtag": "#lumohome"}
CURSOR = {"since_id": "115502000000000300"}
CLOSED = {"instance": "https://closed.example", "hashtag": "lumohome"}


@pytest.fixture()
def cassette() -> Cassette:
    """Overrides tests/listener/conftest.py's: each recorded request must be made, and only once. Mastodon.py
    swallows a failed instance request, so a recorded one left unplayed is the only sign a check never ran."""

    @contextmanager
    def use(network: str, name: str) -> Iterator[Any]:
        path = CASSETTES / network / f"{name}.yaml"
        assert path.is_file(), f"missing cassette {path}"
        with cassette_player(network).use_cassette(path.name, allow_playback_repeats=False) as played:
            yield played
        unplayed = [request.uri for index, request in enumerate(played.requests) if not played.play_counts[index]]
        assert played.all_played, f"{name}: recorded but never requested: {unplayed}"

    return use


@pytest.fixture()
def with_token(settings: Settings) -> Settings:
    return settings.model_copy(update={"mastodon_access_token": SecretStr("test-token")})


def test_first_hashtag_run_takes_the_newest_page(cassette: Cassette) -> None:
    with cassette("mastodon", "hashtag_first"):
        batch = MastodonHashtagCollector(None).fetch(HASHTAG, None)
    assert [m.external_id for m in batch.mentions] == [
        "https://mastodon.social/users/alice/statuses/115502000000000300",
        "https://fosstodon.org/users/bob/statuses/115501999993000200",
        "https://mstdn.jp/users/chiharu/statuses/115501999993000100",
    ]
    assert batch.cursor == {"since_id": "115502000000000300"}
    assert batch.more is False  # no backfill beyond the newest page
    assert [(e.line, e.message) for e in batch.errors] == [
        (2, "status skipped: status 115502000000000150 has no account")]


def test_status_html_becomes_plain_text_without_markup(cassette: Cassette) -> None:
    with cassette("mastodon", "hashtag_first"):
        alice, bob, chiharu = MastodonHashtagCollector(None).fetch(HASHTAG, None).mentions
    assert alice.text == ('My #lumohome hub keeps rebooting & the app says "offline".\nDay 3 now.\n\n'
                          "Ticket #4411 <script> is what I typed, not a tag.\n\n"
                          "https://lumo.example/status")
    assert "alert(1)" not in alice.text and "<span" not in alice.text and "<p>" not in alice.text
    assert alice.author == "alice"
    assert alice.url == "https://mastodon.social/@alice/115502000000000300"
    assert alice.language == "en"
    assert alice.created_at == datetime(2026, 11, 5, 13, 58, 41, tzinfo=timezone.utc)
    assert alice.extra == {"instance": "mastodon.social", "instance_url": "https://mastodon.social",
                           "status_id": "115502000000000300", "visibility": "public"}
    assert (bob.author, bob.title) == ("bob@fosstodon.org", "long rant, smart home")
    assert bob.text.startswith("long rant, smart home\n\nHonest review")
    assert chiharu.text == "[media: ルモホームのアプリのエラー画面]" and chiharu.language == "ja"


def test_resume_pages_forward_from_the_cursor(cassette: Cassette) -> None:
    with cassette("mastodon", "hashtag_resume"):
        full = MastodonHashtagCollector(None).fetch(HASHTAG, CURSOR)
        empty = MastodonHashtagCollector(None).fetch(HASHTAG, full.cursor)
    assert len(full.mentions) == 40 and full.more is True
    assert full.cursor == {"since_id": "115502000000000340"}
    assert empty.mentions == [] and empty.more is False
    assert empty.cursor == {"since_id": "115502000000000340"}


def test_rate_limit_is_transient_until_the_reset(cassette: Cassette) -> None:
    with cassette("mastodon", "hashtag_rate_limited"), pytest.raises(CollectorError) as caught:
        MastodonHashtagCollector(None).fetch(HASHTAG, CURSOR)
    assert caught.value.transient is True
    # X-RateLimit-Reset is five minutes after the server's Date; Mastodon.py reads it against that clock
    assert caught.value.retry_after is not None and 295 <= caught.value.retry_after <= 300


@pytest.mark.parametrize("name", ["hashtag_unavailable", "hashtag_garbled"])
def test_outages_and_garbled_bodies_are_transient(cassette: Cassette, name: str) -> None:
    with cassette("mastodon", name), pytest.raises(CollectorError) as caught:
        MastodonHashtagCollector(None).fetch(HASHTAG, CURSOR)
    assert caught.value.transient is True


def test_an_instance_whose_hashtag_timeline_needs_a_login_says_so(cassette: Cassette) -> None:
    with cassette("mastodon", "hashtag_login_required"), pytest.raises(PermanentCollectorError) as caught:
        MastodonHashtagCollector(None).fetch(CLOSED, None)
    assert str(caught.value).startswith("Mastodon closed.example shows its hashtag timelines only to logged-in users")


def test_an_older_instance_that_wants_a_login_says_so_too(cassette: Cassette) -> None:
    with cassette("mastodon", "hashtag_login_required_old"), pytest.raises(PermanentCollectorError) as caught:
        MastodonHashtagCollector(None).fetch(CLOSED, None)
    assert "only to logged-in users" in str(caught.value) and "HTTP 422" not in str(caught.value)


def test_the_instance_keeps_its_scheme(cassette: Cassette) -> None:
    with cassette("mastodon", "hashtag_http"):
        [mention] = MastodonHashtagCollector(None).fetch(
            {"instance": "http://mastodon.internal:3000/", "hashtag": "lumohome"}, None).mentions
    assert mention.extra is not None
    assert (mention.extra["instance"], mention.extra["instance_url"]) == (
        "mastodon.internal:3000", "http://mastodon.internal:3000")


def test_mentions_come_from_notifications(cassette: Cassette, with_token: Settings) -> None:
    with cassette("mastodon", "mentions"):
        batch = MastodonMentionsCollector(with_token).fetch({"instance": "https://mastodon.social/"}, None)
    dana, eve = batch.mentions
    assert dana.text == "@lumohome my order #88231 never arrived and support is silent."
    assert dana.author == "dana@hachyderm.io" and dana.in_reply_to_brand is True
    assert dana.extra is not None and dana.extra["notification_id"] == "34975870"
    assert dana.extra["in_reply_to_id"] == "115502000000000300"  # a reply: the parent's id on the instance
    assert eve.extra is not None and eve.extra["visibility"] == "direct" and "in_reply_to_id" not in eve.extra
    assert eve.extra["instance_url"] == "https://mastodon.social"
    assert batch.cursor == {"since_id": "34975870"}  # notification ids, not status ids
    assert [e.line for e in batch.errors] == [2]


def test_revoked_token_is_permanent(cassette: Cassette, with_token: Settings) -> None:
    with cassette("mastodon", "mentions_unauthorized"), pytest.raises(PermanentCollectorError) as caught:
        MastodonMentionsCollector(with_token).fetch({"instance": "https://mastodon.social"}, None)
    assert "401" in str(caught.value) and "The access token is invalid" in str(caught.value)


def test_mentions_without_a_token_refuse_to_run(settings: Settings) -> None:
    with pytest.raises(PermanentCollectorError, match="MASTODON_ACCESS_TOKEN"):
        MastodonMentionsCollector(settings).fetch({"instance": "https://mastodon.social"}, None)


@pytest.mark.parametrize("hashtag", ["", "lumo/../../api", "a b", "tag?x=1"])
def test_hashtags_that_would_change_the_url_are_refused(hashtag: str) -> None:
    with pytest.raises(PermanentCollectorError):
        MastodonHashtagCollector(None).fetch({"instance": "https://mastodon.social", "hashtag": hashtag}, None)


@pytest.mark.parametrize("value", [None, "mastodon.social", "ftp://x.org", "https://x.org/api", "https://u:p@x.org"])
def test_instance_must_be_a_bare_origin(value: Any) -> None:
    with pytest.raises(PermanentCollectorError):
        instance_url(value)


def test_registered_and_declare_coverage(settings: Settings) -> None:
    for name in ("mastodon_hashtag", "mastodon_mentions"):
        assert COLLECTORS[name].coverage
