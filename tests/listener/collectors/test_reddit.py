"""Reddit collectors driven through the real praw/prawcore code against hand-written cassettes
(tests/cassettes/reddit/): each starts with the OAuth token request, then the listings on oauth.reddit.com."""

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from typing import Any

import prawcore
import pytest
import requests
from praw.exceptions import RedditAPIException
from pydantic import SecretStr
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from listener.base import CollectorError, PermanentCollectorError
from listener.collectors.reddit import RedditMentionsCollector, RedditSearchCollector
from listener.platforms import COLLECTORS
from listener.platforms.reddit import map_reddit_error
from listener.service import run_collection
from models import Mention, Source
from settings import Settings

Cassette = Callable[[str, str], AbstractContextManager[Any]]
SEARCH = {"subreddits": ["BuyItForLife", "r/Coffee"], "query": '"lumo home"'}
SEEN = {"submissions": {"created_utc": 1795449000.0, "names": ["t3_1p4w7cd"]},
        "comments": {"created_utc": 1795451000.0, "names": ["t1_nq8xx03"]}}


@pytest.fixture()
def reddit_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={
        "reddit_client_id": "p-jcoLKBynTLew", "reddit_client_secret": SecretStr("gko_LXELoV07ZBNUXrvWZfzE3aI"),
        "reddit_username": "LumoHomeCare", "reddit_password": SecretStr("hunter2-but-longer"),
    })


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """prawcore sleeps between its own retries and to pace requests; record the waits instead of waiting."""
    waited: list[float] = []
    monkeypatch.setattr(time, "sleep", waited.append)
    return waited


def test_first_run_follows_after_across_pages_and_filters_comments(cassette: Cassette, reddit_settings: Settings,
                                                                   sleeps: list[float]) -> None:
    with cassette("reddit", "search_first_run"):
        batch = RedditSearchCollector(reddit_settings).fetch(SEARCH, None)
    assert [m.external_id for m in batch.mentions] == ["t3_1p4x9ab", "t3_1p4w7cd", "t3_1p4q2zk",
                                                      "t1_nq8zz01", "t1_nq8xx03"]  # not the espresso comment
    post, deleted = batch.mentions[:2]
    assert post.network == "reddit"
    assert post.text == "Lumo Home kettle lid cracked after 3 weeks\n\nAnyone else? Support hasn't replied in 10 days."
    assert (post.author, post.author_id) == ("brewnerd", "t2_8k2j4l1")
    assert post.created_at == datetime.fromtimestamp(1795450000, timezone.utc)
    assert post.url == "https://www.reddit.com/r/Coffee/comments/1p4x9ab/lumo_home_kettle_lid_cracked_after_3_weeks/"
    assert post.extra == {"subreddit": "Coffee", "parent_id": None, "link_id": None, "kind": "submission"}
    assert (deleted.author, deleted.author_id, deleted.text) == ("[deleted]", None,
                                                                  "Is the lumo home cast iron pan worth it?")
    reply = batch.mentions[4]
    assert reply.text == "LUMO HOME customer service is great actually"
    assert reply.extra == {"subreddit": "BuyItForLife", "parent_id": "t1_nq8ab00", "link_id": "t3_1p4w7cd",
                           "kind": "comment"}
    assert batch.cursor == {"submissions": {"created_utc": 1795450000.0, "names": ["t3_1p4x9ab"]},
                            "comments": {"created_utc": 1795452000.0, "names": ["t1_nq8zz01"]}}
    assert not batch.more and sum(sleeps) == 0


def test_next_run_stops_at_the_watermark_keeping_same_second_items(cassette: Cassette,
                                                                   reddit_settings: Settings) -> None:
    with cassette("reddit", "search_incremental"):  # no second page is requested: the cassette holds none
        batch = RedditSearchCollector(reddit_settings).fetch(SEARCH, SEEN)
    assert [m.external_id for m in batch.mentions] == ["t3_1p52new", "t3_1p51sam", "t1_nqa0001"]
    assert batch.cursor == {"submissions": {"created_utc": 1795458000.0, "names": ["t3_1p52new"]},
                            "comments": {"created_utc": 1795459000.0, "names": ["t1_nqa0001"]}}


def test_inbox_mentions_are_addressed_to_the_brand(cassette: Cassette, reddit_settings: Settings) -> None:
    with cassette("reddit", "mentions"):
        batch = RedditMentionsCollector(reddit_settings).fetch({}, None)
    first, second = batch.mentions
    assert first.external_id == "t1_nq9ab12" and first.in_reply_to_brand is True
    assert first.text == "u/LumoHomeCare can you help OP? same thing happened to me"
    assert first.url == ("https://www.reddit.com/r/Coffee/comments/1p4x9ab/"
                         "lumo_home_kettle_lid_cracked_after_3_weeks/nq9ab12/")
    assert first.extra == {"subreddit": "Coffee", "parent_id": "t3_1p4x9ab", "link_id": "t3_1p4x9ab",
                           "kind": "comment"}
    assert (second.author, second.author_id) == ("oldpans", "t2_4d4d")
    assert batch.cursor == {"mentions": {"created_utc": 1795453000.0, "names": ["t1_nq9ab12"]}}


def test_already_seen_mentions_are_not_repeated(cassette: Cassette, reddit_settings: Settings) -> None:
    with cassette("reddit", "mentions"):
        batch = RedditMentionsCollector(reddit_settings).fetch(
            {}, {"mentions": {"created_utc": 1795453000.0, "names": ["t1_nq9ab12"]}})
    assert batch.mentions == []
    assert batch.cursor == {"mentions": {"created_utc": 1795453000.0, "names": ["t1_nq9ab12"]}}


def test_a_429_is_transient_and_honours_retry_after(cassette: Cassette, reddit_settings: Settings) -> None:
    with cassette("reddit", "search_429"), pytest.raises(CollectorError) as raised:
        RedditSearchCollector(reddit_settings).fetch(SEARCH, None)
    assert raised.value.transient and raised.value.retry_after == 30


def test_a_429_from_the_token_endpoint_is_transient_and_honours_retry_after(cassette: Cassette,
                                                                          reddit_settings: Settings) -> None:
    with cassette("reddit", "token_429"), pytest.raises(CollectorError) as raised:
        RedditMentionsCollector(reddit_settings).fetch({}, None)
    assert raised.value.transient and raised.value.retry_after == 7
    assert "429" in str(raised.value)


def test_a_429_from_the_token_endpoint_leaves_the_source_enabled(cassette: Cassette, reddit_settings: Settings,
                                                                 session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        source = Source(name="u/LumoHomeCare", collector="reddit_mentions", network="reddit", config={})
        session.add(source)
        session.commit()
        source_id = source.id
    assert source_id is not None
    with cassette("reddit", "token_429"):
        summary = run_collection(session_factory, source_id, settings=reddit_settings)
    assert summary.failure is not None and summary.failure.transient
    with session_factory() as session:
        assert session.get_one(Source, source_id).enabled


@pytest.mark.parametrize(("status", "headers", "wait"), [
    (408, {}, None), (408, {"retry-after": "12"}, 12), (429, {}, 60), (503, {"retry-after": "90"}, 90),
])
def test_408_429_and_5xx_are_transient_with_retry_after(status: int, headers: dict[str, str],
                                                        wait: float | None) -> None:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers)
    mapped = map_reddit_error(prawcore.ResponseException(response), time.time())
    assert mapped.transient and mapped.retry_after == wait


@pytest.mark.parametrize(("name", "collector", "message"), [
    ("token_401", RedditMentionsCollector, "received 401 HTTP response"),
    ("token_invalid_grant", RedditMentionsCollector, "invalid_grant error processing request"),
    ("search_403", RedditSearchCollector, "received 403 HTTP response"),
])
def test_refused_credentials_or_access_are_permanent(cassette: Cassette, reddit_settings: Settings, name: str,
                                                     collector: type[RedditSearchCollector], message: str) -> None:
    with cassette("reddit", name), pytest.raises(PermanentCollectorError, match=message):
        collector(reddit_settings).fetch(SEARCH, None)


def test_a_503_is_retried_by_prawcore_then_transient(cassette: Cassette, reddit_settings: Settings,
                                                     sleeps: list[float]) -> None:
    with cassette("reddit", "mentions_503"), pytest.raises(CollectorError) as raised:
        RedditMentionsCollector(reddit_settings).fetch({}, None)
    assert raised.value.transient and "503" in str(raised.value)
    assert len(sleeps) == 2 and all(0 <= s <= 4 for s in sleeps)  # prawcore's two jittered retries


def test_ratelimit_api_errors_wait_the_minutes_they_name() -> None:
    error = RedditAPIException([["RATELIMIT", "Looks like you've been doing that a lot. Take a break for 7 minutes "
                                              "before trying again.", "ratelimit"]])
    mapped = map_reddit_error(error, time.time())
    assert mapped.transient and mapped.retry_after == 420
    other = map_reddit_error(RedditAPIException([["SUBREDDIT_NOEXIST", "that subreddit doesn't exist", "sr"]]), 0)
    assert not other.transient


def test_missing_credentials_and_config_are_permanent(settings: Settings, reddit_settings: Settings) -> None:
    with pytest.raises(PermanentCollectorError, match="REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET"):
        RedditSearchCollector(settings).fetch(SEARCH, None)
    app_only = reddit_settings.model_copy(update={"reddit_password": None})
    with pytest.raises(PermanentCollectorError, match="REDDIT_PASSWORD"):
        RedditMentionsCollector(app_only).fetch({}, None)
    with pytest.raises(PermanentCollectorError, match="at least one subreddit"):
        RedditSearchCollector(reddit_settings).fetch({"query": "lumo"}, None)
    with pytest.raises(PermanentCollectorError, match="query"):
        RedditSearchCollector(reddit_settings).fetch({"subreddits": ["Coffee"], "query": '"unclosed'}, None)


def test_registered_with_coverage(reddit_settings: Settings) -> None:
    assert "1000" in COLLECTORS["reddit_search"].coverage
    assert "mentions" in COLLECTORS["reddit_mentions"].coverage


def test_collected_through_the_service_with_its_cursor(cassette: Cassette, reddit_settings: Settings,
                                                       session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        source = Source(name="r/Coffee", collector="reddit_search", network="reddit", config=SEARCH)
        session.add(source)
        session.commit()
        source_id = source.id
    assert source_id is not None
    with cassette("reddit", "search_first_run"):
        summary = run_collection(session_factory, source_id, settings=reddit_settings)
    assert (summary.pages, summary.inserted, summary.failure) == (1, 5, None)
    with session_factory() as session:
        assert session.get_one(Source, source_id).cursor == {
            "submissions": {"created_utc": 1795450000.0, "names": ["t3_1p4x9ab"]},
            "comments": {"created_utc": 1795452000.0, "names": ["t1_nq8zz01"]}}
        stored = session.exec(select(Mention).where(Mention.network == "reddit")).all()
        assert sorted(m.external_id for m in stored)[0] == "t1_nq8xx03"


def test_a_429_without_retry_after_waits_for_the_ratelimit_window() -> None:
    response = requests.Response()
    response.status_code = 429
    response.headers.update({"x-ratelimit-remaining": "0", "x-ratelimit-used": "1000", "x-ratelimit-reset": "212"})
    mapped = map_reddit_error(prawcore.TooManyRequests(response), time.time())
    assert mapped.transient and mapped.retry_after == 212
