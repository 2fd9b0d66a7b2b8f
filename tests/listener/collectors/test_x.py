"""X collectors driven through the real tweepy client against hand-written cassettes (tests/cassettes/x/)."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from typing import Any

import pytest
import requests
import tweepy
from pydantic import SecretStr
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from listener.base import CollectorError, PermanentCollectorError
from listener.collectors.x import XMentionsCollector, XSearchCollector, snowflake_time
from listener.platforms import COLLECTORS
from listener.platforms.x import map_x_error
from listener.service import collect_page, run_collection
from models import Mention, Source
from settings import Settings

Cassette = Callable[[str, str], AbstractContextManager[Any]]
BRAND = {"user_id": "1580661436132757506", "username": "LumoHome"}
SINCE = "2124790053073850369"  # 2026-11-23T09:00:00Z
NEXT = "7140dibdnow9c7btw481s8m561gat797rboud5r80xvzm"
NOW = datetime(2026, 11, 23, 17, 30, tzinfo=timezone.utc).timestamp()  # the cassettes' reset is 17:45:00Z


@pytest.fixture()
def x_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"x_bearer_token": SecretStr("AAAAAAAAAAAAAAAAAAAAAtest")})


def mentions(x_settings: Settings) -> XMentionsCollector:
    return XMentionsCollector(x_settings, clock=lambda: NOW)


def test_first_page_maps_tweets_and_keeps_since_id_while_paginating(cassette: Cassette, x_settings: Settings) -> None:
    with cassette("x", "mentions_page1"):
        batch = mentions(x_settings).fetch(BRAND, {"since_id": SINCE})
    assert batch.more
    assert batch.cursor == {"since_id": SINCE, "next_token": NEXT, "newest_id": "2124905866195898369"}
    first, reply, emoji = batch.mentions
    assert first.network == "x" and first.external_id == "2124905866195898369"
    assert first.text == "@LumoHome my kettle order #48213 is two weeks late and nobody answers"
    assert first.created_at == datetime(2026, 11, 23, 16, 40, 12, tzinfo=timezone.utc)
    assert (first.author, first.author_id) == ("mika_r", "1402318270391902208")
    assert first.url == "https://x.com/mika_r/status/2124905866195898369"
    assert first.language == "en" and first.in_reply_to_brand is True
    assert first.extra == {"conversation_id": "2124905866195898369", "in_reply_to_user_id": None, "referenced": [],
                           "mentioned_brand": True, "quoted_brand": False}
    assert reply.language == "ja" and reply.in_reply_to_brand is True
    assert reply.extra is not None
    assert reply.extra["referenced"] == [{"type": "replied_to", "id": "2124880150918074369"}]
    assert reply.extra["in_reply_to_user_id"] == "1199002233445566778"
    assert emoji.language is None  # "und"


def test_last_page_advances_since_id_to_the_newest_of_the_whole_run(cassette: Cassette, x_settings: Settings) -> None:
    pending = {"since_id": SINCE, "next_token": NEXT, "newest_id": "2124905866195898369"}
    with cassette("x", "mentions_page2"):
        batch = mentions(x_settings).fetch(BRAND, pending)
    assert not batch.more
    assert batch.cursor == {"since_id": "2124905866195898369"}
    spanish, unknown_author = batch.mentions
    assert spanish.in_reply_to_brand is True  # the handle matches whatever its case
    assert unknown_author.language is None  # "qme": media only
    assert unknown_author.author == "" and unknown_author.url == "https://x.com/i/web/status/2124801390277562369"


def test_an_empty_result_keeps_the_cursor(cassette: Cassette, x_settings: Settings) -> None:
    with cassette("x", "mentions_empty"):
        batch = mentions(x_settings).fetch(BRAND, {"since_id": "2124905866195898369"})
    assert batch.mentions == [] and not batch.more
    assert batch.cursor == {"since_id": "2124905866195898369"}


def test_a_post_without_created_at_is_skipped_and_reported_and_the_page_kept(cassette: Cassette,
                                                                            x_settings: Settings) -> None:
    with cassette("x", "mentions_missing_created_at"):
        batch = mentions(x_settings).fetch(BRAND, {"since_id": SINCE})
    assert [m.external_id for m in batch.mentions] == ["2124910150305505281"]
    assert batch.mentions[0].created_at == datetime(2026, 11, 23, 16, 57, 13, tzinfo=timezone.utc)
    assert [str(e) for e in batch.errors] == ["line 0: post 2124912273009729537 skipped: created_at is missing"]
    assert batch.cursor == {"since_id": "2124912273009729537"} and not batch.more


def test_search_flags_quotes_of_the_brand_and_skips_the_brands_own_posts(cassette: Cassette,
                                                                         x_settings: Settings) -> None:
    config = {**BRAND, "query": '"lumo home"', "exclude_retweets": True}
    with cassette("x", "search_first_run"):
        batch = XSearchCollector(x_settings, clock=lambda: NOW).fetch(config, None)
    by_author = {m.author: m for m in batch.mentions}
    assert sorted(by_author) == ["dee_dee", "maxw", "rui_cooks"]  # not LumoHome's own post
    assert by_author["rui_cooks"].in_reply_to_brand is True
    assert by_author["rui_cooks"].extra is not None and by_author["rui_cooks"].extra["quoted_brand"] is True
    assert by_author["dee_dee"].in_reply_to_brand is False  # untagged: reply manually
    assert by_author["maxw"].in_reply_to_brand is False  # quotes another account
    assert batch.cursor == {"since_id": "2124899021091774465"} and not batch.more


def test_search_drops_a_since_id_older_than_the_seven_day_window(cassette: Cassette, x_settings: Settings) -> None:
    stale = "2119943115371450369"  # 2026-11-10, outside recent search's window
    assert snowflake_time(stale) == datetime(2026, 11, 10, tzinfo=timezone.utc).timestamp()
    config = {**BRAND, "query": '"lumo home"', "exclude_retweets": True}
    with cassette("x", "search_first_run"):  # the request carries no since_id, or the cassette would not match
        batch = XSearchCollector(x_settings, clock=lambda: NOW).fetch(config, {"since_id": stale})
    assert batch.cursor == {"since_id": "2124899021091774465"}


def test_a_429_waits_until_x_rate_limit_reset(cassette: Cassette, x_settings: Settings) -> None:
    with cassette("x", "mentions_429"), pytest.raises(CollectorError) as raised:
        mentions(x_settings).fetch(BRAND, {"since_id": SINCE})
    assert raised.value.transient and raised.value.retry_after == 15 * 60


def test_a_429_after_the_reset_time_still_waits_a_second(cassette: Cassette, x_settings: Settings) -> None:
    with cassette("x", "mentions_429"), pytest.raises(CollectorError) as raised:
        XMentionsCollector(x_settings, clock=lambda: NOW + 3600).fetch(BRAND, {"since_id": SINCE})
    assert raised.value.retry_after == 1


@pytest.mark.parametrize(("name", "message"), [
    ("mentions_401", "X refused the credentials: 401 Unauthorized: Unauthorized"),
    ("mentions_403", "X refused the credentials: 403 Forbidden: When authenticating requests"),
])
def test_refused_credentials_are_permanent(cassette: Cassette, x_settings: Settings, name: str, message: str) -> None:
    with cassette("x", name), pytest.raises(PermanentCollectorError) as raised:
        mentions(x_settings).fetch(BRAND, {"since_id": SINCE})
    assert str(raised.value).startswith(message)


def test_a_server_error_is_transient(cassette: Cassette, x_settings: Settings) -> None:
    with cassette("x", "mentions_503"), pytest.raises(CollectorError) as raised:
        mentions(x_settings).fetch(BRAND, {"since_id": SINCE})
    assert raised.value.transient and "503 Service Unavailable" in str(raised.value)


def test_a_408_is_transient_and_honours_retry_after(cassette: Cassette, x_settings: Settings,
                                                    session_factory: sessionmaker[Session]) -> None:
    with cassette("x", "mentions_408"), pytest.raises(CollectorError) as raised:
        mentions(x_settings).fetch(BRAND, {"since_id": SINCE})
    assert raised.value.transient and raised.value.retry_after == 30 and "408" in str(raised.value)
    source_id = stored_source(session_factory)
    with cassette("x", "mentions_408"):
        summary = run_collection(session_factory, source_id, settings=x_settings)
    assert summary.failure is not None and summary.failure.transient
    with session_factory() as session:
        assert session.get_one(Source, source_id).enabled


@pytest.mark.parametrize(("error", "headers", "wait"), [
    (tweepy.TooManyRequests, {"retry-after": "45", "x-rate-limit-reset": str(int(NOW) + 900)}, 45),
    (tweepy.TwitterServerError, {"retry-after": "120"}, 120),
    (tweepy.TwitterServerError, {}, None),
])
def test_retry_after_is_honoured_where_x_sends_it(error: type[tweepy.HTTPException], headers: dict[str, str],
                                                  wait: float | None) -> None:
    response = requests.Response()
    response.status_code, response.reason = (429, "Too Many Requests") if error is tweepy.TooManyRequests else (
        503, "Service Unavailable")
    response.headers.update(headers)
    mapped = map_x_error(error(response, response_json={}), NOW)
    assert mapped.transient and mapped.retry_after == wait


def test_connection_errors_are_transient(x_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise requests.ConnectionError("Connection refused")

    monkeypatch.setattr(requests.Session, "request", refuse)  # below tweepy: its own code still runs
    with pytest.raises(CollectorError) as raised:
        mentions(x_settings).fetch(BRAND, None)
    assert raised.value.transient and "could not be reached" in str(raised.value)


def test_a_429_without_reset_header_waits_a_default_window() -> None:
    response = requests.Response()
    response.status_code, response.reason = 429, "Too Many Requests"
    error = map_x_error(tweepy.TooManyRequests(response, response_json={}), NOW)
    assert error.transient and error.retry_after == 60


def test_missing_token_and_config_are_permanent(settings: Settings) -> None:
    without = settings.model_copy(update={"x_bearer_token": None})
    with pytest.raises(PermanentCollectorError, match="X_BEARER_TOKEN is not set"):
        XMentionsCollector(without).fetch(BRAND, None)
    with_token = settings.model_copy(update={"x_bearer_token": SecretStr("t")})
    with pytest.raises(PermanentCollectorError, match="user_id"):
        XMentionsCollector(with_token).fetch({}, None)
    with pytest.raises(PermanentCollectorError, match="query"):
        XSearchCollector(with_token).fetch(BRAND, None)


def test_registered_with_coverage(x_settings: Settings) -> None:
    assert "800" in COLLECTORS["x_mentions"].coverage
    assert COLLECTORS["x_search"].coverage == "recent search covers the last 7 days"
    assert COLLECTORS["x_mentions"].target == "listener.collectors.x:XMentionsCollector"


def stored_source(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        source = Source(name="brand mentions", collector="x_mentions", network="x", config=BRAND,
                        cursor={"since_id": SINCE})
        session.add(source)
        session.commit()
        assert source.id is not None
        return source.id


def test_a_crash_mid_pagination_resumes_at_the_stored_page(cassette: Cassette, x_settings: Settings,
                                                           session_factory: sessionmaker[Session]) -> None:
    source_id = stored_source(session_factory)
    with cassette("x", "mentions_page1"):
        first = collect_page(session_factory, source_id, settings=x_settings)
    assert len(first.inserted_ids) == 3 and first.more
    # the worker dies here; a fresh run starts from what was committed with page 1
    with cassette("x", "mentions_page2"):
        summary = run_collection(session_factory, source_id, settings=x_settings)
    assert (summary.pages, summary.inserted, summary.failure) == (1, 2, None)
    with session_factory() as session:
        assert session.get_one(Source, source_id).cursor == {"since_id": "2124905866195898369"}
        stored = session.exec(select(Mention).where(Mention.network == "x")).all()
        assert len(stored) == 5 and all(m.source_id == source_id for m in stored)


def test_a_rate_limited_run_keeps_the_cursor_and_the_source(cassette: Cassette, x_settings: Settings,
                                                            session_factory: sessionmaker[Session]) -> None:
    source_id = stored_source(session_factory)
    with cassette("x", "mentions_429"):
        summary = run_collection(session_factory, source_id, settings=x_settings)
    assert summary.failure is not None and summary.failure.transient
    with session_factory() as session:
        source = session.get_one(Source, source_id)
        assert source.enabled and source.cursor == {"since_id": SINCE}


def test_a_skipped_post_is_surfaced_on_the_source_which_keeps_running(cassette: Cassette, x_settings: Settings,
                                                                      session_factory: sessionmaker[Session]) -> None:
    source_id = stored_source(session_factory)
    with cassette("x", "mentions_missing_created_at"):
        summary = run_collection(session_factory, source_id, settings=x_settings)
    assert (summary.inserted, summary.failure) == (1, None)
    with session_factory() as session:
        source = session.get_one(Source, source_id)
        assert source.enabled and source.cursor == {"since_id": "2124912273009729537"}
        assert source.last_error is not None and "2124912273009729537 skipped: created_at is missing" in (
            source.last_error)
