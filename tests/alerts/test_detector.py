"""The streaming spike detector on synthetic count series whose truth is known."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from alerts.detector import (
    SCORE_HISTORY,
    Decision,
    DetectorConfig,
    DetectorState,
    SpikeDetector,
)

MONDAY = datetime(2026, 1, 5, tzinfo=timezone.utc)
FIVE_MINUTES = DetectorConfig(bucket_seconds=300)
HOURLY = DetectorConfig(bucket_seconds=3600)


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method in pieces so that large rates do not underflow.
    count, remaining = 0, lam
    while remaining > 0:
        step = min(remaining, 30.0)
        remaining -= step
        threshold, product = math.exp(-step), rng.random()
        while product > threshold:
            count += 1
            product *= rng.random()
    return count


def rhythm(at: datetime) -> float:
    """Busy afternoons, quiet nights, quieter weekends: the shape of mention traffic."""
    daily = 1.0 + 0.8 * math.sin((at.hour + at.minute / 60 - 9) / 24 * 2 * math.pi)
    return daily * (0.6 if at.weekday() >= 5 else 1.0)


def feeder(detector: SpikeDetector, start: datetime) -> Callable[[list[int]], list[Decision]]:
    """Feeds given counts to the detector bucket after bucket from `start`, carrying on where the last call ended."""
    at = start

    def feed(counts: list[int]) -> list[Decision]:
        nonlocal at
        decisions = []
        for count in counts:
            decisions.append(detector.observe(at, count))
            at += timedelta(seconds=detector.config.bucket_seconds)
        return decisions

    return feed


def run(detector: SpikeDetector, start: datetime, buckets: int, rate: Callable[[datetime], float],
        rng: random.Random) -> list[Decision]:
    step = timedelta(seconds=detector.config.bucket_seconds)
    return [detector.observe(start + i * step, _poisson(rng, rate(start + i * step))) for i in range(buckets)]


def test_a_brand_with_three_an_hour_is_not_paged_for_seven() -> None:
    rng = random.Random(3)
    detector = SpikeDetector(HOURLY)
    run(detector, MONDAY, 24 * 21, lambda _: 3.0, rng)
    decision = detector.observe(MONDAY + timedelta(hours=24 * 21), 7)
    assert 2.0 < decision.expected < 4.0
    assert not decision.alert and decision.p_value > 0.001
    assert detector.observe(MONDAY + timedelta(hours=24 * 21 + 1), 30).alert


def test_a_burst_far_beyond_a_float_s_range_gets_a_score_that_still_ranks_it() -> None:
    small, large = SpikeDetector(FIVE_MINUTES), SpikeDetector(FIVE_MINUTES)
    for detector in (small, large):
        run(detector, MONDAY, 288 * 7, lambda _: 0.5, random.Random(4))
    at = MONDAY + timedelta(days=7)
    first, second = small.observe(at, 800), large.observe(at, 3000)
    assert first.alert and second.alert
    assert 300 < first.score < second.score and math.isfinite(second.score)
    assert second.p_value == 0.0  # the float underflows; the score does not
    assert json.loads(json.dumps(large.state.to_json(), allow_nan=False))


def test_a_tripled_rate_is_alerted_within_minutes_on_a_rhythmic_stream() -> None:
    rng = random.Random(11)
    detector = SpikeDetector(FIVE_MINUTES)
    base = 2.0  # negative mentions per 5 minutes at an average hour
    history = run(detector, MONDAY, 288 * 14, lambda at: base * rhythm(at), rng)
    burst_start = MONDAY + timedelta(days=14, hours=14)
    gap = run(detector, MONDAY + timedelta(days=14), 14 * 12, lambda at: base * rhythm(at), rng)
    burst = run(detector, burst_start, 12, lambda at: 3 * base * rhythm(at), rng)
    assert sum(d.alert for d in gap) <= 1
    first = next(i for i, d in enumerate(burst) if d.alert)
    assert first <= 3, f"alerted after {first + 1} buckets"
    assert sum(d.alert for d in history[288:]) <= 1


def test_a_quiet_month_raises_at_most_a_couple_of_alerts() -> None:
    rng = random.Random(5)
    detector = SpikeDetector(FIVE_MINUTES)
    decisions = run(detector, MONDAY, 288 * 30, lambda at: 4.0 * rhythm(at), rng)
    assert sum(d.alert for d in decisions[288:]) <= 2


def test_at_low_counts_the_expected_value_is_not_biased_low() -> None:
    # At 3 mentions an hour most buckets are 0: trimming the largest ratios (the old level) expected 0.19 here,
    # and an expectation a quarter too low is what made quiet weeks page 2.7 times a month.
    rng = random.Random(7)
    decisions = run(SpikeDetector(FIVE_MINUTES), MONDAY, 288 * 14, lambda _: 0.25, rng)
    mean_expected = sum(d.expected for d in decisions[-288:]) / 288
    assert 0.22 < mean_expected < 0.3
    assert not any(d.alert for d in decisions[288:])


def test_one_incident_is_one_alert_and_it_closes_when_the_burst_ends() -> None:
    rng = random.Random(2)
    detector = SpikeDetector(FIVE_MINUTES)
    run(detector, MONDAY, 288 * 7, lambda _: 5.0, rng)
    burst = run(detector, MONDAY + timedelta(days=7), 24, lambda _: 25.0, rng)
    after = run(detector, MONDAY + timedelta(days=7, hours=2), 24, lambda _: 5.0, rng)
    assert sum(d.alert for d in burst) == 1
    assert burst[-1].in_incident and not after[-1].in_incident and not any(d.alert for d in after)


def test_in_the_cooldown_a_second_wave_is_quiet_but_an_escalation_alerts() -> None:
    rng = random.Random(6)
    detector = SpikeDetector(FIVE_MINUTES)
    run(detector, MONDAY, 288 * 7, lambda _: 5.0, rng)
    feed = feeder(detector, MONDAY + timedelta(days=7))

    first = feed([25] * 6)
    calm = feed([_poisson(rng, 5.0) for _ in range(36)])
    second = feed([20] * 6)  # three hours later, no bigger than the first: the same story
    feed([_poisson(rng, 5.0) for _ in range(36)])
    bigger = feed([80] * 6)  # still within the cooldown, but far beyond anything seen in the incident
    assert sum(d.alert for d in first) == 1 and not calm[-1].in_incident
    assert not any(d.alert for d in second)
    assert any(d.alert for d in bigger)


def test_in_the_cooldown_a_one_bucket_blip_is_quiet_even_beyond_the_peak_but_a_sustained_rise_alerts() -> None:
    rng = random.Random(6)
    detector = SpikeDetector(FIVE_MINUTES)
    run(detector, MONDAY, 288 * 7, lambda _: 5.0, rng)
    feed = feeder(detector, MONDAY + timedelta(days=7))

    first = feed([25, 25] + [_poisson(rng, 5.0) for _ in range(40)])
    peak = detector.state.incident_peak
    blip = feed([60] + [_poisson(rng, 5.0) for _ in range(35)])  # a retweet storm: one bucket, beyond the peak
    sustained = feed([40] * 6)  # a rate that stays up, still within the cooldown
    assert sum(d.alert for d in first) == 1 and not first[-1].in_incident
    assert -math.log10(blip[0].p_value) > peak and not any(d.alert for d in blip)
    assert any(d.alert for d in sustained)


def test_a_one_bucket_blip_raises_the_tail_guard_but_a_sustained_incident_does_not() -> None:
    maxima = []
    for pattern in ([60], [25] * 6):
        rng = random.Random(6)
        detector = SpikeDetector(FIVE_MINUTES)
        run(detector, MONDAY, 288 * 7, lambda _: 5.0, rng)
        counts = pattern + [_poisson(rng, 5.0) for _ in range(36)]
        start = MONDAY + timedelta(days=7)
        decisions = [detector.observe(start + i * timedelta(minutes=5), count) for i, count in enumerate(counts)]
        assert sum(d.alert for d in decisions) == 1 and not decisions[-1].in_incident
        maxima.append(max(detector.state.scores))
    assert maxima[0] > 20 > 5 > maxima[1]  # the blip's peak is in the guard's history; the burst's is not


def test_the_tail_guard_remembers_a_blip_for_a_month_and_no_longer() -> None:
    rng = random.Random(3)
    detector = SpikeDetector(HOURLY)
    run(detector, MONDAY, 24 * 7, lambda _: 20.0, rng)
    feed = feeder(detector, MONDAY + timedelta(days=7))
    assert sum(d.alert for d in feed([120] + [_poisson(rng, 20.0) for _ in range(11)])) == 1
    peak = max(detector.state.scores)
    feed([_poisson(rng, 20.0) for _ in range(24 * 21)])
    assert max(detector.state.scores) == peak  # three weeks on, the blip still sets the bar
    feed([_poisson(rng, 20.0) for _ in range(24 * 10)])
    assert len(detector.state.scores) == SCORE_HISTORY == round(30.4 * 24)
    assert max(detector.state.scores) < peak


def _series_with_daily_bot_spikes(seed: int) -> tuple[random.Random, Callable[[list[int]], list[Decision]]]:
    """Eight days at 10 a bucket with four one-bucket spikes of 150 a day: they teach the window sums' guard."""
    rng = random.Random(seed)
    detector = SpikeDetector(FIVE_MINUTES)
    feed = feeder(detector, MONDAY)
    for _ in range(8):
        counts = [_poisson(rng, 10.0) for _ in range(288)]
        for _ in range(4):
            counts[rng.randrange(288)] = 150
        feed(counts)
    return rng, feed


@pytest.mark.parametrize("seed", [0, 3])
def test_a_sustained_doubling_is_alerted_though_one_bucket_spikes_raised_the_guard(seed: int) -> None:
    rng, feed = _series_with_daily_bot_spikes(seed)
    rise = feed([_poisson(rng, 25.0) for _ in range(36)])
    alerts = [i for i, decision in enumerate(rise) if decision.alert]
    assert len(alerts) == 1 and 11 <= alerts[0] <= 18  # once half of the 2-hour window is up
    assert rise[alerts[0]].scale == 24


def test_the_tail_guard_stands_aside_where_the_count_model_fits_and_applies_where_blips_pass_it() -> None:
    threshold = -math.log10(FIVE_MINUTES.p_threshold)
    poisson = SpikeDetector(FIVE_MINUTES)
    run(poisson, MONDAY, 288 * 31, lambda at: 4.0 * rhythm(at), random.Random(9))
    assert len(poisson.state.scores) == SCORE_HISTORY and poisson.state.score_limit is None
    assert sum(score > threshold for score in poisson.state.scores) <= 2  # within the budget's Poisson noise

    rng = random.Random(0)
    bots = SpikeDetector(FIVE_MINUTES)
    feed = feeder(bots, MONDAY)
    for _ in range(8):  # four one-bucket bot spikes a day: blips, and each joins the guard's history
        counts = [_poisson(rng, 10.0) for _ in range(288)]
        for _ in range(4):
            counts[rng.randrange(288)] = 150
        feed(counts)
    assert sum(score > threshold for score in bots.state.scores) >= 4
    assert bots.state.score_limit is not None and bots.state.score_limit > threshold


def test_a_sustained_rise_short_of_a_doubling_is_not_a_spike() -> None:
    rng, feed = _series_with_daily_bot_spikes(0)
    assert not any(decision.alert for decision in feed([_poisson(rng, 16.0) for _ in range(36)]))


def test_a_past_spike_does_not_raise_next_week_s_baseline() -> None:
    rng = random.Random(4)
    detector = SpikeDetector(HOURLY)
    rate = lambda at: 20.0 * rhythm(at)  # noqa: E731
    run(detector, MONDAY, 24 * 7 * 3, rate, rng)
    spike_at = MONDAY + timedelta(weeks=3, hours=15)
    run(detector, MONDAY + timedelta(weeks=3), 15, rate, rng)
    # Seen as a spike (whether it pages depends on the cooldown: an in-budget false alarm came 6 hours before).
    assert detector.observe(spike_at, 400).score > 100
    run(detector, spike_at + timedelta(hours=1), 24 * 7 - 1, rate, rng)
    same_hour = detector.observe(spike_at + timedelta(weeks=1), 20)
    assert same_hour.expected < 2 * 20.0 * rhythm(spike_at)


def test_an_incident_building_for_hours_does_not_lift_what_it_is_judged_against() -> None:
    rng = random.Random(12)
    detector = SpikeDetector(FIVE_MINUTES)
    run(detector, MONDAY, 288 * 7, lambda _: 10.0, rng)
    start = MONDAY + timedelta(days=7)
    ramp = run(detector, start, 36, lambda at: 10.0 * (1 + 9 * (at - start).total_seconds() / 10800), rng)
    assert sum(d.alert for d in ramp) == 1 and ramp[-1].in_incident
    assert ramp[-1].expected < 11.0  # the unusual buckets stay out of the level (trimming let it reach 13)


def test_after_a_lasting_level_shift_it_re_arms_on_the_new_level() -> None:
    rng = random.Random(8)
    detector = SpikeDetector(FIVE_MINUTES)
    run(detector, MONDAY, 288 * 7, lambda _: 10.0, rng)
    shifted = run(detector, MONDAY + timedelta(days=7), 288, lambda _: 30.0, rng)
    assert sum(d.alert for d in shifted) <= 1
    assert not shifted[-1].in_incident and shifted[-1].expected > 20
    spike = run(detector, MONDAY + timedelta(days=8), 6, lambda _: 120.0, rng)
    assert any(d.alert for d in spike)


def test_the_state_round_trips_through_json_and_resumes_identically() -> None:
    rng = random.Random(9)
    counts = [_poisson(rng, 6.0) for _ in range(600)] + [40, 45, 50] + [_poisson(rng, 6.0) for _ in range(50)]
    step = timedelta(minutes=5)
    whole = SpikeDetector(FIVE_MINUTES)
    expected = [whole.observe(MONDAY + i * step, c) for i, c in enumerate(counts)]
    first = SpikeDetector(FIVE_MINUTES)
    for i, c in enumerate(counts[:550]):
        first.observe(MONDAY + i * step, c)
    restored = SpikeDetector(FIVE_MINUTES, DetectorState.from_json(json.loads(json.dumps(first.state.to_json()))))
    resumed = [restored.observe(MONDAY + i * step, c) for i, c in enumerate(counts) if i >= 550]
    assert resumed == expected[550:]
    assert any(d.alert for d in resumed)


def test_a_state_saved_before_the_order_statistic_existed_still_loads() -> None:
    detector = SpikeDetector(FIVE_MINUTES)
    run(detector, MONDAY, 600, lambda _: 6.0, random.Random(2))
    saved = {key: value for key, value in detector.state.to_json().items() if not key.startswith("median")}
    restored = SpikeDetector(FIVE_MINUTES, DetectorState.from_json(saved))
    assert restored.state.median_scores == [] and restored.state.median_limit is None
    decisions = [restored.observe(MONDAY + (600 + i) * timedelta(minutes=5), 6) for i in range(12)]
    assert not any(d.alert for d in decisions) and len(restored.state.median_scores) == 1  # an hour went by


def test_missing_buckets_count_as_zero_and_a_return_to_normal_is_no_spike() -> None:
    detector = SpikeDetector(HOURLY)
    for hour in range(48):
        detector.observe(MONDAY + timedelta(hours=hour), 10)
    decision = detector.observe(MONDAY + timedelta(hours=60), 10)
    assert not decision.alert and len(detector.state.recent) == 61
    assert detector.state.recent[-2][0] == 0.0


def test_settings_that_make_no_sense_are_refused() -> None:
    with pytest.raises(ValueError, match="divide an hour"):
        DetectorConfig(bucket_seconds=7 * 60)
    with pytest.raises(ValueError, match="positive"):
        DetectorConfig(false_alarms_per_month=0)
    assert DetectorConfig(false_alarms_per_month=2).p_threshold == pytest.approx(2 * DetectorConfig().p_threshold)
