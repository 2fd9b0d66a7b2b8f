import math
import random

import pytest

from alerts.detection import negative_spike, poisson_upper_tail


def test_the_poisson_tail_matches_the_closed_form() -> None:
    assert poisson_upper_tail(0, 3.0) == 1.0
    assert poisson_upper_tail(1, 3.0) == pytest.approx(1 - math.exp(-3.0))
    assert poisson_upper_tail(400, 100.0) < 1e-12


def test_a_burst_against_a_quiet_baseline_alerts() -> None:
    decision = negative_spike(40, [3, 2, 4, 3, 5, 2, 3])
    assert decision.alert and decision.p_value < 1e-10


def test_low_counts_never_page_even_against_a_silent_history() -> None:
    assert not negative_spike(3, [0, 0, 0, 0]).alert
    assert not negative_spike(0, []).alert


def test_the_false_alarm_rate_holds_on_ordinary_hours() -> None:
    rng = random.Random(7)
    rate, hours = 12.0, 20_000

    def poisson(lam: float) -> int:
        threshold, k, product = math.exp(-lam), 0, rng.random()
        while product > threshold:
            k += 1
            product *= rng.random()
        return k

    alarms = sum(negative_spike(poisson(rate), [12] * 8, false_alarm_rate=0.001).alert for _ in range(hours))
    assert alarms / hours <= 0.002


def test_an_impossible_false_alarm_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        negative_spike(10, [1], false_alarm_rate=0)
