"""A streaming spike detector for counts per bucket (5 minutes or 1 hour), with state kept as JSON.

Why this method, not a fixed 3-sigma, a Poisson test or a plain CUSUM (the measurements behind each choice, and
the variants measured and dropped, are in docs/detector.md):

- **Counts are overdispersed**, so a bucket is tested by the negative-binomial upper tail (Farrington et al.
  1996; Noufaily et al. 2013), with the dispersion estimated from the series' ordinary buckets. At low counts it
  is the Poisson tail, which is exact there: 7 against an expected 3 is p = 0.03, far from paging.
- **Expected value**: the same hour of the week over past weeks (median), else the same hour of the day, times a
  level from the last 12 hours (counts winsorised, unusual buckets left out until they are most of the window).
  Past spikes never lift the baseline, and a lasting shift re-arms the detector within hours, where a CUSUM on a
  fixed baseline alerts for days.
- **Several time scales** (1 to 24 buckets summed): a sharp burst is seen in its first bucket, a slow build
  within the hour.
- **Heavy tails**: real traffic spikes more often than any count model says, so a bucket must also beat the
  score its own history passes about once a month: a generalised-Pareto fit (SPOT, Siffer et al. 2017; by
  probability-weighted moments) to a month of hourly maxima of ordinary buckets. Incidents stay out of that
  history, so one alert never blinds the next; an alert that was only a one-bucket blip joins it, so a series'
  bots and retweet storms raise its bar. The guard applies only where that history passed the alert threshold
  more often than the budget allows: where the model fits, it could only cost sensitivity.
- **Sustained rises**, by an order statistic: whether half of the last 24 buckets ran at twice the usual rate
  or more (a binomial tail over negative-binomial buckets). Bursts shorter than an hour do not move it, so a
  doubling that lasts still pages on a series whose blips have raised the first test's bar. It has its own
  guard, fitted to a week of hourly maxima.
- **Sensitivity in false alarms per month**: the per-test p threshold is the monthly budget over the number of
  tests a month makes (Bonferroni), so an incident-free series that fits the model opens at most that many.
- **One alert per incident**: it stays open while a window of at most an hour is unusual at CLOSE_P and closes
  after ``close_after`` normal buckets; within the cooldown only a sustained escalation beyond the previous
  incident's peak opens another, since real incidents come in waves.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from alerts.tails import median_log_tail, nb_log_tail, nb_upper_tail, tail_limit

DAYS_PER_MONTH = 30.4
LN10 = math.log(10.0)
SCALES = (1, 3, 6, 12, 24)  # buckets summed: 5 minutes to 2 hours, or 1 hour to a day
CLOSE_P = 1e-2  # an open incident stays open while a window of at most an hour is this unusual
ALPHA_FLOOR = 0.01  # at least 10% multiplicative model error is assumed
LEVEL_HOURS = 12
LEVEL_FLOOR = 0.5
DISPERSION_HOURS = 72
WEEKS_KEPT = 6
DAYS_KEPT = 7
SCORE_HISTORY = round(DAYS_PER_MONTH * 24)  # a month of hourly maxima: the guard estimates a once-a-month level
UNUSUAL_P = 1e-3  # a bucket this unusual is left out of the level and the dispersion...
SHIFT_SHARE = 0.5  # ...unless such buckets are this share of the window: then it is the new level
CLOSE_SCORE, UNUSUAL_SCORE = -math.log10(CLOSE_P), -math.log10(UNUSUAL_P)  # the same, as scores
MEDIAN_WIDTH = max(SCALES)  # the order-statistic test: half of the last 24 buckets above what was expected
MEDIAN_RANK = MEDIAN_WIDTH // 2
# The 2-hour window sum and the order-statistic test look at the same buckets and split one test's share of the
# budget (Bonferroni over len(SCALES) tests still): their p-values are doubled before they are compared.
SPLIT = 2.0
MEDIAN_HISTORY = 168  # a week of hourly maxima for the order-statistic test's guard
RISE_FACTOR = 2.0  # the order-statistic test looks for a doubling at least: half the window at twice the usual
# The tail guard applies once the series' ordinary history has passed the alert threshold more often than the budget
# allows, at this significance (a Poisson test): on a series the count model fits, it would only cost sensitivity.
GUARD_LEVEL = 0.05


@dataclass(frozen=True)
class DetectorConfig:
    bucket_seconds: int = 300
    false_alarms_per_month: float = 1.0
    min_count: int = 5  # an alert needs at least this many in the window that triggered it
    cooldown_minutes: int = 720  # a second wave within 12 hours is the same incident: see docs/detector.md
    close_after: int = 3  # normal buckets in a row that close an incident

    def __post_init__(self) -> None:
        if self.bucket_seconds <= 0 or 3600 % self.bucket_seconds:
            raise ValueError("bucket_seconds must divide an hour")
        if not self.false_alarms_per_month > 0:
            raise ValueError("false_alarms_per_month must be positive")

    @property
    def buckets_per_hour(self) -> int:
        return 3600 // self.bucket_seconds

    @property
    def p_bucket(self) -> float:
        return self.false_alarms_per_month / (DAYS_PER_MONTH * 24 * self.buckets_per_hour)

    @property
    def p_threshold(self) -> float:
        return self.p_bucket / len(SCALES)

    @property
    def score_threshold(self) -> float:
        """-log10 of p_threshold: the score a test must pass to alert."""
        return -math.log10(self.p_threshold)


@dataclass(frozen=True)
class Decision:
    bucket_start: datetime
    observed: int
    expected: float
    score: float  # -log10 of the smallest p over the tests (the 2-hour ones doubled: see SPLIT), computed in logs
    scale: int  # buckets of the most unusual test (the sustained-rise test: MEDIAN_WIDTH)
    alert: bool  # a new incident opens on this bucket
    in_incident: bool  # an incident is open after this bucket

    @property
    def p_value(self) -> float:
        """The smallest p over the tests; 0.0 beyond a float's range, where the score still ranks bursts."""
        return 10.0 ** -self.score


@dataclass
class DetectorState:
    """Everything the detector remembers; `to_json`/`from_json` round-trip it for a worker to persist."""

    last_bucket: str | None = None
    hour_of_week: dict[str, list[float]] = field(default_factory=dict)  # "0".."167" -> mean per bucket
    hour_of_day: dict[str, list[float]] = field(default_factory=dict)  # "0".."23" -> mean per bucket
    hour_sum: float = 0.0
    hour_buckets: int = 0
    recent: list[list[float]] = field(default_factory=list)  # [count, seasonal, expected, winsorised, unusual]
    incident: bool = False
    normal_run: int = 0
    quiet_until: str | None = None
    alpha: float = 0.5
    scores: list[float] = field(default_factory=list)  # hourly maxima of -log10 p, for the tail fit
    hour_max: float = 0.0
    score_limit: float | None = None  # the fitted score a bucket must pass (None: not enough history yet)
    alpha_age: int = 0  # buckets since alpha was estimated (it moves slowly: once an hour is enough)
    incident_peak: float = 0.0  # the highest score of the last incident: only more than that opens in cooldown
    echo: int = 0  # buckets after an incident closed whose longest windows still hold some of it
    incident_sustained: bool = False  # the open incident was more than one bucket's blip (see _sustained)
    median_scores: list[float] = field(default_factory=list)  # hourly maxima of the order-statistic test's score
    median_hour_max: float = 0.0
    median_limit: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DetectorState:
        return cls(**data)


def _trimmed_mean(values: Sequence[float]) -> float:
    """The mean without the largest and smallest values: robust to one spike or one outage, and unlike a
    median not stuck at 0 for low counts."""
    if len(values) < 4:
        return statistics.fmean(values) if values else 0.0
    return (sum(values) - max(values) - min(values)) / (len(values) - 2)


def _calm(rows: list[list[float]]) -> list[list[float]]:
    """The buckets that were not unusual (p < UNUSUAL_P), so an incident does not lift the level or the dispersion
    it is judged against; but when they are most of the window the series has moved, and all of it counts, so
    the detector re-arms on the new level within hours."""
    calm = [row for row in rows if len(row) < 5 or not row[4]]
    return calm if len(calm) >= (1 - SHIFT_SHARE) * len(rows) else rows


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


class SpikeDetector:
    """Feed it one bucket at a time with `observe`; buckets must arrive in order (gaps count as zero)."""

    def __init__(self, config: DetectorConfig | None = None, state: DetectorState | None = None) -> None:
        self.config = config or DetectorConfig()
        self.state = state or DetectorState()

    def observe(self, bucket_start: datetime, count: int) -> Decision:
        cfg, st = self.config, self.state
        if bucket_start.tzinfo is None:
            bucket_start = bucket_start.replace(tzinfo=timezone.utc)
        if st.last_bucket is not None:
            previous = datetime.fromisoformat(st.last_bucket)
            missing = int((bucket_start - previous).total_seconds() // cfg.bucket_seconds) - 1
            for step in range(1, min(missing, 24 * cfg.buckets_per_hour) + 1):
                self._step(previous + timedelta(seconds=step * cfg.bucket_seconds), 0)
        return self._step(bucket_start, count)

    def _step(self, bucket_start: datetime, count: int) -> Decision:
        cfg, st = self.config, self.state
        seasonal = self._seasonal(bucket_start)
        expected = max(seasonal * self._level(), 0.05)
        if st.alpha_age <= 0:
            st.alpha, st.alpha_age = self._alpha(), cfg.buckets_per_hour
            st.score_limit = self._score_limit()
            st.median_limit = tail_limit(st.median_scores, cfg.p_bucket * cfg.buckets_per_hour)
        st.alpha_age -= 1
        alpha = st.alpha
        score, scale, total_observed = 0.0, 1, float(count)
        close_score = 0.0  # the windows of at most an hour decide whether an open incident is still going on
        for width in SCALES:
            window = st.recent[-(width - 1):] if width > 1 else []
            if len(window) < width - 1:
                break
            observed_sum = count + sum(row[0] for row in window)
            expected_sum = expected + sum(row[2] for row in window)
            split = SPLIT if width == MEDIAN_WIDTH else 1.0
            window_score = max(0.0, -(nb_log_tail(observed_sum, expected_sum, alpha) + math.log(split)) / LN10)
            if width <= cfg.buckets_per_hour:
                close_score = max(close_score, window_score)
            if window_score > score:
                score, scale, total_observed = window_score, width, observed_sum
        spike_score = score
        threshold = cfg.score_threshold
        # Until the history can be fitted (a day of 5-minute buckets), the model's tail decides alone.
        beyond_history = st.score_limit is None or score > st.score_limit
        spike = score > threshold and beyond_history and total_observed >= cfg.min_count
        median_score, median_observed, doubled = self._median_test(count, expected, alpha)
        rise = (doubled and median_score > threshold and median_observed >= cfg.min_count
                and (st.median_limit is None or median_score > st.median_limit))
        if rise and not spike:
            scale, score = MEDIAN_WIDTH, median_score
        unusual = spike or rise
        warmed = len(st.recent) >= cfg.buckets_per_hour * LEVEL_HOURS // 2
        in_cooldown = st.quiet_until is not None and bucket_start < datetime.fromisoformat(st.quiet_until)
        # In the cooldown only an escalation opens: beyond the last incident's peak, and a rate that stays up
        # rather than one bucket's blip (docs/detector.md, "Blips").
        quiet = in_cooldown and (score <= st.incident_peak or not (rise or self._sustained(count, expected, alpha)))
        alert = unusual and warmed and not st.incident and not quiet
        if alert:
            st.incident, st.normal_run, st.incident_peak = True, 0, score
            st.incident_sustained = rise or self._sustained(count, expected, alpha)
        elif st.incident:
            st.incident_peak = max(st.incident_peak, score)
            st.incident_sustained = st.incident_sustained or self._sustained(count, expected, alpha)
            st.normal_run = 0 if close_score > CLOSE_SCORE else st.normal_run + 1
            if st.normal_run >= cfg.close_after:
                st.incident, st.echo = False, max(SCALES)
                if not st.incident_sustained:  # a blip is the series' own heavy tail: the guard learns it
                    st.hour_max = max(st.hour_max, st.incident_peak)
                st.quiet_until = (bucket_start + timedelta(minutes=cfg.cooldown_minutes)).isoformat()
        # The seasonal history keeps each bucket winsorised at three standard deviations above what was
        # expected: a spike cannot lift its own baseline, and ordinary buckets are kept as they are.
        remembered = min(float(count), expected + 3.0 * math.sqrt(expected + alpha * expected * expected))
        # Buckets of an incident stay out of the score history (as in SPOT): alerts must not raise the bar
        # for the next alert, or each incident would make the detector blinder. So do the buckets just after it
        # whose 2-hour window still holds the incident (it closes on the last hour: see p_close).
        if warmed and not (alert or st.incident or st.echo > 0):
            st.hour_max = max(st.hour_max, spike_score)
        st.median_hour_max = max(st.median_hour_max, median_score)
        st.echo = max(0, st.echo - 1)
        self._remember(bucket_start, count, remembered, seasonal, expected, score > UNUSUAL_SCORE)
        return Decision(bucket_start=bucket_start, observed=count, expected=round(expected, 3),
                        score=score, scale=scale, alert=alert, in_incident=st.incident)

    def _score_limit(self) -> float | None:
        """The level a bucket's score must also pass (None: the count model's tail decides alone): the once-a-month
        level of the series' ordinary hourly maxima, where their history shows the model's tail is too light."""
        cfg, scores = self.config, self.state.scores
        threshold = cfg.score_threshold
        crossings = sum(score > threshold for score in scores)
        allowed = cfg.false_alarms_per_month * len(scores) / SCORE_HISTORY
        if nb_upper_tail(crossings, allowed, 0.0) >= GUARD_LEVEL:
            return None
        return tail_limit(scores, cfg.p_bucket * cfg.buckets_per_hour)

    def _median_test(self, count: int, expected: float, alpha: float) -> tuple[float, float, bool]:
        """The order-statistic test over the last MEDIAN_WIDTH buckets: its score (-log10 p, its share of the
        budget applied), their total, and whether half of them ran at RISE_FACTOR times what was expected or more."""
        window = self.state.recent[-(MEDIAN_WIDTH - 1):]
        if len(window) < MEDIAN_WIDTH - 1:
            return 0.0, 0.0, False
        counts = [float(count), *(row[0] for row in window)]
        mean = (expected + sum(row[2] for row in window)) / MEDIAN_WIDTH
        doubled = sum(value >= RISE_FACTOR * mean for value in counts) >= MEDIAN_RANK
        score = max(0.0, -(median_log_tail(counts, mean, alpha) + math.log(SPLIT)) / LN10)
        return score, sum(counts), doubled

    def _sustained(self, count: int, expected: float, alpha: float) -> bool:
        """Whether a window of three buckets or more is still unusual at the level that keeps an incident open
        (CLOSE_P) with its largest bucket counted as its second largest: a rate that stays up, which one bucket's
        blip (a retweet storm, a bot) is not."""
        recent = self.state.recent
        for width in SCALES[1:]:
            if len(recent) < width - 1:
                return False
            window = recent[-(width - 1):]
            ordered = sorted([float(count), *(row[0] for row in window)])
            observed = sum(ordered) - ordered[-1] + ordered[-2]
            if nb_upper_tail(observed, expected + sum(row[2] for row in window), alpha) < CLOSE_P:
                return True
        return False

    def _seasonal(self, at: datetime) -> float:
        """The usual count for this hour: the same hour of the week (and its two neighbours) over past weeks,
        else the same hour of the day over the past week; a trimmed mean, so one spike does not move it."""
        st = self.state
        hour_of_week = at.weekday() * 24 + at.hour
        weekly = st.hour_of_week.get(str(hour_of_week), [])
        if len(weekly) >= 3:
            pooled = [v for h in (-1, 0, 1) for v in st.hour_of_week.get(str((hour_of_week + h) % 168), [])]
            return _trimmed_mean(pooled)
        daily = [v for h in (-1, 0, 1) for v in st.hour_of_day.get(str((at.hour + h) % 24), [])]
        if daily:
            return _trimmed_mean(daily)
        return _median([row[0] for row in st.recent[-self.config.buckets_per_hour * LEVEL_HOURS:]])

    def _level(self) -> float:
        """How far the last 12 hours ran above or below their seasonal values (1: as usual): the ratio of their
        sums, each count winsorised at three standard deviations above what was expected and unusual buckets left
        out (see _calm), and never below LEVEL_FLOOR so a return to normal after an outage is not a spike.
        Winsorising, unlike trimming the largest ratios, is unbiased at low counts: with 3 mentions an hour most
        buckets are 0, and trimming the top tenth of ratios put the level a quarter low (2.7 false alarms a month)."""
        rows = _calm([row for row in self.state.recent[-self.config.buckets_per_hour * LEVEL_HOURS:] if row[1] > 0])
        seasonal_sum = sum(row[1] for row in rows)
        if len(rows) < 4 or seasonal_sum <= 0:
            return 1.0
        return max(sum(row[3] if len(row) > 3 else row[0] for row in rows) / seasonal_sum, LEVEL_FLOOR)

    def _alpha(self) -> float:
        """Overdispersion by the method of moments (E[(x-mu)^2 - x] = alpha*mu^2 for a negative binomial),
        over the calm buckets (see _calm) less the 2% most extreme, so past spikes and an incident building up do
        not inflate it; exact at low counts, where a median of Pearson residuals is not."""
        rows = _calm(self.state.recent[-self.config.buckets_per_hour * DISPERSION_HOURS:])
        if len(rows) < 12:
            return 0.5
        ordered = sorted(rows, key=lambda row: (row[0] - row[2]) ** 2 / row[2])
        kept = ordered[:len(ordered) - max(1, len(ordered) // 50)]
        excess = sum((row[0] - row[2]) ** 2 - row[0] for row in kept)
        scale = sum(row[2] * row[2] for row in kept)
        return max(ALPHA_FLOOR, excess / scale if scale > 0 else ALPHA_FLOOR)

    def _remember(self, at: datetime, count: int, kept: float, seasonal: float, expected: float,
                  unusual: bool) -> None:
        cfg, st = self.config, self.state
        st.last_bucket = at.isoformat()
        st.recent.append([float(count), seasonal, expected, round(kept, 3), 1.0 if unusual else 0.0])
        del st.recent[:-cfg.buckets_per_hour * DISPERSION_HOURS]
        st.hour_sum += kept
        st.hour_buckets += 1
        if (at + timedelta(seconds=cfg.bucket_seconds)).hour != at.hour or st.hour_buckets >= cfg.buckets_per_hour:
            mean = st.hour_sum / st.hour_buckets
            for key, table, kept in ((str(at.weekday() * 24 + at.hour), st.hour_of_week, WEEKS_KEPT),
                                     (str(at.hour), st.hour_of_day, DAYS_KEPT)):
                table.setdefault(key, []).append(round(mean, 4))
                del table[key][:-kept]
            st.hour_sum, st.hour_buckets = 0.0, 0
            # Hourly maxima, not every bucket: a burst the detector missed adds one or two values, not 24.
            st.scores.append(round(st.hour_max, 3))
            del st.scores[:-SCORE_HISTORY]
            st.hour_max = 0.0
            st.median_scores.append(round(st.median_hour_max, 3))
            del st.median_scores[:-MEDIAN_HISTORY]
            st.median_hour_max = 0.0
