"""Login throttling across processes: a per-address limit and per-account back-off in the shared store (the database,
or Redis when REDIS_URL is set), which slow an attacker down without shutting the account's owner out."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pydantic import SecretStr
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from inbox.auth.service import create_user
from models import AuditEvent, User
from models.db import make_engine, make_session_factory, session_scope
from settings import Settings
from tests.web.web_helpers import PASSWORD, RecordingDispatcher, csrf_token, post_form
from web import create_app
from web.auth.throttling import COUNTER_STORE_KEY
from web.config import ConfigurationError
from web.extensions import SESSION_FACTORY_KEY

WRONG = "not the password!"
FLASH = re.compile(r'<p class="flash flash-error">([^<]*)</p>')
ATTACKER, OFFICE = "203.0.113.7", "198.51.100.20"
BACKENDS = ["database", pytest.param("redis", marks=pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                                                                          reason="REDIS_URL is not set"))]


@dataclass
class Deployment:
    """Two app instances on one shared database (and Redis), as two gunicorn processes would run."""

    apps: tuple[Flask, Flask]
    factory: sessionmaker[Session]

    def browser(self, number: int = 0) -> FlaskClient:
        return self.apps[number].test_client()

    def user(self, email: str, role: str = "agent") -> User:
        with session_scope(self.factory) as session:
            return create_user(session, email, PASSWORD, role=role)

    def events(self, action: str) -> list[AuditEvent]:
        with session_scope(self.factory) as session:
            return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


@pytest.fixture(params=BACKENDS)
def deployment(request: pytest.FixtureRequest, settings: Settings, fresh_database_url: str,
               tmp_path: Path) -> Iterator[Deployment]:
    uri = os.environ["REDIS_URL"] if request.param == "redis" else None
    shared = settings.model_copy(update={
        "database_url": fresh_database_url, "ratelimit_storage_uri": uri, "login_attempts_per_address": 6,
        "login_free_failures": 3, "login_backoff_max_seconds": 2,
    })
    apps = (create_app(shared, dispatcher=RecordingDispatcher()), create_app(shared, dispatcher=RecordingDispatcher()))
    for app in apps:
        app.config["TESTING"] = True
    if uri:
        apps[0].extensions[COUNTER_STORE_KEY].reset()  # this run's counters only
    engine = make_engine(fresh_database_url)
    yield Deployment(apps, make_session_factory(engine))
    engine.dispose()
    for app in apps:
        app.extensions[SESSION_FACTORY_KEY].kw["bind"].dispose()


def attempt(client: FlaskClient, email: str, password: str, address: str) -> TestResponse:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def log_out(client: FlaskClient) -> None:
    assert post_form(client, "/logout").status_code == 302


def test_the_address_limit_holds_across_processes(deployment: Deployment) -> None:
    browsers = (deployment.browser(0), deployment.browser(1))
    statuses = [attempt(browsers[n % 2], f"guess{n}@example.com", WRONG, ATTACKER).status_code for n in range(10)]
    assert statuses == [401] * 6 + [429] * 4  # per process, each would have let six through
    refused = attempt(browsers[0], "someone@example.com", WRONG, ATTACKER)
    assert 0 < int(refused.headers["Retry-After"]) <= 300
    assert "Too many login attempts from this address" in refused.get_data(as_text=True)
    assert attempt(browsers[1], "someone@example.com", WRONG, OFFICE).status_code == 401  # other addresses go on
    [event] = deployment.events("login.throttled")  # one event per window, not one per refused attempt
    assert event.details["scope"] == "address" and event.details["address"] == ATTACKER


def test_the_address_limit_holds_for_parallel_attempts(deployment: Deployment) -> None:
    browsers = [deployment.browser(n % 2) for n in range(12)]
    tokens = [csrf_token(browser.get("/login").get_data(as_text=True)) for browser in browsers]

    def guess(n: int) -> int:
        return browsers[n].post("/login", data={"csrf_token": tokens[n], "email": f"p{n}@example.com",
                                                "password": WRONG}, environ_base={"REMOTE_ADDR": ATTACKER}).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = sorted(pool.map(guess, range(12)))
    assert statuses == [401] * 6 + [429] * 6


def test_the_owner_logs_in_while_an_attacker_backs_the_account_off(deployment: Deployment) -> None:
    owner = deployment.user("owner@example.com")
    usual = deployment.browser(0)
    assert attempt(usual, owner.email, PASSWORD, OFFICE).status_code == 302  # this browser now knows the account
    log_out(usual)
    attacker = deployment.browser(1)
    statuses = [attempt(attacker, owner.email, WRONG, ATTACKER).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]  # three free failures, then a back-off window
    # The right password is not let past the back-off from an unknown browser (that would make it an oracle)...
    stranger = deployment.browser(0)
    refused = attempt(stranger, owner.email, PASSWORD, OFFICE)
    assert refused.status_code == 429 and "Too many failed attempts for this email" in refused.get_data(as_text=True)
    # ...but the owner's usual browser is not slowed at all, in either process, from any address,
    assert attempt(usual, owner.email, PASSWORD, ATTACKER).status_code == 302
    # and from a new browser the owner waits a few seconds at most, not fifteen minutes.
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 2
    time.sleep(wait + 0.1)
    assert attempt(deployment.browser(1), owner.email, PASSWORD, OFFICE).status_code == 302


def test_back_off_is_audited_once_per_window(deployment: Deployment) -> None:
    owner = deployment.user("target@example.com")
    attacker = deployment.browser(0)
    statuses = [attempt(attacker, owner.email, WRONG, ATTACKER).status_code for _ in range(6)]
    assert statuses == [401] * 3 + [429] * 3
    [backoff] = deployment.events("login.backoff")
    assert backoff.actor_id == owner.id
    assert backoff.details == {"email": owner.email, "address": ATTACKER, "failures": 3, "seconds": 2,
                               "browser": "unknown"}
    [throttled] = deployment.events("login.throttled")
    assert throttled.actor_id == owner.id and throttled.details["scope"] == "account"


def test_another_user_at_the_same_address_is_refused_only_by_the_address_limit(deployment: Deployment) -> None:
    victim, colleague = deployment.user("victim@example.com"), deployment.user("colleague@example.com")
    known = deployment.browser(1)
    assert attempt(known, colleague.email, PASSWORD, OFFICE).status_code == 302
    log_out(known)
    attacker = deployment.browser(0)
    statuses = [attempt(attacker, victim.email, WRONG, OFFICE).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]  # the victim's account backs off...
    assert attempt(deployment.browser(1), colleague.email, PASSWORD, OFFICE).status_code == 302  # ...not others
    for _ in range(2):
        attempt(attacker, victim.email, WRONG, OFFICE)  # the address's six attempts are used up now
    assert attempt(deployment.browser(0), colleague.email, PASSWORD, OFFICE).status_code == 429
    assert attempt(known, colleague.email, PASSWORD, OFFICE).status_code == 302  # a browser the account knows


def test_unknown_emails_back_off_like_known_ones(deployment: Deployment) -> None:
    known = deployment.user("real@example.com")
    answers = []
    for email, address in ((known.email, ATTACKER), ("ghost@example.com", OFFICE)):
        attacker = deployment.browser(0)
        statuses = [attempt(attacker, email, WRONG, address).status_code for _ in range(5)]
        assert statuses == [401, 401, 401, 429, 429]
        last = attempt(attacker, email, WRONG, address)
        message = FLASH.findall(last.get_data(as_text=True))[0]
        answers.append((last.status_code, re.sub(r"\d+ seconds", "N seconds", message)))
    assert answers[0] == answers[1] == (429, "Too many failed attempts for this email. Try again in N seconds.")


def test_wrong_current_passwords_back_off_too(deployment: Deployment) -> None:
    owner = deployment.user("changer@example.com")
    browser = deployment.browser(0)
    assert attempt(browser, owner.email, PASSWORD, OFFICE).status_code == 302
    statuses = []
    for _ in range(5):
        token = csrf_token(browser.get("/account/password").get_data(as_text=True))
        statuses.append(browser.post("/account/password", data={
            "csrf_token": token, "current_password": WRONG, "new_password": "a new passphrase",
            "confirm_password": "a new passphrase"}).status_code)
    assert statuses == [400, 400, 400, 429, 429]
    assert [event.details["scope"] for event in deployment.events("login.throttled")] == ["account"]


def test_a_per_process_or_unknown_store_is_refused_at_boot(settings: Settings,
                                                           session_factory: sessionmaker[Session]) -> None:
    for uri in ("memory://", "memcached://localhost:11211"):
        with pytest.raises(ConfigurationError, match="RATELIMIT_STORAGE_URI must be a Redis URL"):
            create_app(settings.model_copy(update={"ratelimit_storage_uri": uri}), session_factory=session_factory,
                       dispatcher=RecordingDispatcher())
    secret = settings.model_copy(update={"ratelimit_storage_uri": "redis://:s3cret@localhost:6379/2",
                                         "secret_key": SecretStr("k")})
    app = create_app(secret, session_factory=session_factory, dispatcher=RecordingDispatcher())
    assert app.extensions[COUNTER_STORE_KEY] is not None  # connects lazily, like the Celery broker
