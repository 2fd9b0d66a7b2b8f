import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jwt
import pytest
import vcr
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from listener.base import CollectorError, PermanentCollectorError
from listener.collectors.appstore_connect import AppStoreConnectCollector
from listener.http.api import TokenCache
from listener.platforms import COLLECTORS
from listener.registry import load_collector
from settings import Settings

Cassette = Callable[[str, str], AbstractContextManager[Any]]
CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
CONFIG = {"app_id": "1488977981"}
KEY_ID = "2X9R4HXF34"
ISSUER_ID = "57246542-96fe-1a63-e053-0824d011072a"
NEXT = ("https://api.appstoreconnect.apple.com/v1/apps/1488977981/customerReviews"
        "?cursor=Mw.ANfUbSo&include=response&limit=200&sort=-createdDate")
FIRST_STOP = {"at": "2026-11-06T07:40:12+00:00", "ids": ["00000035-8ec5-7d03-7bf3-1d1a00000001"]}


@pytest.fixture()
def signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture()
def configured(settings: Settings, tmp_path: Path, signing_key: ec.EllipticCurvePrivateKey) -> Settings:
    key_file = tmp_path / f"AuthKey_{KEY_ID}.p8"
    key_file.write_bytes(signing_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    return settings.model_copy(update={"appstore_connect_key_id": KEY_ID, "appstore_connect_issuer_id": ISSUER_ID,
                                       "appstore_connect_private_key_file": key_file})


@pytest.fixture()
def collector(configured: Settings) -> AppStoreConnectCollector:
    return AppStoreConnectCollector(configured, tokens=TokenCache())


def seeing(name: str, seen: list[Any]) -> AbstractContextManager[Any]:
    """Replay a cassette keeping the Authorization header (the shared player filters it) for inspection."""
    player = vcr.VCR(cassette_library_dir=str(CASSETTES / "appstore_connect"), record_mode="none",
                     match_on=["method", "scheme", "host", "port", "path", "query", "seen"])
    player.register_matcher("seen", lambda live, recorded: seen.append(live.headers.get("Authorization")))
    return player.use_cassette(f"{name}.yaml")


def test_registry_builds_it_with_the_settings(settings: Settings) -> None:
    collector = load_collector("appstore_connect", settings)
    assert isinstance(collector, AppStoreConnectCollector)
    assert "every territory" in COLLECTORS["appstore_connect"].coverage


def test_first_walk_follows_links_next_and_skips_malformed_reviews(collector: AppStoreConnectCollector,
                                                                   cassette: Cassette) -> None:
    with cassette("appstore_connect", "reviews_pages"):
        first = collector.fetch(CONFIG, None)
        second = collector.fetch(CONFIG, first.cursor)
    assert [m.external_id[-4:] for m in first.mentions] == ["0001", "0002", "0004"]
    assert [(e.line, e.message) for e in first.errors] == [
        (3, "review 00000035-8ec5-7d03-7bf3-1d1a00000003: createdDate is missing")]
    assert first.more is True
    assert first.cursor == {"stop": None, "walk": {"next": NEXT, "seen": FIRST_STOP, "offset": 4}}
    assert [m.external_id[-4:] for m in second.mentions] == ["0005", "0006"]
    assert (second.more, second.cursor) == (False, {"stop": FIRST_STOP})


def test_review_attributes_become_a_raw_mention(collector: AppStoreConnectCollector, cassette: Cassette) -> None:
    with cassette("appstore_connect", "reviews_pages"):
        japanese, answered, korean = collector.fetch(CONFIG, None).mentions
    assert japanese.network == "appstore"
    assert (japanese.title, japanese.text) == ("同期ができない", "アップデート後、照明のスケジュールが同期されません。")
    assert (japanese.author, japanese.rating, japanese.language) == ("はるか", 2, "ja")
    assert japanese.created_at == datetime(2026, 11, 6, 7, 40, 12, tzinfo=timezone.utc)
    assert japanese.extra == {"territory": "JPN"}
    assert korean.language == "ko"
    assert answered.language == "en"
    assert answered.extra == {"territory": "USA", "reply": "Thank you! Sunrise mode is our favourite too.",
                              "reply_state": "PUBLISHED", "reply_at": "2026-11-05T12:00:00-08:00"}


def test_territories_without_one_language_give_no_hint(collector: AppStoreConnectCollector,
                                                       cassette: Cassette) -> None:
    with cassette("appstore_connect", "reviews_pages"):
        french, canadian = collector.fetch(CONFIG, {"walk": {"next": NEXT}}).mentions
    assert (french.language, canadian.language) == ("fr", None)


def test_next_walk_stops_at_the_stored_review(collector: AppStoreConnectCollector, cassette: Cassette) -> None:
    with cassette("appstore_connect", "reviews_since"):
        batch = collector.fetch(CONFIG, {"stop": FIRST_STOP})
    assert [m.external_id[-4:] for m in batch.mentions] == ["0007"]
    assert batch.more is False
    assert batch.cursor == {"stop": {"at": "2026-11-06T09:00:00+00:00",
                                     "ids": ["00000035-8ec5-7d03-7bf3-1d1a00000007"]}}


def test_requests_carry_a_valid_es256_token_reused_until_near_expiry(
        configured: Settings, signing_key: ec.EllipticCurvePrivateKey) -> None:
    now = [time.time()]
    collector = AppStoreConnectCollector(configured, tokens=TokenCache(clock=lambda: now[0]))
    seen: list[Any] = []
    with seeing("reviews_pages", seen):
        first = collector.fetch(CONFIG, None)
        collector.fetch(CONFIG, first.cursor)
    with seeing("reviews_since", seen):
        now[0] += 19 * 60  # past the token's life less the refresh margin
        collector.fetch(CONFIG, {"stop": FIRST_STOP})
    tokens = list(dict.fromkeys(header.removeprefix("Bearer ") for header in seen))
    assert len(tokens) == 2
    for token in tokens:
        assert jwt.get_unverified_header(token) == {"alg": "ES256", "kid": KEY_ID, "typ": "JWT"}
        claims = jwt.decode(token, signing_key.public_key(), algorithms=["ES256"], audience="appstoreconnect-v1",
                            options={"verify_exp": False, "verify_iat": False})
        assert claims["iss"] == ISSUER_ID
        assert 0 < claims["exp"] - claims["iat"] <= 20 * 60


def test_rejected_token_is_permanent_with_apples_message(collector: AppStoreConnectCollector,
                                                        cassette: Cassette) -> None:
    with cassette("appstore_connect", "unauthorized"), pytest.raises(PermanentCollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert str(raised.value).startswith("App Store Connect customer reviews: HTTP 401: NOT_AUTHORIZED - "
                                        "Authentication credentials are missing or invalid. - Provide a properly")


def test_rate_limit_without_retry_after_waits_a_default(collector: AppStoreConnectCollector,
                                                        cassette: Cassette) -> None:
    with cassette("appstore_connect", "rate_limited"), pytest.raises(CollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert (raised.value.transient, raised.value.retry_after) == (True, 60.0)
    assert "RATE_LIMIT_EXCEEDED" in str(raised.value)


def test_server_error_is_transient(collector: AppStoreConnectCollector, cassette: Cassette) -> None:
    with cassette("appstore_connect", "server_error"), pytest.raises(CollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert (raised.value.transient, raised.value.retry_after) == (True, None)


def test_a_next_link_elsewhere_is_refused_before_the_token_is_sent(collector: AppStoreConnectCollector) -> None:
    cursor = {"walk": {"next": "https://attacker.example/v1/apps/1488977981/customerReviews?cursor=x"}}
    with pytest.raises(PermanentCollectorError, match="next link outside"):
        collector.fetch(CONFIG, cursor)


@pytest.mark.parametrize("missing", ["appstore_connect_key_id", "appstore_connect_issuer_id",
                                     "appstore_connect_private_key_file"])
def test_missing_credentials_name_the_setting(configured: Settings, missing: str) -> None:
    collector = AppStoreConnectCollector(configured.model_copy(update={missing: None}), tokens=TokenCache())
    with pytest.raises(PermanentCollectorError, match=f"^{missing.upper()} is not set$"):
        collector.fetch(CONFIG, None)


def test_a_key_file_that_is_not_a_p8_key_is_permanent(configured: Settings, tmp_path: Path) -> None:
    (tmp_path / "bad.p8").write_text("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
    settings = configured.model_copy(update={"appstore_connect_private_key_file": tmp_path / "bad.p8"})
    with pytest.raises(PermanentCollectorError, match="APPSTORE_CONNECT_PRIVATE_KEY_FILE is not an ES256"):
        AppStoreConnectCollector(settings, tokens=TokenCache()).fetch(CONFIG, None)


@pytest.mark.parametrize("app_id", [None, "", "12/../34", "id1488977981"])
def test_app_id_is_checked(collector: AppStoreConnectCollector, app_id: Any) -> None:
    with pytest.raises(PermanentCollectorError, match="app_id"):
        collector.fetch({"app_id": app_id}, None)
