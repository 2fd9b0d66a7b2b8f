"""Is this hour's count of negative mentions a spike against comparable past hours?

A Poisson upper-tail test with a stated false-alarm rate: under the baseline rate, an alert fires in at
most `false_alarm_rate` of ordinary hours. The baseline comes from the same hour of the week in earlier
weeks (seasonality), is floored so that a near-silent history cannot make one complaint an alarm, and a
minimum count keeps low-volume brands from paging on two posts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_FALSE_ALARM_RATE = 0.001
MIN_COUNT = 5
RATE_FLOOR = 0.5


@dataclass(frozen=True)
class SpikeDecision:
    observed: int
    expected: float
    p_value: float
    alert: bool


def poisson_upper_tail(observed: int, rate: float) -> float:
    """P(X >= observed) for X ~ Poisson(rate), summed in log space so large counts do not overflow."""
    if observed <= 0:
        return 1.0
    log_terms = [k * math.log(rate) - rate - math.lgamma(k + 1) for k in range(observed)]
    peak = max(log_terms)
    below = math.exp(peak) * sum(math.exp(term - peak) for term in log_terms)
    return max(0.0, min(1.0, 1.0 - below))


def negative_spike(observed: int, baseline: Sequence[int], *, false_alarm_rate: float = DEFAULT_FALSE_ALARM_RATE,
                   min_count: int = MIN_COUNT) -> SpikeDecision:
    if not 0 < false_alarm_rate < 1:
        raise ValueError("false_alarm_rate must be between 0 and 1")
    expected = max(RATE_FLOOR, sum(baseline) / len(baseline)) if baseline else RATE_FLOOR
    p_value = poisson_upper_tail(observed, expected)
    return SpikeDecision(observed=observed, expected=expected, p_value=p_value,
                         alert=observed >= min_count and p_value < false_alarm_rate)
