"""The complaint head on an encoder that never saw the English complaint set, and its figure by cross-validation.

Where the encoder's training never saw the complaint set (Preotiuc-Pietro et al., 2019), it can be measured by
cross-validation at the cost of refitting a linear head: each of ``FOLDS`` folds is scored by a head fitted on the
other folds plus every other complaint-labelled row (KOTE's sample, the project's own sets). ``earful eval`` does
this for such a model (a hub model, or one saved before the complaint stage); the default model's encoder was tuned
on the set, so its figure comes from complaint_tuning, which uses the same folds (``fold_of``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sentiment import corpora, datasets
from sentiment.datasets import Example
from sentiment.written_sets import written_examples

if TYPE_CHECKING:
    from sentiment.heads import LinearHead

FOLDS = 5
L2 = 0.1  # the initial heads' strength (train.INITIAL_L2): not searched here, the figure is measured, not tuned
STEPS = 300


def balanced_weights(rows: list[Example], y: np.ndarray) -> np.ndarray:
    """Classes balanced within a dataset; datasets weighted by sqrt(size) so small ones still count."""
    names = np.array([r.dataset for r in rows])
    w = np.zeros(len(rows), dtype=np.float32)
    for name in np.unique(names):
        in_d = names == name
        classes = np.unique(y[in_d])
        for c in classes:
            sel = in_d & (y == c)
            w[sel] = np.sqrt(in_d.sum()) / (len(classes) * sel.sum())
    return w


def other_complaint_rows(data_dir: Path, recipe: corpora.Recipe) -> list[Example]:
    """The complaint-labelled training rows besides the complaint set: KOTE's draw and the written sets."""
    return [r for r in corpora.sample(data_dir, recipe)["train"] + written_examples() if r.complaint is not None]


def measured_rows(data_dir: Path, recipe: corpora.Recipe) -> tuple[list[Example], int]:
    """The complaint set first, then the other complaint rows; and how many of them are measured."""
    measured = datasets.complaints(data_dir)
    return measured + other_complaint_rows(data_dir, recipe), len(measured)


def fold_of(n_measured: int, seed: int) -> np.ndarray:
    """Each measured row's fold (0 .. FOLDS-1), the same for a seed wherever the set is cross-validated."""
    return np.random.default_rng(seed).permutation(n_measured) % FOLDS


def cross_validate(x: np.ndarray, rows: list[Example], n_measured: int, seed: int) -> tuple[LinearHead, np.ndarray]:
    """(the head fitted on every row, the out-of-fold logits of the first ``n_measured`` rows)."""
    from sentiment.heads import fit_head, logits_of

    y = np.array([r.complaint for r in rows], dtype=np.int64)
    w = balanced_weights(rows, y)
    fold = np.full(len(rows), -1)
    fold[:n_measured] = fold_of(n_measured, seed)
    out_of_fold = np.zeros(n_measured, dtype=np.float32)
    for k in range(FOLDS):
        keep, scored = fold != k, fold[:n_measured] == k
        head = fit_head(x[keep], y[keep], w[keep], None, 1, L2, steps=STEPS, seed=seed)
        out_of_fold[scored] = logits_of(head, x[:n_measured][scored])[:, 0]
    return fit_complaint_head(x, rows, seed), out_of_fold


def fit_complaint_head(x: np.ndarray, rows: list[Example], seed: int) -> LinearHead:
    """The complaint head on embeddings ``x`` of ``rows``: classes balanced per data set, this module's L2 and steps."""
    from sentiment.heads import fit_head

    y = np.array([r.complaint for r in rows], dtype=np.int64)
    return fit_head(x, y, balanced_weights(rows, y), None, 1, L2, steps=STEPS, seed=seed)
