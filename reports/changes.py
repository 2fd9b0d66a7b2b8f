"""What changed: every count and share of the report set against the previous period, each tested, the p-values
Holm-adjusted over all of them, and the few most convincing movements kept."""

from __future__ import annotations

from dataclasses import dataclass

from reports.report import Changes, Movement, TestKind
from reports.stats import ALPHA, holm_adjust, poisson_conditional_p, two_proportion_p

TOP_MOVEMENTS = 8


@dataclass(frozen=True)
class CountPair:
    name: str
    metric: str
    current: int
    previous: int


@dataclass(frozen=True)
class SharePair:
    name: str
    metric: str
    successes: int
    trials: int
    previous_successes: int
    previous_trials: int


def what_changed(counts: list[CountPair], shares: list[SharePair]) -> Changes:
    candidates: list[tuple[str, str, float, float, TestKind, float]] = []
    for count in counts:
        if count.current or count.previous:
            candidates.append((count.name, count.metric, float(count.current), float(count.previous),
                               TestKind.poisson, poisson_conditional_p(count.current, count.previous)))
    for share in shares:
        if share.trials and share.previous_trials:
            candidates.append((share.name, share.metric, share.successes / share.trials,
                               share.previous_successes / share.previous_trials, TestKind.two_proportion,
                               two_proportion_p(share.successes, share.trials, share.previous_successes,
                                                share.previous_trials)))
    adjusted = holm_adjust([candidate[5] for candidate in candidates])
    movements = [Movement(name, metric, current, previous, test, p_value, adjusted_p, adjusted_p < ALPHA)
                 for (name, metric, current, previous, test, p_value), adjusted_p in zip(candidates, adjusted,
                                                                                           strict=True)]
    movements.sort(key=lambda movement: (movement.adjusted_p_value, movement.p_value, -_size(movement)))
    return Changes(ALPHA, f"Holm-Bonferroni over {len(movements)} comparisons", tuple(movements[:TOP_MOVEMENTS]),
                   len(movements))


def _size(movement: Movement) -> float:
    if movement.test is TestKind.two_proportion:
        return abs(movement.change)
    return abs(movement.change) / max(movement.previous, 1.0)
