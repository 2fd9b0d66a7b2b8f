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
from listener.collectors.googleplay import GooglePlayCollector
from listener.http.api import TokenCache
from listener.platforms import COLLECTORS
from listener.registry import load_collector
from settings import Settings
from tests.listener.conftest import service_account_settings

Cassette = Callable[[str, str], AbstractContextManager[Any]]
CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
CONFIG = {"package_name": "com.lumohome.app"}
ACCOUNT = "earful-reviews@lumo-home-prod.iam.gserviceaccount.com"
KEY_ID = "8d3f1c2b7a6e5d4c3b2a19f8e7d6c5b4a3928171"
HARUKA = "gp:AOqpTOH8vR2kQe1jZ7xL0aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5"
LUIZA = "gp:AOqpTOEe1Ff2Gg3Hh4Ii5Jj6Kk7Ll8Mm9Nn0Oo1Pp2Qq3Rr4Ss5Tt6Uu7Vv8"
FIRST_STOP = {"at": "2026-11-05T14:03:21.512000+00:00", "ids": [HARUKA]}


@pytest.fixture()
def configured(settings: Settings, tmp_path: Path, signing_key: rsa.RSAPrivateKey) -> Settings:
    return service_account_settings(settings, tmp_path, signing_key, project_id="lumo-home-prod",
                                    private_key_id=KEY_ID, client_email=ACCOUNT, client_id="104729364820193847561",
                                    auth_uri="https://accounts.google.com/o/oauth2/auth")


@pytest.fixture()
def collector(configured: Settings) -> GooglePlayCollector:
    return GooglePlayCollector(configured, tokens=TokenCache())


def test_registry_builds_it_and_it_says_what_it_cannot_see(settings: Settings) -> None:
    collector = load_collector("googleplay", settings)
    assert isinstance(collector, GooglePlayCollector)
    assert COLLECTORS["googleplay"].coverage.startswith("reviews created or modified in the last 7 days only")


def test_first_walk_uses_one_token_for_both_pages_and_skips_malformed_reviews(collector: GooglePlayCollector,
                                                                             cassette: Cassette) -> None:
    with cassette("googleplay", "reviews_pages"):
        first = collector.fetch(CONFIG, None)
        second = collector.fetch(CONFIG, first.cursor)
    assert [m.author for m in first.mentions] == ["佐藤はるか", "Daniel Becker", "Luiza Ramos"]
    assert [(e.line, e.message) for e in first.errors] == [
        (3, "review gp:AOqpTOFbroken000000000000000000000000000000000000000000000: "
            "userComment.lastModified is not a timestamp with seconds and nanos")]
    assert first.more is True
    assert first.cursor == {"stop": None, "walk": {"next": "CpkBCpYBChQKCGFiY2RlZmdoEgoI", "seen": FIRST_STOP,
                                                   "offset": 4}}
    assert [m.author for m in second.mentions] == ["Kim Min-jun"]
    assert (second.more, second.cursor) == (False, {"stop": FIRST_STOP})


def test_review_becomes_a_raw_mention(collector: GooglePlayCollector, cassette: Cassette) -> None:
    with cassette("googleplay", "reviews_pages"):
        japanese, answered, brazilian = collector.fetch(CONFIG, None).mentions
    assert (japanese.network, japanese.external_id) == ("googleplay", HARUKA)
    assert japanese.text == "アップデートしてから照明がつながりません。"
    assert (japanese.rating, japanese.language, japanese.title) == (1, "ja", None)
    assert japanese.created_at == datetime(2026, 11, 5, 14, 3, 21, 512000, tzinfo=timezone.utc)
    assert japanese.url == ("https://play.google.com/store/apps/details?id=com.lumohome.app&reviewId="
                            "gp%3AAOqpTOH8vR2kQe1jZ7xL0aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5")
    assert japanese.extra == {"edited_at": "2026-11-05T14:03:21.512000+00:00", "app_version": "4.2.1",
                              "device": "a52q", "locale": "ja_JP"}
    assert answered.extra == {"edited_at": answered.created_at.isoformat(), "app_version": "4.2.1",
                              "device": "oriole", "locale": "en",
                              "reply": "Thanks Daniel, a fix for the widget ships in 4.2.2.",
                              "reply_at": "2026-11-05T10:00:00+00:00"}
    assert brazilian.language == "pt"


def test_next_walk_picks_up_an_edited_review_and_stops_at_the_stored_one(collector: GooglePlayCollector,
                                                                         cassette: Cassette) -> None:
    with cassette("googleplay", "reviews_since"):
        batch = collector.fetch(CONFIG, {"stop": FIRST_STOP})
    assert [(m.external_id, m.rating) for m in batch.mentions] == [(LUIZA, 2)]
    assert batch.mentions[0].text.startswith("Mudei de ideia")
    assert batch.more is False
    assert batch.cursor == {"stop": {"at": "2026-11-06T08:00:00+00:00", "ids": [LUIZA]}}


def test_the_token_exchange_sends_a_signed_jwt_bearer_assertion(collector: GooglePlayCollector,
                                                                signing_key: rsa.RSAPrivateKey) -> None:
    seen: list[Any] = []
    player = vcr.VCR(cassette_library_dir=str(CASSETTES / "googleplay"), record_mode="none",
                     match_on=["method", "scheme", "host", "port", "path", "query", "seen"])
    player.register_matcher("seen", lambda live, recorded: seen.append(live))
    with player.use_cassette("reviews_since.yaml"):
        collector.fetch(CONFIG, {"stop": FIRST_STOP})
    form = parse_qs(next(r.body for r in seen if r.method == "POST").decode())
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    assertion = form["assertion"][0]
    assert jwt.get_unverified_header(assertion) == {"alg": "RS256", "kid": KEY_ID, "typ": "JWT"}
    claims = jwt.decode(assertion, signing_key.public_key(), algorithms=["RS256"],
                        audience="https://oauth2.googleapis.com/token")
    assert claims["iss"] == ACCOUNT
    assert claims["scope"] == "https://www.googleapis.com/auth/androidpublisher"
    assert claims["exp"] - claims["iat"] == 3600
    api_calls = [r for r in seen if r.method == "GET"]
    assert {r.headers["Authorization"] for r in api_calls} == {"Bearer ya29.c.b0AXv0zTPlayTestToken"}


def test_a_refused_assertion_is_permanent_with_googles_words(collector: GooglePlayCollector,
                                                            cassette: Cassette) -> None:
    with cassette("googleplay", "token_invalid_grant"), pytest.raises(PermanentCollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert str(raised.value) == (f"Google OAuth token exchange: HTTP 400: invalid_grant: Invalid JWT Signature. "
                                 f"(service account {ACCOUNT})")


def test_no_play_console_access_is_permanent(collector: GooglePlayCollector, cassette: Cassette) -> None:
    with cassette("googleplay", "api_forbidden"), pytest.raises(PermanentCollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert str(raised.value) == ("Google Play reviews: HTTP 403: PERMISSION_DENIED The current user has "
                                 "insufficient permissions to perform the requested operation.")


def test_spent_quota_is_transient(collector: GooglePlayCollector, cassette: Cassette) -> None:
    with cassette("googleplay", "rate_limited"), pytest.raises(CollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert (raised.value.transient, raised.value.retry_after) == (True, 60.0)
    assert "RESOURCE_EXHAUSTED Quota exceeded" in str(raised.value)


def test_unavailable_is_transient(collector: GooglePlayCollector, cassette: Cassette) -> None:
    with cassette("googleplay", "unavailable"), pytest.raises(CollectorError) as raised:
        collector.fetch(CONFIG, None)
    assert raised.value.transient is True
    assert "HTTP 503: UNAVAILABLE" in str(raised.value)


def test_missing_service_account_names_the_setting(settings: Settings) -> None:
    collector = GooglePlayCollector(settings.model_copy(update={"google_service_account_file": None}))
    with pytest.raises(PermanentCollectorError, match=r"^GOOGLE_SERVICE_ACCOUNT_FILE is not set$"):
        collector.fetch(CONFIG, None)


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read"),
    ("{not json", "is not a JSON key file"),
    ('{"type": "authorized_user", "client_id": "x"}', "is not a service account key"),
    ('{"type": "service_account", "client_email": "a@b.iam.gserviceaccount.com"}', "lacks private_key"),
    ('{"type": "service_account", "client_email": "a@b", "private_key": "nope"}', "not a usable RSA key"),
])
def test_unusable_service_account_files_are_permanent(settings: Settings, tmp_path: Path, content: str | None,
                                                      message: str) -> None:
    path = tmp_path / "key.json"
    if content is not None:
        path.write_text(content)
    collector = GooglePlayCollector(settings.model_copy(update={"google_service_account_file": path}),
                                    tokens=TokenCache())
    with pytest.raises(PermanentCollectorError, match=f"^GOOGLE_SERVICE_ACCOUNT_FILE: .*{message}"):
        collector.fetch(CONFIG, None)


@pytest.mark.parametrize("package", [None, "lumo", "com.lumohome.app/../../x", "com.lumohome.app?token=1"])
def test_package_name_is_checked(collector: GooglePlayCollector, package: Any) -> None:
    with pytest.raises(PermanentCollectorError, match="package_name"):
        collector.fetch({"package_name": package}, None)


def test_a_titled_review_is_split_and_pages_follow_whatever_the_response_carries(
        collector: GooglePlayCollector, cassette: Cassette) -> None:
    batches = []
    cursor = None
    with cassette("googleplay", "reviews_offsets"):
        for _ in range(3):
            batch = collector.fetch(CONFIG, cursor)
            batches.append(batch)
            cursor = batch.cursor
    assert [b.more for b in batches] == [True, True, False]
    assert batches[1].cursor is not None and batches[1].cursor["walk"]["next"] == "startIndex=4"
    titled, untitled = batches[0].mentions
    assert (titled.title, titled.text) == ("Déconnexions constantes",
                                           "Depuis la mise à jour, le hub se déconnecte chaque nuit.")
    assert (untitled.title, untitled.text) == (None, "No title here, just works.")
    assert [(m.title, m.text) for m in batches[1].mentions] == [("Bom", "Fácil de instalar."),
                                                                (None, "알림이 늦게 와요")]
    assert [(m.title, m.text) for m in batches[2].mentions] == [("Solide", "")]
