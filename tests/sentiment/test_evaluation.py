import math

import numpy as np
import pytest

from sentiment.datasets import Example
from sentiment.evaluation import ValidationScores, compare_scores, evaluate_rows, format_comparison, format_table
from sentiment.metrics import accuracy, bootstrap_interval, macro_f1, macro_recall, paired_bootstrap_difference


def right_share(n: int, share: float) -> tuple[np.ndarray, np.ndarray]:
    """Binary truth with the first `share` of rows predicted right, the rest wrong."""
    y = np.arange(n) % 2
    pred = y.copy()
    wrong = np.arange(n) >= round(share * n)
    pred[wrong] = 1 - y[wrong]
    return y, pred


def test_interval_brackets_the_figure_and_has_the_binomial_width():
    y, pred = right_share(2000, 0.7)
    low, high = bootstrap_interval(accuracy, y, pred)
    half_width = 1.96 * math.sqrt(0.7 * 0.3 / 2000)  # 2.0 points: why 2,000 rows cannot tell 70.6 from 71
    assert low < 0.7 < high
    assert (high - low) / 2 == pytest.approx(half_width, rel=0.15)


def test_interval_narrows_with_more_rows_and_is_repeatable():
    small = bootstrap_interval(accuracy, *right_share(200, 0.8))
    large = bootstrap_interval(accuracy, *right_share(5000, 0.8))
    assert large[1] - large[0] < (small[1] - small[0]) / 3
    assert bootstrap_interval(accuracy, *right_share(200, 0.8)) == small


def test_interval_of_a_perfect_figure_is_a_point_and_of_no_rows_undefined():
    y = np.array([0, 1, 2] * 20)
    assert bootstrap_interval(macro_recall, y, y) == (1.0, 1.0)
    assert all(math.isnan(bound) for bound in bootstrap_interval(macro_f1, y[:0], y[:0]))


def rows_and_scores() -> tuple[list[Example], np.ndarray, np.ndarray]:
    rows = ([Example(f"t{i}", "tweeteval", i % 3, False, None) for i in range(300)]
            + [Example(f"c{i}", "complaints", None, False, i % 2) for i in range(200)])
    probs = np.zeros((500, 3))
    probs[np.arange(300), [(i % 3) if i % 4 else (i + 1) % 3 for i in range(300)]] = 0.9  # 3 in 4 right
    probs[:300] += 0.05
    complaint = np.array([0.0] * 300 + [0.8 if i % 2 else 0.2 for i in range(200)])
    return rows, probs, complaint


def test_evaluate_rows_adds_intervals_only_when_asked():
    rows, probs, complaint = rows_and_scores()
    plain = evaluate_rows(rows, probs, complaint)
    measured = evaluate_rows(rows, probs, complaint, intervals=True)
    assert "ci95" not in plain["sentiment"]["tweeteval"]
    low, high = measured["sentiment"]["tweeteval"]["ci95"]
    assert low < measured["sentiment"]["tweeteval"]["macro_recall"] < high
    assert measured["complaint"]["complaints"]["ci95"] == [1.0, 1.0]  # every complaint row right


def test_table_shows_the_interval():
    rows, probs, complaint = rows_and_scores()
    table = format_table(evaluate_rows(rows, probs, complaint, intervals=True))
    assert "95% CI" in table.splitlines()[0]
    tweeteval = next(line for line in table.splitlines() if line.startswith("tweeteval"))
    low, high = evaluate_rows(rows, probs, complaint, intervals=True)["sentiment"]["tweeteval"]["ci95"]
    assert f"{100 * low:.1f}-{100 * high:.1f}" in tweeteval
    assert f"{100 * low:.1f}-" not in format_table(evaluate_rows(rows, probs, complaint))  # not measured: blank


def test_paired_difference_sees_what_two_separate_intervals_cannot():
    y, base = right_share(2000, 0.70)
    better = base.copy()
    better[1400:1440] = y[1400:1440]  # 40 more rows right: +2 points
    change, low, high = paired_bootstrap_difference(accuracy, y, base, better)
    assert change == pytest.approx(0.02)
    assert 0.0 < low < change < high  # paired, the gain is real...
    _, base_high = bootstrap_interval(accuracy, y, base)
    better_low, _ = bootstrap_interval(accuracy, y, better)
    assert better_low < base_high  # ...while the two intervals apart overlap
    assert paired_bootstrap_difference(accuracy, y, base, base) == (0.0, 0.0, 0.0)


def scores_of(rows: list[Example], probs: np.ndarray, complaint: np.ndarray) -> ValidationScores:
    return ValidationScores(rows, probs, complaint, "test")


def test_compare_scores_uses_each_headline_figure_metric():
    rows = ([Example(f"j{i}", "ja_holdout", [0, 0, 0, 2][i % 4], False, None) for i in range(40)]
            + [Example(f"n{i}", "nsmc", 2 * (i % 2), True, None) for i in range(40)]
            + [Example(f"c{i}", "complaints", None, False, i % 2) for i in range(40)])
    truth = np.array([r.sentiment if r.sentiment is not None else 0 for r in rows])
    right = np.eye(3)[truth] * 0.9 + 0.05
    all_negative = np.tile([0.9, 0.05, 0.05], (120, 1))
    complaint = np.array([0.0] * 80 + [float(i % 2) for i in range(40)])
    base = scores_of(rows, right, complaint)
    other = scores_of(rows, all_negative, 1.0 - complaint)
    differences = compare_scores(base, other)
    # Japanese is 3-way but its headline figure is accuracy: all-negative keeps 3 in 4 (macro recall would be 1/2).
    assert differences["ja_holdout_accuracy"][0] == pytest.approx(-0.25)
    assert differences["nsmc_accuracy"][0] == pytest.approx(-0.5)
    assert differences["complaint_macro_f1"][0] == pytest.approx(-1.0)
    assert "tweeteval_macro_recall" not in differences  # no rows of it here
    assert "ja_holdout_accuracy" in format_comparison(differences)
    with pytest.raises(ValueError, match="different rows"):
        compare_scores(base, scores_of(rows[::-1], right, complaint))
