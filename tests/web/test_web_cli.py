"""The `earful` command's schema and account commands (web/cli.py) on the auth service, against a temp file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from inbox.auth.service import verify_password
from models import SavedReply, User
from models.db import make_engine, make_session_factory
from settings import get_settings
from web.cli import cli


@pytest.fixture()
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BROKER_URL", f"sqla+sqlite:///{tmp_path / 'broker.db'}")
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_db_upgrade_then_user_create(database_file: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    env = {"EARFUL_NEW_USER_PASSWORD": "correct horse battery"}
    result = runner.invoke(cli, ["user", "create", "Boss@Example.com", "--role", "admin"], env=env)
    assert result.exit_code == 0, result.output
    assert "created admin Boss@Example.com" in result.output

    again = runner.invoke(cli, ["user", "create", "boss@example.com", "--role", "admin", "--if-missing"], env=env)
    assert again.exit_code == 0 and "exists" in again.output
    assert "NOT applied" in again.output  # EARFUL_ADMIN_PASSWORD is never silently ignored
    quiet = runner.invoke(cli, ["user", "create", "boss@example.com", "--if-missing"])
    assert quiet.exit_code == 0 and "NOT applied" not in quiet.output
    duplicate = runner.invoke(cli, ["user", "create", "boss@example.com"], env=env)
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output

    with make_session_factory(make_engine(database_file))() as session:
        user = session.exec(select(User)).one()
    assert user.role == "admin" and verify_password(user.password_hash, "correct horse battery")


def test_user_create_reports_a_short_password(database_file: str) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["db", "upgrade"])
    result = runner.invoke(cli, ["user", "create", "a@example.com"], env={"EARFUL_NEW_USER_PASSWORD": "short"})
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output


def test_demo_load_reports_the_starters_it_added_and_reworded(database_file: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(cli, ["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "starter saved replies: 75 added, 0 given their other wordings, 0 unedited old starters deactivated" \
        in first.output

    with make_session_factory(make_engine(database_file))() as session:  # as saved before wordings existed
        for saved in session.exec(select(SavedReply).where(SavedReply.language == "ko")):
            saved.variants = None
            session.add(saved)
        session.commit()
    again = runner.invoke(cli, ["demo", "load"])
    assert again.exit_code == 0, again.output
    assert "starter saved replies: 0 added, 25 given their other wordings" in again.output
