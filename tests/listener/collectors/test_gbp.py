from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest
import vcr
from cryptography.hazmat.primitives.asymmetric import rsa

from listener.base import CollectorError, PermanentCollectorError
from listener.collectors.gbp import BusinessProfileCollector, split_translation
from listener.http.api import TokenCache
from listener.platforms import COLLECTORS
from listener.registry import load_collector
from settings import Settings
from tests.listener.conftest import service_account_settings

Cassette = Callable[[str, str], AbstractContextManager[Any]]
CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
CONFIG = {"account_id": "108247395736475839201", "location_id": "4729384756102938475"}
ACCOUNT = "earful-gbp@lumo-home-prod.iam.gserviceaccount.com"
ANONYMOUS = "AbFvOqmH7xK2pLw9sQe4RtYu1IoP3aSdFgHjKl"
YUKI = "AbFvOqaA1sS2dD3fF4gG5hH6jJ7kK8lL9zZ0xX"
FIRST_STOP = {"at": "2026-11-05T18:20:11.482000+00:00", "ids": [ANONYMOUS]}


@pytest.fixture()
def configured(settings: Settings, tmp_path: Path, signing_key: rsa.RSAPrivateKey) -> Settings:
    return service_account_settings(settings, tmp_path, signing_key, project_id="lumo-home-prod",
                                    private_key_id="0a1b2c3d4e5f", client_email=ACCOUNT)


@pytest.fixture()
def collector(configured: Settings) -> BusinessProfileCollector:
    return BusinessProfileCollector(configured, tokens=TokenCache())


def test_registry_builds_it_with_the_settings(settings: Settings) -> None:
    collector = load_collector("gbp", settings)
    assert isinstance(collector, BusinessProfileCollector)
    assert "newest update first" in COLLECTORS["gbp"].coverage


def test_first_walk_pages_through_and_skips_malformed_reviews(collector: BusinessProfileCollector,
                                                              cassette: Cassette) -> None:
    with cassette("gbp", "reviews_pages"):
        first = collector.fetch(CONFIG, None)
        second = collector.fetch(CONFIG, first.cursor)
    assert [m.author for m in first.mentions] == ["", "Mariana Costa", "Tom Fischer"]
    assert [(e.line, e.message) for e in first.errors] == [
        (4, "review AbFvOqBrokenStarRating00000000000000000: starRating 'SIX' is not ONE..FIVE")]
    assert first.more is True
    assert first.cursor == {"stop": None, "walk": {"next": "ChdBYkZ2T3FrTDlqSDhnRjdkUzZhUDVvSTR1WQ",
                                                   "seen": FIRST_STOP, "offset": 4}}
    assert [(m.external_id, m.rating) for m in second.mentions] == [(YUKI, 1)]
    assert (second.more, second.cursor) == (False, {"stop": FIRST_STOP})


def test_reviews_become_raw_mentions(collector: BusinessProfileCollector, cassette: Cassette) -> None:
    with cassette("gbp", "reviews_pages"):
        anonymous, translated, rating_only = collector.fetch(CONFIG, None).mentions
    assert (anonymous.network, anonymous.external_id, anonymous.rating) == ("gbp", ANONYMOUS, 5)
    assert anonymous.created_at == datetime(2026, 11, 5, 18, 20, 11, 482000, tzinfo=timezone.utc)
    assert anonymous.extra is not None and anonymous.extra["anonymous"] is True
    assert translated.text == "A luminária chegou sem o cabo de energia."
    assert translated.extra == {
        "edited_at": "2026-11-05T09:02:45.100000+00:00", "translation": "The lamp arrived without the power cable.",
        "name": "accounts/108247395736475839201/locations/4729384756102938475/reviews/"
                "AbFvOqnZ1cV2bN3mQ4wE5rT6yU7iO8pA9sD0fG",
        "reply": "Olá Mariana, enviamos o cabo hoje. Desculpe!", "reply_at": "2026-11-05T11:15:00.000Z"}
    assert (rating_only.text, rating_only.rating) == ("", 4)


def test_next_walk_picks_up_an_edited_review_by_update_time(collector: BusinessProfileCollector,
                                                            cassette: Cassette) -> None:
    with cassette("gbp", "reviews_since"):
        batch = collector.fetch(CONFIG, {"stop": FIRST_STOP})
    [edited] = batch.mentions
    assert (edited.external_id, edited.rating) == (YUKI, 3)
    assert edited.created_at == datetime(2026, 11, 2, 8, 30, tzinfo=timezone.utc)  # when it was first written
    assert batch.more is False
    assert batch.cursor == {"stop": {"at": "2026-11-06T07:45:30.250000+00:00", "ids": [YUKI]}}


def test_a_page_token_the_api_no_longer_accepts_restarts_the_walk(collector: BusinessProfileCollector,
                                                                  cassette: Cassette) -> None:
    cursor = {"stop": FIRST_STOP, "walk": {"next": "ChdExpiredToken", "seen": FIRST_STOP, "offset": 50}}
    with cassette("gbp", "stale_page_token"):
        batch = collector.fetch(CONFIG, cursor)
    assert [m.external_id for m in batch.mentions] == ["AbFvOqNewAfterOutage0000000000000000000"]
    assert batch.more is False
    assert batch.cursor == {"stop": {"at": "2026-11-09T10:00:00+00:00",
                                     "ids": ["AbFvOqNewAfterOutage0000000000000000000"]}}


def test_the_assertion_asks_for_the_business_manage_scope(collector: BusinessProfileCollector,
                                                          signing_key: rsa.RSAPrivateKey) -> None:
    bodies: list[bytes] = []
    player = vcr.VCR(cassette_library_dir=str(CASSETTES / "gbp"), record_mode="none",
                     match_on=["method", "scheme", "host", "port", "path", "query", "seen"])
    player.register_matcher("seen", lambda live, recorded: bodies.append(live.body) if live.method == "POST" else None)
    with player.use_cassette("reviews_since.yaml"):
        collector.fetch(CONFIG, {"stop": FIRST_STOP})
    assertion = parse_qs(bodies[0].decode())["assertion"][0]
    claims = jwt.decode(assertion, signing_key.public_key(), algorithms=["RS256"],
                        audience="https://oauth2.googleapis.com/token")
    assert (claims["iss"], claims["scope"]) == (ACCOUNT, "https://www.googleapis.com/auth/business.manage")


def test_token_endpoint_401_is_permanent(collector: BusinessProfileCollector, cassette: Cassette) -> None:
    with cassette("gbp", "token_unauthorized"), pytest.raises(PermanentCollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert str(raised.value).startswith("Google OAuth token exchange: HTTP 401: unauthorized_client: "
                                        "Client is unauthorized to retrieve access tokens")


def test_api_401_is_permanent_with_googles_message(collector: BusinessProfileCollector, cassette: Cassette) -> None:
    with cassette("gbp", "api_unauthenticated"), pytest.raises(PermanentCollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert str(raised.value).startswith("Business Profile reviews: HTTP 401: UNAUTHENTICATED Request had invalid "
                                        "authentication credentials.")


def test_rate_limit_honours_retry_after(collector: BusinessProfileCollector, cassette: Cassette) -> None:
    with cassette("gbp", "rate_limited"), pytest.raises(CollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert (raised.value.transient, raised.value.retry_after) == (True, 120.0)


def test_missing_service_account_names_the_setting(settings: Settings) -> None:
    collector = BusinessProfileCollector(settings.model_copy(update={"google_service_account_file": None}))
    with pytest.raises(PermanentCollectorError, match=r"^GOOGLE_SERVICE_ACCOUNT_FILE is not set$"):
        collector.fetch(CONFIG, None)


@pytest.mark.parametrize("config", [{}, {"account_id": "1", "location_id": "2/reviews/x"},
                                    {"account_id": "1/../2", "location_id": "3"}])
def test_ids_are_checked_before_they_go_into_a_url(collector: BusinessProfileCollector,
                                                   config: dict[str, Any]) -> None:
    with pytest.raises(PermanentCollectorError, match="account_id and location_id"):
        collector.fetch(config, None)


@pytest.mark.parametrize(("comment", "expected"), [
    ("Great!", ("Great!", None)),
    ("(Translated by Google) Very good\n\n(Original)\nMuito bom", ("Muito bom", "Very good")),
    ("Muito bom\n\n(Translated by Google)\nVery good", ("Muito bom", "Very good")),
    ("(Translated by Google) no original part", ("(Translated by Google) no original part", None)),
])
def test_split_translation_keeps_the_customers_own_words(comment: str, expected: tuple[str, str | None]) -> None:
    assert split_translation(comment) == expected
