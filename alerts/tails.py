"""Upper tails for count data and the level a score passes at a given rate: the statistics the spike detector
tests each bucket with (alerts/detector.py; why these, with the measurements, in docs/detector.md)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

MIN_SCORES = 24  # a tail fit needs at least a day of hourly maxima
TAIL_SHARE = 0.1  # the fit's peaks over threshold: the top tenth


def nb_upper_tail(observed: float, mean: float, alpha: float) -> float:
    """P(X >= observed) for a negative binomial with this mean and variance mean + alpha*mean^2."""
    return math.exp(nb_log_tail(observed, mean, alpha))


def nb_log_tail(observed: float, mean: float, alpha: float) -> float:
    """The natural log of P(X >= observed), the negative binomial above: in logs, because a burst of hundreds
    against an expected one is far beyond what a float holds (1e-308), and scores must still rank such bursts."""
    k = math.ceil(observed)
    mean = max(mean, 1e-9)
    if k <= mean:
        return 0.0  # at or below the mean: not a spike, and the exact value (about 0.5) does not matter
    if alpha <= 1e-9:  # Poisson: sum the tail's terms (they fall fast once past the mean)
        log_term = k * math.log(mean) - mean - math.lgamma(k + 1)
        term, total, j = 1.0, 1.0, k
        while term > 1e-12 * total and j < k + 100_000:
            term *= mean / (j + 1)
            total += term
            j += 1
        return min(0.0, log_term + math.log(total))
    # P(X >= k) = I_q(k, r), the regularised incomplete beta function, by its continued fraction
    # (Numerical Recipes 6.4): a few dozen steps even at thousands per bucket, where summing terms takes thousands.
    r = 1.0 / alpha
    q = mean / (r + mean)
    log_front = math.lgamma(k + r) - math.lgamma(k) - math.lgamma(r) + k * math.log(q) + r * math.log1p(-q)
    if q < (k + 1.0) / (k + r + 2.0):
        return min(0.0, log_front + math.log(_beta_fraction(k, r, q) / k))
    return math.log(max(1.0 - math.exp(log_front) * _beta_fraction(r, k, 1.0 - q) / r, 1e-300))


def binomial_log_tail(n: int, k: int, log_q: float) -> float:
    """The log of P(at least k of n independent events), from the log of their probability: q can be 1e-1000."""
    if k <= 0 or math.exp(log_q) >= 1.0:
        return 0.0
    if log_q == -math.inf:
        return -math.inf
    log_rest = math.log1p(-math.exp(log_q))
    logs = [math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * log_q + (n - j) * log_rest
            for j in range(k, n + 1)]
    top = max(logs)
    return min(0.0, top + math.log(sum(math.exp(value - top) for value in logs)))


def median_log_tail(counts: Sequence[float], mean: float, alpha: float) -> float:
    """The log of P(half of these buckets or more reach the median observed), each bucket negative binomial with
    this mean: the order-statistic test. A burst shorter than half the window does not move it at all."""
    rank = len(counts) // 2
    middle = sorted(counts, reverse=True)[rank - 1]
    return binomial_log_tail(len(counts), rank, nb_log_tail(middle, mean, alpha))


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function, evaluated by Lentz's method."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    fraction = d
    for m in range(1, 10_000):
        for numerator in (m * (b - m) * x / ((a - 1.0 + 2 * m) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 1.0 + 2 * m))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            fraction *= d * c
        if abs(d * c - 1.0) < 1e-13:
            break
    return fraction


def tail_limit(scores: Sequence[float], probability: float) -> float | None:
    """The score exceeded with this probability per bucket, from a generalised Pareto fit to the top tenth (TAIL_SHARE)
    of past scores (peaks over threshold, as in SPOT: Siffer et al., KDD 2017); None on short history."""
    if len(scores) < MIN_SCORES:
        return None
    ordered = sorted(scores)
    # Never below the score that history itself exceeded at this rate (or its maximum, on short history).
    observed = ordered[-max(1, int(probability * len(ordered)))]
    fitted = _pareto_limit(ordered, probability)
    return observed if fitted is None else max(observed, fitted)


def _pareto_limit(ordered: Sequence[float], probability: float) -> float | None:
    base = ordered[int(len(ordered) * (1 - TAIL_SHARE))]
    excess = [value - base for value in ordered if value > base]
    fitted = pareto_fit(excess) if len(excess) >= 5 else None
    if fitted is None:
        return base
    xi, sigma = fitted
    ratio = probability * len(ordered) / len(excess)
    if abs(xi) < 1e-6:
        return base - sigma * math.log(ratio)
    return base + sigma / xi * (ratio ** (-xi) - 1.0)


def pareto_fit(excess: Sequence[float]) -> tuple[float, float] | None:
    """The shape (xi) and scale (sigma) of a generalised Pareto law fitted to these excesses by probability-weighted
    moments (Hosking & Wallis, Technometrics 1987); None when they have no spread. Not the method of moments, which
    reads the heavy tails of a few dozen excesses (a month of hourly maxima gives 73) as too light: its shape is
    biased low, so its once-a-month level sat low and paged (docs/detector.md, "Heavy tails")."""
    ordered = sorted(excess)
    n = len(ordered)
    if n < 2 or ordered[0] == ordered[-1]:
        return None
    first = statistics.fmean(ordered)
    # The first probability-weighted moment, E[X (1 - F(X))], with the plotting position (i - 0.35) / n.
    second = sum((1.0 - (i + 0.65) / n) * value for i, value in enumerate(ordered)) / n
    if first <= 0 or second <= 0 or first - 2.0 * second <= 0:
        return None
    return 2.0 - first / (first - 2.0 * second), 2.0 * first * second / (first - 2.0 * second)
