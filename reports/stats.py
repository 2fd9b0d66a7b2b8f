"""The tests behind "what changed": is a movement against the previous period beyond noise?

Counts over two periods of equal length are compared as Poisson counts by the conditional (exact) test: given
k1 + k2 events, k1 is Binomial(k1 + k2, 1/2) when both periods have the same rate. Shares use the two-sided
two-proportion z test with pooled variance. Many movements are tested at once, so p-values are Holm-adjusted."""

from __future__ import annotations

import math
from collections.abc import Sequence

ALPHA = 0.05
_NEGLIGIBLE = 1e-17


def poisson_conditional_p(current: int, previous: int) -> float:
    """Two-sided p-value of the exact conditional test of two Poisson counts over equal exposures."""
    total = current + previous
    if total == 0:
        return 1.0
    tail = _binomial_half_cdf(min(current, previous), total)
    return min(1.0, 2.0 * tail)


def _binomial_half_cdf(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2) with k <= n / 2, summed from k down until the terms stop mattering."""
    log_half_n = n * math.log(0.5)
    total, term_index = 0.0, k
    while term_index >= 0:
        term = math.exp(math.lgamma(n + 1) - math.lgamma(term_index + 1) - math.lgamma(n - term_index + 1)
                        + log_half_n)
        total += term
        if term < _NEGLIGIBLE * total:
            break
        term_index -= 1
    return total


def two_proportion_p(successes1: int, trials1: int, successes2: int, trials2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z test; 1.0 when either side has no trials or the pooled
    share is 0 or 1 (no variance: nothing to tell apart)."""
    if trials1 == 0 or trials2 == 0:
        return 1.0
    pooled = (successes1 + successes2) / (trials1 + trials2)
    variance = pooled * (1.0 - pooled) * (1.0 / trials1 + 1.0 / trials2)
    if variance <= 0.0:
        return 1.0
    z = (successes1 / trials1 - successes2 / trials2) / math.sqrt(variance)
    return math.erfc(abs(z) / math.sqrt(2.0))


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the input's order (reject where adjusted < alpha)."""
    order = sorted(range(len(p_values)), key=lambda index: p_values[index])
    adjusted = [1.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted
