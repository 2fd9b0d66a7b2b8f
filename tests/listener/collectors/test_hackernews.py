"""The hackernews collector against recorded Algolia responses (tests/cassettes/hackernews/)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from typing import Any

import pytest

from listener.base import CollectorError, PermanentCollectorError
from listener.collectors.hackernews import HackerNewsCollector
from listener.platforms import COLLECTORS
from listener.registry import load_collector
from settings import Settings

Cassette = Callable[[str, str], AbstractContextManager[Any]]
T0 = 1793887200  # 2026-11-05T14:00:00Z
NEWEST = T0 - 119
CONFIG = {"query": "lumo home"}


def collector() -> HackerNewsCollector:
    return HackerNewsCollector(None, clock=lambda: float(T0))


def test_first_run_pages_then_moves_the_cursor_once(cassette: Cassette) -> None:
    with cassette("hackernews", "search_two_pages"):
        first = collector().fetch(CONFIG, None)
        assert first.more is True
        assert first.cursor == {"since": T0 - 86400, "ids": [], "pending": {
            "since": T0 - 86400, "ids": [], "page": 1, "newest": NEWEST, "newest_ids": ["45871234", "45871230"]}}
        second = collector().fetch(CONFIG, first.cursor)
    assert second.more is False
    assert second.cursor == {"since": NEWEST, "ids": ["45871234", "45871230"]}
    assert [m.external_id for m in first.mentions] == ["45871234", "45871230", "45871100"]
    assert [m.external_id for m in second.mentions] == ["45860002"]
    assert [(e.line, e.message) for e in first.errors] == [
        (2, "hit skipped: created_at_i is missing or not an integer"), (4, "hit skipped: not an object")]


def test_comment_html_becomes_safe_plain_text(cassette: Cassette) -> None:
    with cassette("hackernews", "search_two_pages"):
        comment = collector().fetch(CONFIG, None).mentions[0]
    assert comment.text == ("The Lumo Home hub dropped off my network again.\n\n"
                            "Support said \"wait for the firmware\" / it's been 3 weeks.\n\n"
                            "Code:\n\nif (x < y) && z")
    assert "<script" not in comment.text and "alert" not in comment.text and "<i>" not in comment.text
    assert comment.url == "https://news.ycombinator.com/item?id=45871234"
    assert comment.author == "kelsey_k"
    assert comment.created_at == datetime(2026, 11, 5, 13, 58, 1, tzinfo=timezone.utc)
    assert comment.title is None
    assert comment.extra == {"kind": "comment", "story_id": 45870001, "parent_id": 45870950,
                             "story_title": "Lumo Home raises $40M"}


def test_stories_carry_title_text_and_link(cassette: Cassette) -> None:
    with cassette("hackernews", "search_two_pages"):
        _, show, ask = collector().fetch(CONFIG, None).mentions
    assert show.title == "Show HN: I reverse-engineered the Lumo Home thermostat API"
    assert show.text == f"{show.title}\n\nhttps://example.org/lumo-api"
    assert show.extra == {"kind": "story", "points": 41, "num_comments": 12, "story_id": 45871230,
                          "link": "https://example.org/lumo-api"}
    assert ask.text == ("Ask HN: Anyone else's Lumo Home locks jamming?\n\n"
                        "Mine jams every morning.\n\nFirmware 2.3.1. Any fixes?")


def test_resume_skips_what_was_stored_at_the_cursor_second(cassette: Cassette) -> None:
    cursor = {"since": NEWEST, "ids": ["45871234", "45871230"]}
    with cassette("hackernews", "search_resume"):
        batch = collector().fetch(CONFIG, cursor)
    assert [m.external_id for m in batch.mentions] == ["45871301", "45871299"]
    assert batch.more is False
    assert batch.cursor == {"since": T0 + 300, "ids": ["45871301"]}


@pytest.mark.parametrize(("name", "retry_after"), [("search_rate_limited", 30.0), ("search_unavailable", 120.0)])
def test_throttling_and_outages_are_transient(cassette: Cassette, name: str, retry_after: float) -> None:
    with cassette("hackernews", name), pytest.raises(CollectorError) as caught:
        collector().fetch(CONFIG, None)
    assert caught.value.transient is True
    assert caught.value.retry_after == retry_after


def test_rate_limit_message_comes_from_the_platform(cassette: Cassette) -> None:
    with cassette("hackernews", "search_rate_limited"), pytest.raises(CollectorError) as caught:
        collector().fetch(CONFIG, None)
    assert "429" in str(caught.value) and "Too many requests from this IP" in str(caught.value)


def test_forbidden_is_permanent(cassette: Cassette) -> None:
    with cassette("hackernews", "search_forbidden"), pytest.raises(PermanentCollectorError) as caught:
        collector().fetch(CONFIG, None)
    assert "Method not allowed with this API key" in str(caught.value)


def test_truncated_json_is_a_transient_failure(cassette: Cassette) -> None:
    with cassette("hackernews", "search_truncated"), pytest.raises(CollectorError) as caught:
        collector().fetch(CONFIG, None)
    assert caught.value.transient is True and "not JSON" in str(caught.value)


@pytest.mark.parametrize("config", [{}, {"query": "  "}, {"query": "x" * 201}, {"query": "a", "lookback_hours": -1}])
def test_bad_config_is_permanent(config: dict[str, Any]) -> None:
    with pytest.raises(PermanentCollectorError):
        collector().fetch(config, None)


def test_registered_and_declares_coverage(settings: Settings) -> None:
    loaded = load_collector("hackernews", settings)
    assert isinstance(loaded, HackerNewsCollector)
    assert "1,000" in COLLECTORS["hackernews"].coverage


def test_cut_off_links_keep_their_full_address(cassette: Cassette) -> None:
    with cassette("hackernews", "search_long_links"):
        comment, story = collector().fetch(CONFIG, None).mentions
    assert comment.text == (
        "The Lumo Home firmware changelog admits it: https://support.lumohome.example/hc/en-us/articles/"
        "4410293847-Firmware-2-3-1-release-notes?section=known-issues#hub-offline\n\n"
        "Also see https://lumo.example/x")
    assert story.text == (
        "Ask HN: Lumo Home hub offline every morning?\n\nSame as this thread: https://www.reddit.com/r/"
        "homeautomation/comments/1abcde2/lumo_home_hub_drops_wifi_every_morning_after/")
    assert "..." not in comment.text + story.text


WINDOW_SINCE = T0 - 30 * 86400
OLDEST_READ = 1792000000


def test_past_algolias_thousand_hits_the_run_goes_on_in_a_time_window(cassette: Cassette) -> None:
    pending = {"since": WINDOW_SINCE, "ids": [], "page": 9, "newest": NEWEST, "newest_ids": ["45871234"]}
    with cassette("hackernews", "search_windows"):
        last_page = collector().fetch(CONFIG, {"since": WINDOW_SINCE, "ids": [], "pending": pending})
        assert last_page.more is True
        assert last_page.cursor is not None
        assert last_page.cursor["pending"] == {**pending, "page": 0, "until": OLDEST_READ,
                                               "until_ids": ["45799902", "45799000"]}
        window = collector().fetch(CONFIG, last_page.cursor)
    assert len(last_page.mentions) == 100
    assert [m.external_id for m in window.mentions] == ["45798999", "45798500", "45798000"]
    assert window.more is False and window.errors == []
    assert window.cursor == {"since": NEWEST, "ids": ["45871234"]}
