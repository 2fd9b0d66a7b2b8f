"""The tests behind "what changed", against values scipy gives."""

from __future__ import annotations

import pytest

from reports.changes import CountPair, SharePair, what_changed
from reports.report import TestKind
from reports.stats import holm_adjust, poisson_conditional_p, two_proportion_p


def test_poisson_conditional_test() -> None:
    assert poisson_conditional_p(30, 10) == pytest.approx(0.0022214, rel=1e-4)  # scipy binomtest(10, 40)
    assert poisson_conditional_p(10, 30) == poisson_conditional_p(30, 10)
    assert poisson_conditional_p(5, 5) == 1.0 and poisson_conditional_p(0, 0) == 1.0
    assert poisson_conditional_p(0, 7) == pytest.approx(2 * 0.5 ** 7)
    assert poisson_conditional_p(120_000, 119_000) == pytest.approx(0.0410, abs=5e-4)


def test_two_proportion_test_and_holm() -> None:
    assert two_proportion_p(30, 100, 20, 100) == pytest.approx(0.10247, rel=1e-4)
    assert two_proportion_p(0, 10, 0, 10) == 1.0 and two_proportion_p(1, 0, 1, 2) == 1.0
    assert holm_adjust([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


def test_movements_are_ranked_and_flagged_after_correction() -> None:
    changes = what_changed([CountPair("Mentions", "mentions", 300, 100), CountPair("Complaints", "complaints", 6, 5)],
                           [SharePair("Response rate", "share:response_rate", 45, 50, 44, 50)])
    assert changes.tested == 3 and changes.correction == "Holm-Bonferroni over 3 comparisons"
    first = changes.movements[0]
    assert (first.metric, first.test, first.beyond_noise) == ("mentions", TestKind.poisson, True)
    assert not any(movement.beyond_noise for movement in changes.movements[1:])
