"""The complaint head's cross-validation: every measured row is scored by a head that never saw it."""

from __future__ import annotations

import numpy as np

from sentiment import complaint_cv
from sentiment.datasets import Example


def rows_and_vectors(n_measured: int, n_other: int, seed: int = 0) -> tuple[list[Example], np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n_measured + n_other)
    x = rng.normal(size=(len(labels), 8)).astype(np.float32)
    x[:, 0] += 3.0 * (2 * labels - 1)  # one informative direction
    rows = [Example(f"t{i}", "complaints" if i < n_measured else "kote", None, False, int(y))
            for i, y in enumerate(labels)]
    return rows, x


def test_out_of_fold_logits_separate_the_classes() -> None:
    rows, x = rows_and_vectors(200, 100)
    head, out_of_fold = complaint_cv.cross_validate(x, rows, 200, seed=13)
    y = np.array([r.complaint for r in rows[:200]])
    assert out_of_fold.shape == (200,) and ((out_of_fold > 0) == y).mean() > 0.95
    assert head.linear.weight.shape == (1, 8)


def test_a_measured_row_is_never_in_its_own_head() -> None:
    rows, x = rows_and_vectors(50, 20)
    x[7] = 0.0
    x[7, 0] = 1000.0  # an outlier the head would memorise, labelled against the direction
    rows[7] = Example("t7", "complaints", None, False, 0)
    _, out_of_fold = complaint_cv.cross_validate(x, rows, 50, seed=13)
    assert out_of_fold[7] > 0  # scored by heads fitted without it: called a complaint, though labelled not


def test_balanced_weights_balance_classes_within_each_dataset() -> None:
    rows = [Example(f"a{i}", "a", None, False, int(i < 3)) for i in range(12)]
    rows += [Example(f"b{i}", "b", None, False, i % 2) for i in range(4)]
    y = np.array([r.complaint for r in rows])
    w = complaint_cv.balanced_weights(rows, y)
    a, b = np.arange(12), np.arange(12, 16)
    assert np.isclose(w[a][y[a] == 1].sum(), w[a][y[a] == 0].sum())
    assert np.isclose(w[a].sum() / w[b].sum(), np.sqrt(12) / np.sqrt(4))  # larger sets count by sqrt(size)
