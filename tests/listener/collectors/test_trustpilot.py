import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, func, select

from listener.base import CollectorError, PermanentCollectorError
from listener.collectors.trustpilot import TrustpilotCollector
from listener.http.api import request_json
from listener.platforms import COLLECTORS
from listener.registry import load_collector
from listener.service import run_collection
from models import Mention, Source
from settings import Settings

Cassette = Callable[[str, str], AbstractContextManager[Any]]
CONFIG = {"business_unit_id": "5f3a9c1e8b2d4a0001c7e2f1"}
STOP = {"at": "2026-11-05T14:22:07+00:00", "ids": ["6547a1f0c3e2b10012ab34cd", "6547a1f0c3e2b10012ab34ce"]}


@pytest.fixture()
def configured(settings: Settings) -> Settings:
    return settings.model_copy(update={"trustpilot_api_key": SecretStr("tp-test-key")})


@pytest.fixture()
def collector(configured: Settings) -> TrustpilotCollector:
    return TrustpilotCollector(configured)


def test_registry_builds_it_with_the_settings(settings: Settings) -> None:
    collector = load_collector("trustpilot", settings)
    assert isinstance(collector, TrustpilotCollector)
    assert "newest first" in COLLECTORS["trustpilot"].coverage


def test_first_walk_pages_through_and_skips_malformed_reviews(collector: TrustpilotCollector,
                                                              cassette: Cassette) -> None:
    with cassette("trustpilot", "reviews_pages"):
        first = collector.fetch(CONFIG, None)
        second = collector.fetch(CONFIG, first.cursor)
    assert [m.external_id for m in first.mentions] == [
        "6547a1f0c3e2b10012ab34cd", "6547a1f0c3e2b10012ab34ce", "6547a1f0c3e2b10012ab34d0"]
    assert first.more is True
    assert [(e.line, e.message) for e in first.errors] == [
        (3, "review 6547a1f0c3e2b10012ab34cf: stars 'five' is not a whole number of stars from 1 to 5")]
    assert first.cursor == {"stop": None, "walk": {"next": "2", "seen": STOP, "offset": 4}}
    assert [m.external_id for m in second.mentions] == ["6547a1f0c3e2b10012ab3400", "6547a1f0c3e2b10012ab3401"]
    assert second.more is False
    assert second.cursor == {"stop": STOP}


def test_run_collection_stores_both_pages_and_the_stop_mark(session_factory: sessionmaker[Session],
                                                            configured: Settings, cassette: Cassette) -> None:
    with session_factory() as session:
        source = Source(name="Trustpilot", collector="trustpilot", network="trustpilot", config=CONFIG)
        session.add(source)
        session.commit()
        source_id = source.id
    assert source_id is not None
    with cassette("trustpilot", "reviews_pages"):
        summary = run_collection(session_factory, source_id, settings=configured)
    assert (summary.pages, summary.inserted, len(summary.errors), summary.failure) == (2, 5, 1, None)
    with session_factory() as session:
        assert session.get_one(Source, source_id).cursor == {"stop": STOP}
        assert session.exec(select(func.count()).select_from(Mention).where(Mention.network == "trustpilot")).one() == 5


def test_review_fields_become_a_raw_mention(collector: TrustpilotCollector, cassette: Cassette) -> None:
    with cassette("trustpilot", "reviews_pages"):
        mentions = collector.fetch(CONFIG, None).mentions
    broken, danish, replied = mentions
    assert broken.network == "trustpilot"
    assert broken.text == "The glass shade was shattered and support has not answered in a week."
    assert (broken.title, broken.rating, broken.author, broken.author_id) == (
        "Lamp arrived broken", 1, "Maria Jensen", "5c1d2e3f4a5b6c0001d2e3f4")
    assert broken.created_at == datetime(2026, 11, 5, 14, 22, 7, tzinfo=timezone.utc)
    assert broken.url == "https://www.trustpilot.com/reviews/6547a1f0c3e2b10012ab34cd"
    assert broken.language == "en"
    assert broken.extra == {"verified": True}
    assert (danish.language, danish.author) == ("da", "Søren K.")
    assert replied.language == "en"
    assert replied.extra == {"verified": True, "reply_at": "2026-11-05T12:30:00Z",
                             "reply": "Hi Priya, sorry about that - we have sent the brass one today."}


def test_next_walk_stops_at_the_stored_reviews_and_keeps_same_instant_newcomers(
        collector: TrustpilotCollector, cassette: Cassette) -> None:
    with cassette("trustpilot", "reviews_since"):
        batch = collector.fetch(CONFIG, {"stop": STOP})
    assert [m.external_id for m in batch.mentions] == ["6547b9e2a1d3c40012ff0001", "6547a1f0c3e2b10012ab34c9"]
    assert batch.more is False
    assert batch.cursor == {"stop": {"at": "2026-11-05T16:40:00+00:00", "ids": ["6547b9e2a1d3c40012ff0001"]}}


def test_rate_limit_is_transient_and_honours_retry_after(collector: TrustpilotCollector, cassette: Cassette) -> None:
    with cassette("trustpilot", "rate_limited"), pytest.raises(CollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert raised.value.transient is True
    assert raised.value.retry_after == 30.0
    assert "HTTP 429: Rate limit quota violation" in str(raised.value)


def test_bad_api_key_is_permanent_with_trustpilots_message(collector: TrustpilotCollector,
                                                          cassette: Cassette) -> None:
    with cassette("trustpilot", "unauthorized"), pytest.raises(PermanentCollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert str(raised.value) == "Trustpilot reviews: HTTP 401: Invalid ApiKey"


def test_unavailable_is_transient(collector: TrustpilotCollector, cassette: Cassette) -> None:
    with cassette("trustpilot", "unavailable"), pytest.raises(CollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert raised.value.transient is True
    assert raised.value.retry_after == 0.0  # a Retry-After date already past means "now"
    assert "HTTP 503: <html>" in str(raised.value)


def test_missing_api_key_names_the_setting(settings: Settings) -> None:
    collector = TrustpilotCollector(settings.model_copy(update={"trustpilot_api_key": None}))
    with pytest.raises(PermanentCollectorError, match=r"^TRUSTPILOT_API_KEY is not set$"):
        collector.fetch(CONFIG, None)


@pytest.mark.parametrize("config", [{}, {"business_unit_id": "../../v1/private"}, {"business_unit_id": 7}])
def test_business_unit_id_is_checked_before_it_goes_into_a_url(collector: TrustpilotCollector,
                                                               config: dict[str, Any]) -> None:
    with pytest.raises(PermanentCollectorError, match="business_unit_id"):
        collector.fetch(config, None)


@pytest.fixture()
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/v1/reviews"
    for connection in accepted:
        connection.close()
    server.close()


def test_a_timeout_is_transient(silent_server: str) -> None:
    with httpx.Client(timeout=0.2) as client, pytest.raises(CollectorError) as raised:
        request_json(client, "GET", silent_server, what="Trustpilot reviews")
    assert raised.value.transient is True
    assert "timed out (ReadTimeout)" in str(raised.value)


def test_a_refused_connection_is_transient() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed when the block ends, so nothing listens there
    with httpx.Client(timeout=2) as client, pytest.raises(CollectorError) as raised:
        request_json(client, "GET", f"http://127.0.0.1:{port}/", what="Trustpilot reviews")
    assert raised.value.transient is True
    assert "network error (ConnectError" in str(raised.value)
