"""The NAB scorer: its rules on small hand-made files, then NAB's own published results reproduced."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from alerts.nab import FileScore, load_corpus, normalised, probation_rows, scaled_sigmoid, score_detections
from tests.conftest import SHARED_DATA

NAB = SHARED_DATA / "nab_realTweets"
START = datetime(2015, 3, 1)


def _stamps(n: int) -> list[datetime]:
    return [START + timedelta(minutes=5 * i) for i in range(n)]


def _fired(n: int, *rows: int) -> list[bool]:
    return [i in rows for i in range(n)]


STAMPS = _stamps(2000)  # probation: the first 300 rows
WINDOW = (STAMPS[1000], STAMPS[1099])  # 100 rows wide


def test_the_sigmoid_has_nab_s_shape() -> None:
    assert scaled_sigmoid(-1.0) == pytest.approx(0.98661, abs=1e-5)
    assert scaled_sigmoid(-0.5) == pytest.approx(0.84828, abs=1e-5)
    assert scaled_sigmoid(0.0) == 0.0
    assert scaled_sigmoid(1.0) == pytest.approx(-0.98661, abs=1e-5)
    assert scaled_sigmoid(3.0) == -1.0


def test_probation_is_fifteen_percent_capped_at_750_rows() -> None:
    assert probation_rows(2000) == 300
    assert probation_rows(15831) == 750


def test_a_detection_on_a_window_s_first_row_earns_the_whole_reward() -> None:
    score = score_detections(STAMPS, _fired(2000, 1000), [WINDOW])
    assert score.raw == pytest.approx(1.0)
    assert (score.detected_windows, score.false_positives) == (1, 0)


def test_only_the_first_detection_in_a_window_counts_and_later_ones_earn_less() -> None:
    early = score_detections(STAMPS, _fired(2000, 1050, 1051, 1090), [WINDOW]).raw
    assert early == pytest.approx(scaled_sigmoid(-50 / 100) / scaled_sigmoid(-1.0))
    late = score_detections(STAMPS, _fired(2000, 1090), [WINDOW]).raw
    assert 0 < late < early


def test_a_missed_window_costs_one_and_the_null_detector_scores_minus_windows() -> None:
    assert score_detections(STAMPS, _fired(2000), [WINDOW]).raw == -1.0


def test_false_positives_cost_by_distance_from_the_previous_window() -> None:
    before_any_window = score_detections(STAMPS, _fired(2000, 500, 1000), [WINDOW]).raw
    assert before_any_window == pytest.approx(1.0 - 0.11)
    just_after = score_detections(STAMPS, _fired(2000, 1000, 1101), [WINDOW]).raw
    assert just_after == pytest.approx(1.0 + 0.11 * scaled_sigmoid(2 / 99))
    far_after = score_detections(STAMPS, _fired(2000, 1000, 1900), [WINDOW]).raw
    assert far_after == pytest.approx(1.0 - 0.11)


def test_probation_detections_and_windows_inside_probation_are_not_scored() -> None:
    early_window = (STAMPS[100], STAMPS[150])
    score = score_detections(STAMPS, _fired(2000, 10, 120, 1000), [early_window, WINDOW])
    assert score.windows == 1
    assert score.raw == pytest.approx(1.0)


def test_the_normalised_score_is_zero_for_null_and_a_hundred_for_perfect() -> None:
    null = FileScore(raw=-2.0, windows=2, detected_windows=0, false_positives=0)
    perfect = FileScore(raw=2 * scaled_sigmoid(-1.0), windows=2, detected_windows=2, false_positives=0)
    assert normalised([null]) == 0.0
    assert normalised([perfect]) == pytest.approx(100.0)


def test_a_nab_layout_folder_loads_with_its_windows(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    rows = ["timestamp,value"] + [f"{at:%Y-%m-%d %H:%M:%S},{i % 7}" for i, at in enumerate(_stamps(50))]
    (tmp_path / "data" / "brand.csv").write_text("\n".join(rows) + "\n")
    windows = {"mine/brand.csv": [["2015-03-01 01:00:00.000000", "2015-03-01 02:00:00.000000"]]}
    (tmp_path / "windows.json").write_text(json.dumps(windows))
    [series] = load_corpus(tmp_path)
    assert series.name == "mine/brand.csv" and len(series.values) == 50 and series.values[3] == 3.0
    assert series.windows == [(datetime(2015, 3, 1, 1), datetime(2015, 3, 1, 2))]


needs_nab = pytest.mark.skipif(not (NAB / "published").is_dir(),
                               reason=f"NAB realTweets share not present at {NAB}")


def _published_scores(detector: str) -> tuple[dict[str, FileScore], dict[str, float]]:
    threshold = json.loads((NAB / "published/config/thresholds.json").read_text())[detector]["standard"]["threshold"]
    with (NAB / f"published/{detector}/{detector}_standard_scores_dev.csv").open() as handle:
        published = {row["File"]: float(row["Score"]) for row in csv.DictReader(handle)}
    ours = {}
    for series in load_corpus(NAB):
        output = NAB / f"published/{detector}/{detector}_{Path(series.name).name}"
        with output.open() as handle:
            scores = [float(row["anomaly_score"]) for row in csv.DictReader(handle)]
        assert len(scores) == len(series.timestamps)
        ours[series.name] = score_detections(series.timestamps, [s >= threshold for s in scores], series.windows)
    return ours, published


@needs_nab
@pytest.mark.parametrize(("detector", "anchor"), [("numenta", 64.2), ("twitterADVec", 52.5), ("ARTime", 82.3),
                                                  ("null", 0.0)])
def test_the_published_per_file_raw_scores_are_reproduced(detector: str, anchor: float) -> None:
    ours, published = _published_scores(detector)
    assert set(ours) == set(published)
    for name, score in ours.items():
        assert score.raw == pytest.approx(published[name], abs=1e-6), name
    assert round(normalised(list(ours.values())), 1) == anchor
