"""Spike alerts in the product: time to alert on injected bursts, and false alarms on quiet weeks.

The stream is the demo recording (listener/demo/mentions.jsonl) stretched over weeks: its hour-of-day shape of
complaints outside the recorded burst, weekends at 75% of weekdays, Poisson counts per 5-minute bucket, at the
recording's own complaint rate and at 8x and 40x it (a mid-size and a large brand). Each run warms the detector
on four weeks, then:

- quiet: eight more weeks with nothing injected; every alert is a false alarm (reported per month);
- bursts: eight weeks with a delivery-complaint burst every ~34 hours at a random time of day, 2x, 3x or 5x
  the usual rate for 30, 60 or 120 minutes; time to alert is from the burst's first bucket to the alert
  (a burst not alerted before it ends + 30 minutes is missed).

Baseline, measured in the same run on the same streams: a fixed 3-sigma rule over the trailing 24 hours
(what open-source listening tools ship), with the same one-alert-per-crossing rule.

    .venv/bin/python bench/alerts_stream.py [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alerts.detector import DetectorConfig, SpikeDetector

RECORDING = Path(__file__).resolve().parent.parent / "listener" / "demo" / "mentions.jsonl"
BUCKET = timedelta(minutes=5)
PER_DAY = 288
START = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday
WARM_WEEKS, QUIET_WEEKS, BURST_WEEKS = 4, 8, 8
MULTIPLIERS = (2.0, 3.0, 5.0)
DURATIONS = (30, 60, 120)  # minutes
COMPLAINT = ("late", "missing", "refund", "charged", "broken", "crash", "never", "still", "worst", "遅", "届", "안 와",
             "환불")


def hourly_shape() -> tuple[list[float], float]:
    """Relative complaint rate per UTC hour (mean 1) and complaints per hour, from the recording minus its burst."""
    rows = [json.loads(line) for line in RECORDING.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r["created_at"] >= "2026-11-01"]  # the burst week, as measured; October is quieter
    times = [datetime.fromisoformat(r["created_at"].replace("Z", "+00:00")) for r in rows
             if any(word in r["text"].lower() for word in COMPLAINT)]
    burst = (datetime(2026, 11, 5, 14, tzinfo=timezone.utc), datetime(2026, 11, 5, 15, tzinfo=timezone.utc))
    times = [t for t in times if not burst[0] <= t < burst[1]]
    counts = [sum(1 for t in times if t.hour == h) for h in range(24)]
    smooth = [(counts[h - 1] + 2 * counts[h] + counts[(h + 1) % 24]) / 4 + 0.5 for h in range(24)]
    mean = statistics.fmean(smooth)
    return [value / mean for value in smooth], len(times) / (7 * 24)


def rates(shape: list[float], per_hour: float, weeks: int) -> np.ndarray:
    out = np.empty(weeks * 7 * PER_DAY)
    for i in range(out.size):
        at = START + i * BUCKET
        out[i] = per_hour / 12 * shape[at.hour] * (0.75 if at.weekday() >= 5 else 1.0)
    return out


class ThreeSigma:
    """The baseline: alert when a bucket exceeds mean + 3 sd of the trailing 24 hours; once per crossing."""

    def __init__(self) -> None:
        self.history: list[int] = []
        self.above = False

    def observe(self, count: int) -> bool:
        window = self.history[-PER_DAY:]
        self.history.append(count)
        if len(window) < PER_DAY // 2:
            return False
        limit = statistics.fmean(window) + 3 * statistics.pstdev(window)
        fired = count > limit and not self.above
        self.above = count > limit
        return fired


def run_stream(counts: np.ndarray, fresh: Callable[[], Callable[[int, int], bool]]) -> list[int]:
    observe = fresh()
    return [i for i, count in enumerate(counts) if observe(i, int(count))]


def ours() -> Callable[[int, int], bool]:
    detector = SpikeDetector(DetectorConfig(bucket_seconds=300))
    return lambda i, count: detector.observe(START + i * BUCKET, count).alert


def baseline() -> Callable[[int, int], bool]:
    rule = ThreeSigma()
    return lambda _i, count: rule.observe(count)


def measure(per_hour: float, shape: list[float], rng: np.random.Generator,
            fresh: Callable[[], Callable[[int, int], bool]]) -> dict[str, object]:
    warm = WARM_WEEKS * 7 * PER_DAY
    quiet_rates = rates(shape, per_hour, WARM_WEEKS + QUIET_WEEKS)
    quiet_alerts = [i for i in run_stream(rng.poisson(quiet_rates), fresh) if i >= warm]
    burst_rates = rates(shape, per_hour, WARM_WEEKS + BURST_WEEKS)
    bursts, at = [], warm + PER_DAY
    while at + PER_DAY < burst_rates.size:
        start = at + int(rng.integers(0, PER_DAY // 2))
        kind = (MULTIPLIERS[len(bursts) % 3], DURATIONS[(len(bursts) // 3) % 3])
        burst_rates[start:start + kind[1] // 5] *= kind[0]
        bursts.append((start, kind))
        at = start + int(PER_DAY * 1.4)
    alerts = run_stream(rng.poisson(burst_rates), fresh)
    delays: dict[float, list[float]] = {m: [] for m in MULTIPLIERS}
    for start, (multiplier, minutes) in bursts:
        hit = next((i for i in alerts if start <= i <= start + (minutes + 30) // 5), None)
        delays[multiplier].append(math.inf if hit is None else (hit - start + 1) * 5.0)
    months = QUIET_WEEKS * 7 / 30.4
    return {"false_alarms_per_month": len(quiet_alerts) / months, "delays": delays}


def _summary(values: list[float]) -> str:
    caught = sorted(v for v in values if v != math.inf)
    if not caught:
        return f"caught 0/{len(values)}"
    ordered = sorted(values)
    median = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    show = lambda v: "missed" if v == math.inf else f"{v:.0f} min"  # noqa: E731
    return f"caught {len(caught)}/{len(values)}, median {show(median)}, p95 {show(p95)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    shape, recorded = hourly_shape()
    print(f"recording: {recorded:.2f} complaints/hour outside its burst; busiest hour x{max(shape):.1f} the mean")
    brands = ((1, "the demo brand"), (8, "a mid-size brand"), (40, "a large brand"), (200, "a very large brand"))
    for factor, label in brands:
        per_hour = recorded * factor
        print(f"\n{label}: {per_hour:.1f} negative mentions/hour on average")
        results = {}
        for name, fresh in (("ours", ours), ("3-sigma", baseline)):
            results[name] = measure(per_hour, shape, np.random.default_rng(args.seed), fresh)
            delays = results[name]["delays"]
            assert isinstance(delays, dict)
            print(f"  {name:8s} false alarms/month on quiet weeks: {results[name]['false_alarms_per_month']:.2f}")
            for multiplier in MULTIPLIERS:
                print(f"  {name:8s} {multiplier:.0f}x bursts: {_summary(delays[multiplier])}")
        ours_fa, base_fa = (float(str(results[n]["false_alarms_per_month"])) for n in ("ours", "3-sigma"))
        if ours_fa > 0:
            print(f"  ratio of false alarms, 3-sigma / ours: {base_fa / ours_fa:.1f}")
        else:
            print(f"  ratio of false alarms, 3-sigma / ours: ours had none ({base_fa:.1f}/month for 3-sigma)")


if __name__ == "__main__":
    main()
