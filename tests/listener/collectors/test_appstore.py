"""The appstore_feed collector against recorded customer-reviews JSON feeds (tests/cassettes/appstore/)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from listener.base import Batch, CollectorError, PermanentCollectorError
from listener.collectors.appstore import AppStoreFeedCollector
from listener.platforms import COLLECTORS
from listener.service import run_collection
from models import Mention, Source
from settings import Settings

Cassette = Callable[[str, str], AbstractContextManager[Any]]
CONFIG = {"app_id": "1488123456", "countries": ["us", "jp", "kr"]}
KATE = {"id": "11900000050", "updated": "2026-11-05T13:30:00+00:00"}


def walk(cassette: Cassette) -> list[Batch]:
    batches: list[Batch] = []
    cursor: dict[str, Any] | None = None
    with cassette("appstore", "reviews_walk"):
        while not batches or batches[-1].more:
            batches.append(AppStoreFeedCollector(None).fetch(CONFIG, cursor))
            cursor = batches[-1].cursor
    return batches


def test_a_run_walks_every_country_page_by_page(cassette: Cassette) -> None:
    us1, us2, jp, kr = walk(cassette)
    assert [len(b.mentions) for b in (us1, us2, jp, kr)] == [47, 3, 1, 0]
    assert [b.more for b in (us1, us2, jp, kr)] == [True, True, True, False]
    assert us1.cursor == {"seen": {}, "pending": {"country": "us", "page": 2, "newest": KATE}}
    assert us2.cursor == {"seen": {"us": KATE}, "pending": {"country": "jp", "page": 1}}
    assert kr.cursor == {"seen": {"us": KATE, "jp": {"id": "11900000777", "updated": "2026-11-05T13:10:00+00:00"}}}


def test_reviews_carry_rating_title_language_and_link(cassette: Cassette) -> None:
    us1, _, jp, _ = walk(cassette)
    kate = us1.mentions[0]
    assert (kate.network, kate.external_id, kate.rating, kate.title) == (
        "appstore", "11900000050", 2, "Keeps logging me out")
    assert kate.text == ("Since 5.12 the app logs me out every day.\n"
                         "I have to re-pair the hub <b>twice</b> a week.")  # plain text: kept as typed
    assert kate.created_at == datetime(2026, 11, 5, 13, 30, tzinfo=timezone.utc)
    assert (kate.author, kate.author_id, kate.language) == ("kate_r", "1700000007", None)
    assert kate.url == "https://apps.apple.com/us/app/id1488123456?see-all=reviews"
    assert kate.extra == {"country": "us", "app_id": "1488123456", "version": "5.12.0"}
    (taro,) = jp.mentions
    assert (taro.author, taro.language, taro.rating) == ("たろう", "ja", 1)
    assert taro.url == "https://apps.apple.com/jp/app/id1488123456?see-all=reviews"


def test_the_app_entry_is_skipped_and_malformed_reviews_reported(cassette: Cassette) -> None:
    us1 = walk(cassette)[0]
    assert "11900000050" in {m.external_id for m in us1.mentions}
    assert all(m.rating is not None for m in us1.mentions)
    assert [(e.line, e.message) for e in us1.errors] == [
        (4, "review skipped: invalid literal for int() with base 10: 'five'"),
        (7, "review skipped: missing id"),
        (9, "review skipped: Invalid isoformat string: 'yesterday'"),
    ]


def test_next_run_stops_at_the_newest_review_seen(cassette: Cassette) -> None:
    with cassette("appstore", "reviews_resume"):
        batch = AppStoreFeedCollector(None).fetch({"app_id": "1488123456", "countries": ["us"]},
                                                  {"seen": {"us": KATE}})
    assert [m.external_id for m in batch.mentions] == ["11900000099", "11900000098"]
    assert batch.more is False
    assert batch.cursor == {"seen": {"us": {"id": "11900000099", "updated": "2026-11-05T15:30:00+00:00"}}}


def test_outage_is_transient(cassette: Cassette) -> None:
    with cassette("appstore", "reviews_unavailable"), pytest.raises(CollectorError) as caught:
        AppStoreFeedCollector(None).fetch(CONFIG, None)
    assert caught.value.transient is True and caught.value.retry_after == 120


def test_unknown_app_is_permanent(cassette: Cassette) -> None:
    with cassette("appstore", "reviews_not_found"), pytest.raises(PermanentCollectorError) as caught:
        AppStoreFeedCollector(None).fetch(CONFIG, None)
    assert "404" in str(caught.value) and "was not found" in str(caught.value)


def test_garbled_json_is_transient(cassette: Cassette) -> None:
    with cassette("appstore", "reviews_garbled"), pytest.raises(CollectorError) as caught:
        AppStoreFeedCollector(None).fetch(CONFIG, None)
    assert caught.value.transient is True


@pytest.mark.parametrize("config", [
    {}, {"app_id": "../1"}, {"app_id": "1", "countries": ["usa"]}, {"app_id": "1", "countries": "us"},
    {"app_id": "1", "countries": ["u/"]},
])
def test_config_that_would_change_the_url_is_refused(config: dict[str, Any]) -> None:
    with pytest.raises(PermanentCollectorError):
        AppStoreFeedCollector(None).fetch(config, None)


def test_registered_and_declares_coverage(settings: Settings) -> None:
    assert "500" in COLLECTORS["appstore_feed"].coverage


def test_run_collection_stores_every_page_with_its_cursor(cassette: Cassette, session_factory: sessionmaker[Session],
                                                          settings: Settings) -> None:
    with session_factory() as session:
        source = Source(name="App Store", collector="appstore_feed", network="appstore", config=CONFIG)
        session.add(source)
        session.commit()
        source_id = source.id
    assert source_id is not None
    with cassette("appstore", "reviews_walk"):
        summary = run_collection(session_factory, source_id, settings=settings)
    assert (summary.pages, summary.fetched, summary.inserted, len(summary.errors)) == (4, 51, 51, 3)
    with session_factory() as session:
        stored = session.get_one(Source, source_id)
        assert stored.cursor is not None and set(stored.cursor["seen"]) == {"us", "jp"}
        assert stored.last_error is None  # ingest() keeps the last page's skips only: kr had none
        ratings = session.exec(select(Mention.rating).where(Mention.network == "appstore")).all()
        assert len(ratings) == 51 and None not in ratings
