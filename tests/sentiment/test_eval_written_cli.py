"""`earful eval --written`: the project's own test-only sets, without the shared data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sentiment.cli import eval_


@pytest.fixture()
def settings_env(monkeypatch: pytest.MonkeyPatch, model_cache_dir: Path) -> Iterator[None]:
    from settings import get_settings

    monkeypatch.setenv("MODEL_CACHE_DIR", str(model_cache_dir))
    monkeypatch.setenv("SENTIMENT_MODEL", "earful-e5-small")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_eval_written_prints_topic_and_message_tables_without_shared_data(settings_env: None,
                                                                          tmp_path: Path) -> None:
    result = CliRunner().invoke(eval_, ["--written", "--limit", "3", "--data-dir", str(tmp_path / "absent")])
    assert result.exit_code == 0, result.output
    assert "topic test-only set: 12 rows" in result.output  # 3 per language, en/ja/ko/zh
    for line in ("delivery", "micro zh", "complaints naming a topic", "customer messages test-only set",
                 "questions by question cues"):
        assert line in result.output
