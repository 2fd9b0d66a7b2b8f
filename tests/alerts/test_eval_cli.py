"""`earful alerts eval`: the detector at its default setting, scored the NAB way, on any NAB-layout folder."""

from __future__ import annotations

import json
import math
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SHARED_DATA
from web.cli import cli

NAB = SHARED_DATA / "nab_realTweets"


def _write_series(folder: Path, name: str, seed: int, burst_day: int) -> list[list[str]]:
    """Six days of 5-minute Poisson counts with a daily rhythm and one two-hour burst, NAB's layout."""
    rng = random.Random(seed)
    start = datetime(2015, 3, 2)
    rows, windows = ["timestamp,value"], []
    for i in range(288 * 6):
        at = start + timedelta(minutes=5 * i)
        rate = 6.0 * (1.0 + 0.5 * math.sin(at.hour / 24 * 2 * math.pi))
        burst_start = start + timedelta(days=burst_day, hours=13)
        if burst_start <= at < burst_start + timedelta(hours=2):
            rate *= 5
        value, product, threshold = 0, rng.random(), math.exp(-rate)
        while product > threshold:
            value += 1
            product *= rng.random()
        rows.append(f"{at:%Y-%m-%d %H:%M:%S},{value}")
    window_start = start + timedelta(days=burst_day, hours=7)
    windows.append([f"{window_start:%Y-%m-%d %H:%M:%S}.000000",
                    f"{window_start + timedelta(hours=12):%Y-%m-%d %H:%M:%S}.000000"])
    (folder / "data" / name).write_text("\n".join(rows) + "\n")
    return windows


def test_eval_scores_a_folder_and_prints_the_nab_score_last(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    labels = {f"synthetic/{name}": _write_series(tmp_path, name, seed, day)
              for name, seed, day in (("brand_a.csv", 1, 4), ("brand_b.csv", 2, 5))}
    (tmp_path / "windows.json").write_text(json.dumps(labels))
    result = CliRunner().invoke(cli, ["alerts", "eval", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("synthetic/brand_a.csv: raw ") and "windows 1/1" in lines[0]
    assert "windows 1/1" in lines[1]
    score = re.fullmatch(r"NAB score: (-?\d+\.\d)", lines[-1])
    assert score is not None and float(score.group(1)) > 50  # both bursts caught, early in their windows


def test_eval_refuses_a_folder_without_the_nab_layout(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["alerts", "eval", "--data", str(tmp_path)])
    assert result.exit_code != 0 and "not a NAB-layout folder" in result.output


@pytest.mark.slow
@pytest.mark.sqlite_only  # reads no database: once is enough
@pytest.mark.skipif(not (NAB / "windows.json").is_file(), reason=f"NAB realTweets share not present at {NAB}")
def test_eval_on_nab_real_tweets_reports_the_measured_score() -> None:
    result = CliRunner().invoke(cli, ["alerts", "eval"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len([line for line in lines if line.startswith("realTweets/")]) == 5
    score = float(lines[-1].removeprefix("NAB score: "))
    assert score >= 55.0  # measured 61.3 at the default setting (one setting for all series): below target 75
