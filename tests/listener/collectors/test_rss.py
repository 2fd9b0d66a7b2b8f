"""The rss collector (httpx + feedparser) against recorded feeds (tests/cassettes/rss/)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from listener.base import CollectorError, PermanentCollectorError
from listener.collectors.rss import RssCollector, unwrap_google_redirect
from listener.http.fetch import make_client
from listener.platforms import COLLECTORS
from settings import Settings

Cassette = Callable[[str, str], AbstractContextManager[Any]]
ALERT = {"url": "https://www.google.com/alerts/feeds/04123829134455219862/2870116893420218011"}
BLOG = {"url": "https://blog.lumohome.example/feed.xml"}


def test_google_alerts_entries_become_plain_text_with_real_links(cassette: Cassette) -> None:
    with cassette("rss", "google_alerts"):
        batch = RssCollector(None).fetch(ALERT, None)
    recall, review, undated = batch.mentions
    assert recall.external_id == "tag:google.com,2013:googlealerts/feed:10407925481609440233"
    assert recall.title == "Lumo Home recalls 12,000 smart plugs over overheating risk"
    assert recall.text == (f"{recall.title}\n\nThe recall covers Lumo Home plugs sold since May & the company "
                           "says refunds start Monday ...")
    assert recall.url == "https://www.example-news.com/tech/2026/11/05/lumo-home-recall"
    assert recall.created_at == datetime(2026, 11, 5, 13, 40, tzinfo=timezone.utc)
    assert recall.extra == {"feed": ALERT["url"]}
    assert review.text.endswith("After six months with Lumo: the hub is solid, the app is not.")
    assert "<" not in review.text and "document.cookie" not in review.text
    assert undated.extra == {"feed": ALERT["url"], "created_at_estimated": True}
    assert abs((datetime.now(timezone.utc) - undated.created_at).total_seconds()) < 60
    assert [(e.line, e.message) for e in batch.errors] == [(2, "entry skipped: entry has no id, guid or link")]


def test_conditional_get_and_not_modified(cassette: Cassette) -> None:
    sent: list[httpx.Request] = []
    client = make_client()
    client.event_hooks["request"].append(sent.append)
    with cassette("rss", "google_alerts"), client:
        first = RssCollector(None, client=client).fetch(ALERT, None)
        second = RssCollector(None, client=client).fetch(ALERT, first.cursor)
    assert first.cursor is not None
    assert first.cursor["etag"] == '"a1f5e3b0c2"'
    assert first.cursor["last_modified"] == "Thu, 05 Nov 2026 13:55:12 GMT"
    recall, review, undated = first.mentions  # undated first: only its id can vouch for it
    assert first.cursor["seen"] == [undated.external_id, recall.external_id, review.external_id]
    assert "If-None-Match" not in sent[0].headers
    assert sent[1].headers["If-None-Match"] == '"a1f5e3b0c2"'
    assert sent[1].headers["If-Modified-Since"] == "Thu, 05 Nov 2026 13:55:12 GMT"
    assert sent[1].headers["User-Agent"].startswith("earful/")
    assert second.mentions == [] and second.errors == [] and second.cursor == first.cursor


def test_rss_guids_are_scoped_to_the_feed_and_seen_ids_skipped(cassette: Cassette) -> None:
    cursor = {"etag": None, "last_modified": None, "seen": ["blog.lumohome.example:9917"]}
    with cassette("rss", "community_rss"):
        batch = RssCollector(None).fetch(BLOG, cursor)
    (schedule,) = batch.mentions
    assert schedule.external_id == "blog.lumohome.example:9921"
    assert schedule.text == ("Thermostat schedule resets after update\n\n"
                             "Since 2.3.1 my schedule is gone every morning.\n\nAnyone?")
    assert (schedule.author, schedule.language) == ("marta", "en")
    assert schedule.url == "https://blog.lumohome.example/t/9921"
    assert batch.cursor is not None
    assert (batch.cursor["etag"], batch.cursor["last_modified"], batch.cursor["floor"]) == (None, None, None)
    assert batch.cursor["seen"] == ["blog.lumohome.example:9921", "blog.lumohome.example:9917"]


def test_a_page_that_is_not_a_feed_is_permanent(cassette: Cassette) -> None:
    with cassette("rss", "not_a_feed"), pytest.raises(PermanentCollectorError) as caught:
        RssCollector(None).fetch(BLOG, None)
    assert "does not serve an RSS or Atom feed" in str(caught.value) and "text/html" in str(caught.value)


def test_a_truncated_feed_is_transient(cassette: Cassette) -> None:
    with cassette("rss", "truncated"), pytest.raises(CollectorError) as caught:
        RssCollector(None).fetch(BLOG, None)
    assert caught.value.transient is True and caught.value.retry_after == 3600


def test_a_malformed_feed_with_readable_items_is_read_and_flagged(cassette: Cassette) -> None:
    with cassette("rss", "partly_broken"):
        batch = RssCollector(None).fetch(BLOG, None)
    assert [m.external_id for m in batch.mentions] == ["https://blog.lumohome.example/t/9930",
                                                       "https://blog.lumohome.example/t/9931"]
    assert batch.errors[0].line == 0 and "not well-formed" in batch.errors[0].message


def test_gone_is_permanent_and_throttling_transient(cassette: Cassette) -> None:
    with cassette("rss", "gone"), pytest.raises(PermanentCollectorError, match=r"410.*This feed has been removed"):
        RssCollector(None).fetch(BLOG, None)
    with cassette("rss", "rate_limited"), pytest.raises(CollectorError) as caught:
        RssCollector(None).fetch(BLOG, None)
    assert caught.value.transient is True and caught.value.retry_after == 600


@pytest.mark.parametrize(("link", "expected"), [
    ("https://www.google.com/url?rct=j&sa=t&url=https://a.example/x%3Fy%3D1&ct=ga", "https://a.example/x?y=1"),
    ("https://www.google.com/url?rct=j&sa=t&url=javascript:alert(1)&ct=ga", None),
    ("https://news.example/story", "https://news.example/story"),
    (None, None),
])
def test_google_redirects_are_unwrapped_to_http_links_only(link: str | None, expected: str | None) -> None:
    assert unwrap_google_redirect(link) == expected


@pytest.mark.parametrize("config", [{}, {"url": "file:///etc/passwd"}, {"url": "feed.xml"}])
def test_bad_urls_are_refused(config: dict[str, Any]) -> None:
    with pytest.raises(PermanentCollectorError):
        RssCollector(None).fetch(config, None)


def test_registered_and_declares_coverage(settings: Settings) -> None:
    assert COLLECTORS["rss"].coverage


FORUM = {"url": "https://forum.lumohome.example/threads.rss"}
BRAZIL = {"url": "https://blog.casaconectada.example/feed/"}


def test_a_feed_longer_than_the_id_memory_is_not_sent_again(cassette: Cassette) -> None:
    counts = []
    cursor = None
    with cassette("rss", "long_forum"):
        for _ in range(4):
            batch = RssCollector(None).fetch(FORUM, cursor)
            counts.append([m.external_id for m in batch.mentions])
            cursor = batch.cursor
    assert [len(ids) for ids in counts] == [730, 0, 0, 1]
    assert counts[3] == ["https://forum.lumohome.example/t/10731"]
    assert cursor is not None and len(cursor["seen"]) == 500
    # the 230 older threads are remembered by their newest date, not one id each
    assert cursor["floor"] == {"at": "2026-10-15T18:00:00+00:00", "ids": ["https://forum.lumohome.example/t/10231"]}


def test_entries_with_unreadable_dates_get_the_fetch_time_flagged_as_estimated(cassette: Cassette) -> None:
    with cassette("rss", "unreadable_dates"):
        batch = RssCollector(None).fetch(BRAZIL, None)
    assert len(batch.mentions) == 3 and batch.errors == []
    for mention in batch.mentions:
        assert mention.extra == {"feed": BRAZIL["url"], "created_at_estimated": True}
        assert abs((datetime.now(timezone.utc) - mention.created_at).total_seconds()) < 60
    assert batch.mentions[0].language == "pt"


def test_an_unchanged_feed_of_undated_entries_past_the_id_memory_stays_quiet(cassette: Cassette) -> None:
    with cassette("rss", "unreadable_dates"):
        first = RssCollector(None, seen_ids=1).fetch(BRAZIL, None)
        second = RssCollector(None, seen_ids=1).fetch(BRAZIL, first.cursor)
    assert len(first.mentions) == 3
    assert first.cursor is not None and first.cursor["seen"] == ["https://blog.casaconectada.example/?p=4812"]
    assert second.mentions == []
