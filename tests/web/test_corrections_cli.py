"""`earful eval --corrections`: the stored-judgement mode reads the workspace's database, no model needed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from inbox.auth.service import create_user
from inbox.corrections import Relabel, correct_mention
from models import Mention, User
from models.db import make_engine, make_session_factory, session_scope
from settings import get_settings
from web.cli import cli


@pytest.fixture()
def workspace(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    yield fresh_database_url
    get_settings.cache_clear()


def add_corrections(url: str) -> None:
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        agent: User = create_user(session, "agent@example.com", "correct horse battery", role="agent")
        session.flush()
        for n, (language, model_said, staff_said) in enumerate((("en", "positive", "negative"),
                                                                ("en", "neutral", "neutral"),
                                                                ("ja", "negative", "negative"))):
            mention = Mention(network="x", external_id=f"c{n}", text="配送が遅い" if language == "ja" else "late",
                              created_at=datetime(2026, 11, 5, tzinfo=timezone.utc), status="needs_reply",
                              sentiment=model_said, confidence=0.7, complaint=0.3, topics=[], language=language,
                              model_name="earful-e5-small", model_version="v1",
                              scored_at=datetime(2026, 11, 5, 1, tzinfo=timezone.utc))
            session.add(mention)
            session.flush()
            correct_mention(session, mention, Relabel(staff_said, False, ()), actor=agent, brand="Lumo")
    engine.dispose()


def test_eval_corrections_reports_per_language(workspace: str) -> None:
    add_corrections(workspace)
    result = CliRunner().invoke(cli, ["eval", "--corrections"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("corrected mentions: 3 (the model's judgement when staff corrected it)")
    assert "earful-e5-small v1" in lines[1]
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:]}
    assert rows["en"][:3] == ["2", "50.0", "50.0"] and rows["ja"][:2] == ["1", "100.0"]
    assert rows["all"][:2] == ["3", "66.7"]


def test_eval_corrections_on_an_empty_workspace(workspace: str) -> None:
    result = CliRunner().invoke(cli, ["eval", "--corrections"])
    assert result.exit_code == 0, result.output
    assert "no corrected mention with a model judgement yet" in result.output


def test_rescore_needs_corrections() -> None:
    result = CliRunner().invoke(cli, ["eval", "--rescore"])
    assert result.exit_code != 0 and "--rescore goes with --corrections" in result.output


def test_an_unmigrated_database_gets_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["eval", "--corrections"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code != 0 and "is it reachable and migrated (earful db upgrade)?" in result.output
