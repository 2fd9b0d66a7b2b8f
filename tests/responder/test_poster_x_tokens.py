"""The X poster renewing its OAuth 2.0 user-context token (X rotates the refresh token on every renewal):
hand-written cassettes under tests/cassettes/posting/x/ replayed through tweepy and requests, which also check
the token each request carried and the form sent to X's token endpoint; the token row in the test database."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import vcr
from pydantic import SecretStr
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from models import AuditEvent, Reply
from models.db import make_engine, make_session_factory, session_scope
from models.oauth_token import OAuthToken, Sealer
from responder.posters.errors import NotSent, Rejected
from responder.posters.x import XPoster
from responder.posters.x_auth import shared_session_factory, user_tokens
from responder.replies.posting import post_reply
from settings import Settings
from tests.responder.conftest import make_mention, make_reply, raised

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "posting" / "x"
CLIENT_ID = "M1M5R3BMVy1fOE9nTlhRZ2Y6MTpjaQ"
SEED = "seed-refresh:1:0:rt:1"
OLD_ACCESS, NEW_ACCESS = "old-access:1:0:at:1", "new-access:1:0:at:1"
STORED_REFRESH, ROTATED_REFRESH = "stored-refresh:1:0:rt:1", "rotated-refresh:1:0:rt:1"
TWEET = "1986201519337422848"
NOW = 1793976300.0


def same_bearer(live: Any, recorded: Any) -> None:
    expected = recorded.headers.get("Authorization")
    if expected is not None:
        assert live.headers.get("Authorization") == expected


def same_form(live: Any, recorded: Any) -> None:
    if recorded.body:
        assert parse_qs(_text(live.body)) == parse_qs(_text(recorded.body))


def _text(body: str | bytes | None) -> str:
    return body.decode() if isinstance(body, bytes) else body or ""


@contextmanager
def x_cassette(name: str) -> Iterator[None]:
    """Like posting_cassette, and also matching the credentials sent, which that one filters out."""
    player = vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="none", decode_compressed_response=True,
                     match_on=["method", "scheme", "host", "port", "path", "query", "bearer", "form"])
    player.register_matcher("bearer", same_bearer)
    player.register_matcher("form", same_form)
    with player.use_cassette(f"{name}.yaml", allow_playback_repeats=False) as cassette:
        yield
    assert cassette.all_played, f"{name}: not every recorded request was made"


@pytest.fixture()
def x_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"x_client_id": CLIENT_ID, "x_refresh_token": SecretStr(SEED)})


def poster(settings: Settings, session_factory: sessionmaker[Session], now: float = NOW) -> XPoster:
    tokens = user_tokens(settings, clock=lambda: now, session_factory=session_factory)
    return XPoster(settings, clock=lambda: now, tokens=tokens)


def at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


def digest(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def store(session_factory: sessionmaker[Session], settings: Settings, *, access: str = OLD_ACCESS,
          refresh: str = STORED_REFRESH, expires_in: float = 3600, seeds: tuple[str, ...] = (SEED,),
          now: float = NOW, **fields: Any) -> None:
    sealer = Sealer(settings.secret_key.get_secret_value())
    with session_scope(session_factory) as session:
        session.add(OAuthToken(provider="x", access_token=sealer.seal(access), refresh_token=sealer.seal(refresh),
                               expires_at=at(now + expires_in), seeds=[digest(s) for s in seeds], **fields))


def stored(session_factory: sessionmaker[Session], settings: Settings) -> tuple[OAuthToken, str, str]:
    with session_factory() as session:
        row = session.get_one(OAuthToken, "x", populate_existing=True)
    sealer = Sealer(settings.secret_key.get_secret_value())
    return row, sealer.unseal(row.access_token), sealer.unseal(row.refresh_token)


def poster_events(session_factory: sessionmaker[Session]) -> list[AuditEvent]:
    with session_factory() as session:
        statement = select(AuditEvent).where(col(AuditEvent.action).startswith("poster.")).order_by(
            col(AuditEvent.id))
        return list(session.exec(statement).all())


def send(x: XPoster) -> Any:
    return x.post(make_reply(), make_mention(external_id=TWEET))


def test_a_401_renews_the_token_stores_the_rotated_pair_and_sends_once_more(
    x_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    store(session_factory, x_settings)
    with x_cassette("renew_after_401"):
        outcome = send(poster(x_settings, session_factory))
    assert (outcome.status, outcome.platform_reply_id) == ("posted", "1986203311208505344")
    row, access, refresh = stored(session_factory, x_settings)
    assert (access, refresh) == (NEW_ACCESS, ROTATED_REFRESH)
    assert row.expires_at == at(NOW + 7200) and row.version == 1
    assert (row.renewing_until, row.error) == (None, None)
    assert NEW_ACCESS not in row.access_token and ROTATED_REFRESH not in row.refresh_token  # sealed at rest
    assert [(e.action, e.details) for e in poster_events(session_factory)] == [
        ("poster.token_renewed", {"poster": "x", "expires_at": at(NOW + 7200).isoformat()})]


def test_the_first_post_exchanges_the_configured_refresh_token(x_settings: Settings,
                                                               session_factory: sessionmaker[Session]) -> None:
    with x_cassette("renew_first"):
        assert send(poster(x_settings, session_factory)).status == "posted"
    row, access, refresh = stored(session_factory, x_settings)
    assert (access, refresh, row.seeds) == (NEW_ACCESS, ROTATED_REFRESH, [digest(SEED)])
    assert [e.action for e in poster_events(session_factory)] == ["poster.connected", "poster.token_renewed"]


@pytest.mark.parametrize("fields", [
    {"expires_in": 60},  # X's expiry is within the two minutes' margin
    {"expires_in": -60, "renewing_until": at(NOW - 1)},  # a renewal whose worker died: its lease has lapsed
])
def test_an_expiring_token_is_renewed_before_sending(x_settings: Settings, session_factory: sessionmaker[Session],
                                                     fields: dict[str, Any]) -> None:
    store(session_factory, x_settings, refresh=SEED, **fields)
    with x_cassette("renew_first"):
        assert send(poster(x_settings, session_factory)).status == "posted"
    assert stored(session_factory, x_settings)[1:] == (NEW_ACCESS, ROTATED_REFRESH)


def test_a_good_stored_token_is_sent_as_it_is(x_settings: Settings, session_factory: sessionmaker[Session]) -> None:
    store(session_factory, x_settings)
    with x_cassette("create_ok_stored"):
        assert send(poster(x_settings, session_factory)).status == "posted"
    assert stored(session_factory, x_settings)[0].version == 0


@pytest.mark.parametrize(("name", "words"), [
    ("renew_invalid_grant", "invalid_grant: The refresh token has been revoked."),
    ("renew_invalid_request", "invalid_request: Value passed for the token was invalid."),
])
def test_a_refused_renewal_disables_the_poster_with_xs_words(x_settings: Settings,
                                                             session_factory: sessionmaker[Session], name: str,
                                                             words: str) -> None:
    store(session_factory, x_settings)
    with x_cassette(name):
        error = raised(lambda: send(poster(x_settings, session_factory)))
    assert isinstance(error, Rejected) and f"HTTP 400 {words}" in str(error) and "X_REFRESH_TOKEN" in str(error)
    row = stored(session_factory, x_settings)[0]
    assert row.error == str(error) and row.renewing_until is None
    assert [(e.action, e.details["error"]) for e in poster_events(session_factory)] == [
        ("poster.disabled", str(error))]
    # Disabled: the next reply fails at once with the same words and nothing reaches X (no cassette here).
    again = raised(lambda: send(poster(x_settings, session_factory)))
    assert isinstance(again, Rejected) and str(again) == str(error)


def test_a_new_refresh_token_setting_connects_x_again(x_settings: Settings,
                                                      session_factory: sessionmaker[Session]) -> None:
    store(session_factory, x_settings, seeds=("dead-seed",), version=3, error="X refused to renew the access token")
    with x_cassette("renew_first"):
        assert send(poster(x_settings, session_factory)).status == "posted"
    row, access, _ = stored(session_factory, x_settings)
    assert (row.error, access, row.seeds) == (None, NEW_ACCESS, [digest("dead-seed"), digest(SEED)])


def test_a_worker_still_set_up_with_an_earlier_refresh_token_keeps_the_live_pair(
    x_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    store(session_factory, x_settings, seeds=("earlier-seed", SEED))
    earlier = x_settings.model_copy(update={"x_refresh_token": SecretStr("earlier-seed")})
    with x_cassette("create_ok_stored"):
        assert send(poster(earlier, session_factory)).status == "posted"
    row, access, refresh = stored(session_factory, x_settings)
    assert (row.version, access, refresh) == (0, OLD_ACCESS, STORED_REFRESH)


def test_a_renewal_under_way_in_another_worker_defers_the_post(x_settings: Settings,
                                                               session_factory: sessionmaker[Session]) -> None:
    store(session_factory, x_settings, expires_in=-60, renewing_until=at(NOW + 30))
    error = raised(lambda: send(poster(x_settings, session_factory)))  # no cassette: nothing reaches X
    assert isinstance(error, NotSent) and error.retry_after == 5 and "another worker" in str(error)


def test_a_failing_token_endpoint_defers_the_post_and_keeps_the_refresh_token(
    x_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    with x_cassette("renew_503"):
        error = raised(lambda: send(poster(x_settings, session_factory)))
    assert isinstance(error, NotSent) and error.retry_after == 20 and "503" in str(error)
    row, access, refresh = stored(session_factory, x_settings)
    assert (row.error, row.renewing_until, access, refresh) == (None, None, "", SEED)


def test_a_confidential_client_authenticates_with_its_secret(x_settings: Settings,
                                                             session_factory: sessionmaker[Session]) -> None:
    confidential = x_settings.model_copy(update={"x_client_secret": SecretStr("cs-secret")})
    with x_cassette("renew_confidential"):
        assert send(poster(confidential, session_factory)).status == "posted"


def test_a_token_refused_again_after_renewal_fails_without_renewing_twice(
    x_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    store(session_factory, x_settings)
    with x_cassette("renew_then_401"):
        error = raised(lambda: send(poster(x_settings, session_factory)))
    assert isinstance(error, Rejected) and "401 Unauthorized" in str(error)
    assert stored(session_factory, x_settings)[1] == NEW_ACCESS


def test_tokens_sealed_under_another_secret_key_ask_for_a_new_connection(
    x_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    store(session_factory, x_settings)
    rotated = x_settings.model_copy(update={"secret_key": SecretStr("a-new-secret-key")})
    error = raised(lambda: send(poster(rotated, session_factory)))
    assert isinstance(error, Rejected) and "SECRET_KEY" in str(error) and "X_REFRESH_TOKEN" in str(error)


@pytest.mark.parametrize(("update", "message"), [
    ({"secret_key": SecretStr("")}, "SECRET_KEY is not set"),
    ({"x_client_id": None}, "X_CLIENT_ID is not"),
    ({"x_refresh_token": None}, "X posting needs X_CLIENT_ID and X_REFRESH_TOKEN"),
])
def test_an_incomplete_setup_cannot_start(x_settings: Settings, update: dict[str, Any], message: str) -> None:
    error = raised(lambda: XPoster(x_settings.model_copy(update=update)))
    assert isinstance(error, Rejected) and message in str(error)


def test_a_refused_renewal_fails_the_reply_with_xs_words(x_settings: Settings, fresh_database_url: str) -> None:
    # The worker's path: post_reply loads the poster from the settings, and it keeps its tokens in that database.
    # X_BEARER_TOKEN (the collectors' app-only token) is what the POSTERS registry still asks for; it is not used.
    settings = x_settings.model_copy(update={"database_url": fresh_database_url,
                                             "x_bearer_token": SecretStr("app-only-bearer-for-the-collectors")})
    engine = make_engine(fresh_database_url)
    factory = make_session_factory(engine)
    store(factory, settings, now=time.time())  # the worker reads the real clock
    with session_scope(factory) as session:
        mention = make_mention(id=None, external_id=TWEET)
        session.add(mention)
        session.flush()
        assert mention.id is not None
        reply = Reply(mention_id=mention.id, text=make_reply().text, status="approved", poster="x")
        session.add(reply)
        session.flush()
        reply_id = reply.id
    assert reply_id is not None
    with x_cassette("renew_invalid_grant"):
        failed = post_reply(factory, reply_id, settings=settings)
    assert failed is not None and failed.status == "failed", failed
    assert "invalid_grant: The refresh token has been revoked." in (failed.error or "")
    with factory() as session:
        actions = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert list(actions) == ["reply.posting", "poster.disabled", "reply.failed"]
    engine.dispose()
    shared_session_factory(fresh_database_url).kw["bind"].dispose()
