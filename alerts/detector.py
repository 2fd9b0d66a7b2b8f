"""A streaming spike detector for counts per bucket (5 minutes or 1 hour), with state kept as JSON.

Why this method (and not a fixed 3-sigma, a Poisson test or a plain CUSUM):

- Mention counts are overdispersed: on Twitter volume the variance of a bucket is many times its mean,
  so a Poisson tail pages on ordinary wobble, and a Gaussian z-score is wrong at low counts (3 an hour).
  We use the **negative-binomial upper tail** (variance mu + alpha*mu^2), the standard count model for
  overdispersed surveillance data (Farrington et al. 1996; Noufaily et al. 2013, the improved
  Farrington algorithm used for outbreak detection), with alpha estimated robustly from the series itself.
  At low counts it reduces to the Poisson tail, which is exact there: 7 against an expected 3 has
  p = 0.03, far from paging.
- **Expected value**: the same hour of the week in past weeks (median, once three weeks are known),
  else the same hour of the day over the past week (median), times a **level** factor: the ratio of the last
  12 hours' counts to that seasonal value, each count winsorised at three standard deviations above what was
  expected and unusual buckets (p < 1e-3 at some scale) left out. Medians and the winsorised level ignore past
  spikes, and once unusual buckets are most of the 12 hours they count too: the level follows a lasting shift
  within hours, so the detector re-arms on the new level instead of alerting for days (what a CUSUM on a fixed
  baseline does). The dispersion alpha leaves the unusual buckets out as well, so an incident building over
  hours does not widen the tail it is judged against (on NAB's KO series alpha went from 0.34 to 1.15 during
  the 20 March surge and hid it). Measured: trimming the top and bottom tenth of ratios instead (the previous
  level) is biased low at low counts, where most buckets are 0: the stream bench's quiet weeks then had 2.7
  false alarms a month at 3 negative mentions an hour and 1.6 at 17; winsorising brought both to the budget
  (0.0 and 0.5).
- **Several time scales**: the tail is taken for the last 1, 3, 6, 12 and 24 buckets, so a sharp burst is
  seen in the first bucket and a moderate one that builds over an hour or two is still caught.
- **Heavy tails**: real series spike more often than any count model says, so a bucket must also beat the
  level its own history exceeds once a month: a generalised Pareto fit (SPOT, Siffer et al. 2017) to a
  month of hourly maxima of ordinary buckets (incidents left out, so one alert never blinds the next). A month,
  because the level passed once a month is what it estimates: on two weeks of history (the previous setting) that
  level lies beyond anything seen, the fit extrapolates, and its floor, the largest hourly maximum seen, is the
  level passed about once a fortnight. Measured (NAB, default setting): two weeks 71.4 with 5.4 detections per
  series-month outside the windows, a month 74.8 with 3.9 (AMZN 8 -> 3, FB 8 -> 5, KO 8 -> 3 outside the
  windows; GOOG the same; UPS one more), the same 15 of 17 windows; longer histories the same as a month (NAB's
  files are two months long). Shorter ones: 10 days 69.1, 17.5 days 73.5, three weeks 75.1 (not taken on its
  score: a month is what the rate asks for). Stream bench, seeds 1-3 against two weeks: the same catches or more
  (3x at 17 an hour 9, 11 and 9 of 11 against 9, 11 and 8; 3x at 3.4 an hour 2 of 11 on seed 2 against 1), the same
  false alarms on the quiet weeks, the same times at 86 an hour; the median time to alert a 3x burst at 17 an hour
  35, 30 and 35 minutes against 25, 30 and 65.
- **Sustained rises, by an order statistic**: besides the window sums, a bucket is tested on whether half of the
  last 24 buckets (2 hours of 5-minute buckets) reached the window's median: P(at least 12 of 24 negative-binomial
  buckets >= it), a binomial tail. A burst shorter than half the window (a retweet storm, UPS's 40-minute bot
  bursts) does not move it at all, so it needs no blip rules, and it has its own tail guard: a generalised Pareto
  fit to a week of its hourly maxima, every hour included (it is blind to short bursts, so a week of them cannot
  raise its bar; a sustained incident raises it for a week, and the window sums still see the next burst). It
  alerts only on a doubling at least (the median at twice what was expected: the smallest incident the stream
  bench injects); below that a lasting change is a level shift, which the level follows within hours. It and the
  2-hour window sum look at the same buckets and split that window's share of the budget (their p-values are
  doubled), so the Bonferroni bound below is unchanged. Why: NAB's KO 20 March (a surge of 3-6x for three hours)
  and UPS 24 March (an hour of organic tweets at 10x before four buckets of 200) were missed because the window
  sums' guard had learnt from one-bucket spikes as big; the order statistic ranks them first and third in their
  series. Measured: NAB 62.5 -> 71.4 (15 of 17 windows, 5.4 detections per series-month outside the windows
  against 4.4; raw score per series AMZN 0.95 -> 0.84, FB 1.00 -> 0.92, GOOG -0.05 -> 0.06, KO 0.39 -> 1.83, UPS
  1.81 -> 3.47, so a leave-one-series-out choice keeps it whichever series is held out); the stream bench is
  unchanged (seeds 1-3: the same catches, times and quiet-week false alarms but one 5x burst at 3.4 an hour
  alerted 5 minutes later). Chosen on NAB and so measured against alternatives: its guard on two weeks of
  history (as the window sums' then) 67.9, ten days 71.4; with the window sums' guard on a month (below), its own
  on five days 73.5, a week 74.8, two weeks 71.2 and a month 71.5 (3.1 and 3.0 detections per series-month outside
  the windows, but UPS's 24 March missed: this guard sees incidents, so a long memory blinds it); no doubling floor
  69.9 (AMZN's 1.3-1.6x sustained rises at 60 a bucket paged), 1.5x 69.1, 3x 72.3 (not taken: a doubling is what
  a person calls a spike); the guard fitted without incident hours, as the window sums' is, 60.6 against 67.2
  (both on two weeks, before the doubling floor: bursts then never raise it); the budget split six ways instead
  of doubling the 2-hour tests' p-values (bench: 2x bursts at 17 an hour caught 0 of 11 instead of 5, 3x in 35
  minutes instead of 25).
- **Sensitivity in false alarms per month**: the per-test p threshold is the monthly budget divided by
  the number of tests a month makes (buckets x scales). This is the Bonferroni bound: under the model an
  incident-free series opens at most that many alerts a month. Measured rates are reported by
  `earful alerts eval` and bench/alerts_stream.py.
- **One alert per incident**: an alert opens an incident; it stays open while a window of at most an hour is
  still significant at a loose level (CLOSE_P), closes after it has been normal for `close_after` buckets, and
  no new incident opens within the cooldown (12 hours) after the previous one closed unless it is an
  escalation, more extreme than anything in the previous incident and sustained (so a false alarm cannot hide a
  real incident for 12 hours, and a one-bucket blip does not page twice: see "Blips" below). Real incidents come
  in waves: on NAB's labelled Twitter events a second surge follows the first within hours (AMZN 5 March, GOOG
  13-14 March, UPS 24-25 March), and a page for each wave is the alert fatigue this feature exists to avoid; the
  open incident is where the team already looks. Measured
  with the default sensitivity before the changes below (`earful alerts eval`, bench/alerts_stream.py): a
  60-minute cooldown opened 14.1 incidents per series-month outside NAB's labelled windows (NAB score 38.7, 13
  of 17 windows), 6 hours 8.0 (47.7), 12 hours 4.4 (57.1, but a false alarm then hid a tripled rate for 12
  hours), 12 hours with escalations let through 9.8 (55.0, 14 of 17 windows); 24 and 48 hours with
  escalations 7.2 (50.0) and 5.0 (43.7): a false alarm hides more labelled windows than it saves. Time to
  alert on the product bench does not depend on it (its bursts are 34 hours apart). Every bucket enters the
  seasonal history winsorised at three standard deviations above its expected value, so a spike never raises
  its own baseline. The 2-hour window still holds an incident for two hours after it ends: closing on it kept
  alerts open that long, and the buckets after the close (their long windows still significant) stay out of
  the tail guard's history too, or they raise its bar for the next incident (closing on the last hour alone,
  without that, lost 4 NAB windows: 42.7).
- **Why the tail guard leaves incidents out** (measured, not assumed): fitting it to every hour, as
  published SPOT does, calibrates the alarm rate on Twitter volume (1.3 alerts per series-month outside
  NAB's windows at the 1/month default, NAB 52.7, measured on two weeks of history), but a single incident then
  raises the bar for the whole history: on the product bench a 3x burst at 86 negative mentions an hour was
  caught once in 11. Capping incident hours at the bar, or taking the 3rd or 6th largest hour instead of a fit,
  kept that blindness (NAB 45-53, bench 3x bursts 1-4 of 11). Heavy-tailed series are therefore alerted more often
  than the budget says (10.0 per series-month on NAB's Twitter series then, 3.9 now), Poisson-like ones at it.
- **Blips** (measured on NAB and the stream bench; bench figures unchanged on seeds 1-3): Twitter volume spikes
  for one 5-minute bucket (a retweet storm, a bot posting daily at 08:00 on UPS) far more often than any count
  model says, and almost every alert on NAB's series opened on one bucket. A window of three buckets or more
  whose largest bucket is counted as its second largest, still unusual at the level that keeps an incident open
  (CLOSE_P; `_sustained`), tells a rate that stays up from such a blip without a new constant. Two uses: (1) an
  escalation in the cooldown must be sustained, and (2) an incident that never was sustained enters the tail
  guard's history with its peak when it closes: it is the series' own heavy tail, not an incident the guard must stay
  blind to. The injected bursts (30-120 minutes) are sustained, so the guard still never learns from them.
  Together: NAB 61.3 -> 62.5 and 10.0 -> 4.4 detections per series-month outside the windows (AMZN 12.3 -> 4.5,
  FB 6.5 -> 4.5, GOOG 9.0 -> 5.8, KO 16.8 -> 2.6, UPS 5.2 -> 4.5), but 13 of 17 windows instead of 15 (AMZN's
  1 April and KO's 20 March were caught by scores barely above the guard). (1) alone (at the alert threshold):
  NAB 61.0, 5.2 per series-month. A blip followed 2-10 hours later by a tripled rate for an hour (18 cases per
  rate): the burst is still alerted as before (18 of 18 at 86 an hour, 9 of 18 at 17), 5 minutes later in 3. Not robust
  per series: a leave-one-series-out choice between this and the previous rule picks the previous one when GOOG
  or KO is held out (scoring 59.2 over the five held-out series), so the NAB gain is within the noise of these
  17 windows; the halved false-alarm rate is the finding, and the score no longer hangs on the cooldown (10 to 14
  hours give 62.2-62.5; 59.0-62.2 before). Dropped: no escalation at all (NAB 64.0, 4.1 per
  series-month, but a false alarm then hid every tripled rate that followed within 12 hours), an escalation
  needing twice the peak's score (62.4, 7.2), any multi-bucket window for escalations (56.9), cooldowns of 3, 6,
  10, 11, 13, 14 and 24 hours with the previous rule (38-62: 3 points an hour of cooldown, so none was chosen),
  counting blips by the share of the incident's excess in one bucket (59.1; the bench's 3x bursts at 17 and 86
  an hour were then missed or alerted 10-40 minutes later), blips judged at the alert threshold rather than
  CLOSE_P (62.8, same bench regression at 17 an hour), a separate one-bucket guard fitted on every hour beside
  a blip-proof multi-bucket test (53.6; the bench's 3x at 86 an hour took 25 minutes), and keeping spikes that
  the cooldown silenced out of the guard's history (25 per series-month). The sensitivity setting barely moves
  the rate on these series (0.5 to 3 a month gave 8.5 to 12.7 per series-month before; 0.5 to 2 gave 3.6 to
  5.2 with the blip rules, 4.3 to 6.3, NAB 73.7 to 69.1, with the sustained-rise test, and 0.5 to 3 now give 2.7 to
  6.2, NAB 77.4 to 69.5, with a month of tail-guard history): the tail guard, not
  the budget, sets it on heavy-tailed series. The default stays at 1 a month, what the issue asks for.
- **Measured now** (default setting, one for all series): NAB 74.8 on realTweets (15 of 17 windows, 3.9
  detections per series-month outside the windows; 71.4 and 5.4 with two weeks of tail-guard history, 62.5 and 4.4
  before the order-statistic test, 61.3 and 10.0 before the blip rules above, 55.0 before the winsorised level,
  the calm-bucket alpha and the closing rule above); on the stream bench, a 3x burst at 17 negative mentions an
  hour is alerted in 35 minutes (median, 9 of 11, seed 1; 30 and 35 on seeds 2 and 3) with 0.5 false alarms a
  month (1.6 before the winsorised level). Below the issue's NAB target of 75: the two windows
  missed are not there to see (GOOG's 22 March holds nothing above an ordinary evening; AMZN's 1 April is two
  buckets at 3x, smaller than the unlabelled midnight spikes of 21-26 March), and most detections outside the
  windows are one-bucket spikes as large as the labelled events (AMZN's midnights, UPS's bot bursts of 6 March
  to 3 April, 1,000 or more in 40 minutes against about 10), which a guard remembering past incidents would silence at
  the cost of the next burst on the product bench (above). ARTime (82.3) catches all 17 with 35 detections
  outside them, against our 30. At 17 an hour even the optimal CUSUM for a tripled rate needs
  about 25 minutes at one false alarm a month (log of the run length, 9.1, over the 1.8 nats a bucket gives),
  so 15 minutes there is out of reach for any detector at this budget.
- **Variants measured and dropped** (about 30 runs in all, none chosen on NAB alone): leaving out buckets with a
  single-bucket p < 1e-3 or incident buckets from level and alpha (NAB 49.3, 53.6; 48.3 with the winsorised
  level), trimming a quarter of ratios for the level (51.2), a 24-hour level (56.1), trimming 5% for alpha
  (49.6), four weeks of hourly maxima for the tail guard (61.2; one week 62.8 with 50 detections outside the
  windows, ten days 64.7 with 44, against 34), a second guard on a blip-proof score (each window's largest bucket
  counted as its second largest) that let sustained rises through on their own history (58.0, 71 outside:
  Twitter volume's sustained surges outside the windows, such as UPS's bot bursts of 6-16 March, are as big as
  the labelled ones), a dispersion estimated per window width from the series' own window sums (50.9: the
  longer windows gain power, and so does the guard's history), no tail guard (29.4, 25 false alarms per
  series-month), the guard at a tenth or a hundredth of the budget (56.0 with 4.7 per series-month; 37.0), 24-
  and 48-hour cooldowns (above), and a log-ratio score against a 7-day median normalised by its
  own 99th or 99.9th percentile (at best 63.5 with 8.7 false alarms per series-month, 49.6 at 2.6), and a
  time-of-day memory (no alert within an hour of the time of day an incident of the past week opened at, unless
  more extreme: 48.9; only after two such incidents: 53.2; for blips alone it never fired, since nearly every
  incident here lasts beyond one bucket): the labelled events come at the hours the false alarms do (AMZN's
  midnights and evenings, UPS's 29 March window at 10:17 among its morning bot bursts): on these
  series every score trades windows for false alarms at about the same rate. The windows are correlated, so
  Bonferroni's five tests a bucket are conservative: on 16.5 quiet months of the stream bench's Poisson streams
  (3.4, 17 and 86 negative mentions an hour) they gave 4 false alarms; counting them as 3 tests gave 12 (1.27
  a month at 3.4 an hour, over the budget) and as 2 gave 20, so Bonferroni stays.
- **The tail** is the regularised incomplete beta function by its continued fraction, not a sum of terms:
  the same p-values (within 1e-6 relative) six times faster at thousands of mentions a bucket.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

DAYS_PER_MONTH = 30.4
SCALES = (1, 3, 6, 12, 24)  # buckets summed: 5 minutes to 2 hours, or 1 hour to a day
CLOSE_P = 1e-2  # an open incident stays open while a window of at most an hour is this unusual
ALPHA_FLOOR = 0.01  # at least 10% multiplicative model error is assumed
LEVEL_HOURS = 12
LEVEL_FLOOR = 0.5
DISPERSION_HOURS = 72
WEEKS_KEPT = 6
DAYS_KEPT = 7
SCORE_HISTORY = round(DAYS_PER_MONTH * 24)  # a month of hourly maxima: the guard estimates a once-a-month level
MIN_SCORES = 24
TAIL_SHARE = 0.1
UNUSUAL_P = 1e-3  # a bucket this unusual is left out of the level and the dispersion...
SHIFT_SHARE = 0.5  # ...unless such buckets are this share of the window: then it is the new level
MEDIAN_WIDTH = max(SCALES)  # the order-statistic test: half of the last 24 buckets above what was expected
MEDIAN_RANK = MEDIAN_WIDTH // 2
# The 2-hour window sum and the order-statistic test look at the same buckets and split one test's share of the
# budget (Bonferroni over len(SCALES) tests still): their p-values are doubled before they are compared.
SPLIT = 2.0
MEDIAN_HISTORY = 168  # a week of hourly maxima for the order-statistic test's guard
RISE_FACTOR = 2.0  # the order-statistic test looks for a doubling at least: half the window at twice the usual


@dataclass(frozen=True)
class DetectorConfig:
    bucket_seconds: int = 300
    false_alarms_per_month: float = 1.0
    min_count: int = 5  # an alert needs at least this many in the window that triggered it
    cooldown_minutes: int = 720  # a second wave within 12 hours is the same incident: see the module notes
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


@dataclass(frozen=True)
class Decision:
    bucket_start: datetime
    observed: int
    expected: float
    p_value: float  # smallest over the tests (the 2-hour ones doubled: see SPLIT)
    scale: int  # buckets of the most unusual test (the sustained-rise test: MEDIAN_WIDTH)
    alert: bool  # a new incident opens on this bucket
    in_incident: bool  # an incident is open after this bucket


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


def nb_upper_tail(observed: float, mean: float, alpha: float) -> float:
    """P(X >= observed) for a negative binomial with this mean and variance mean + alpha*mean^2."""
    k = math.ceil(observed)
    mean = max(mean, 1e-9)
    if k <= mean:
        return 1.0  # at or below the mean: not a spike, and the exact value (about 0.5) does not matter
    if alpha <= 1e-9:  # Poisson: sum the tail's terms (they fall fast once past the mean)
        log_term = k * math.log(mean) - mean - math.lgamma(k + 1)
        term, total, j = 1.0, 1.0, k
        while term > 1e-12 * total and j < k + 100_000:
            term *= mean / (j + 1)
            total += term
            j += 1
        return min(1.0, math.exp(log_term) * total)
    # P(X >= k) = I_q(k, r), the regularised incomplete beta function, by its continued fraction
    # (Numerical Recipes 6.4): a few dozen steps even at thousands per bucket, where summing terms takes thousands.
    r = 1.0 / alpha
    q = mean / (r + mean)
    log_front = math.lgamma(k + r) - math.lgamma(k) - math.lgamma(r) + k * math.log(q) + r * math.log1p(-q)
    if q < (k + 1.0) / (k + r + 2.0):
        return min(1.0, math.exp(log_front) * _beta_fraction(k, r, q) / k)
    return max(0.0, 1.0 - math.exp(log_front) * _beta_fraction(r, k, 1.0 - q) / r)


def binomial_upper_tail(n: int, k: int, q: float) -> float:
    """P(at least k of n independent events of probability q), summed in log space: q can be 1e-100."""
    if q <= 0.0:
        return 0.0
    if q >= 1.0 or k <= 0:
        return 1.0
    log_q, log_rest = math.log(q), math.log1p(-q)
    logs = [math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * log_q + (n - j) * log_rest
            for j in range(k, n + 1)]
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(value - top) for value in logs))


def median_upper_tail(counts: Sequence[float], mean: float, alpha: float) -> float:
    """P(half of these buckets or more reach the median observed), each bucket negative binomial with this mean:
    the order-statistic test. A burst shorter than half the window does not move it at all."""
    rank = len(counts) // 2
    middle = sorted(counts, reverse=True)[rank - 1]
    return binomial_upper_tail(len(counts), rank, nb_upper_tail(middle, mean, alpha))


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
    if len(excess) < 5:
        return base
    mean = statistics.fmean(excess)
    variance = statistics.pvariance(excess)
    if mean <= 0 or variance <= 0:
        return base
    # Method-of-moments estimates of the shape (xi) and scale (sigma) of the excesses.
    xi = 0.5 * (1.0 - mean * mean / variance)
    sigma = 0.5 * mean * (mean * mean / variance + 1.0)
    ratio = probability * len(ordered) / len(excess)
    if abs(xi) < 1e-6:
        return base - sigma * math.log(ratio)
    return base + sigma / xi * (ratio ** (-xi) - 1.0)


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
            st.score_limit = tail_limit(st.scores, cfg.p_bucket * cfg.buckets_per_hour)
            st.median_limit = tail_limit(st.median_scores, cfg.p_bucket * cfg.buckets_per_hour)
        st.alpha_age -= 1
        alpha = st.alpha
        p_value, scale, total_observed = 1.0, 1, float(count)
        p_close = 1.0  # the windows of at most an hour decide whether an open incident is still going on
        for width in SCALES:
            window = st.recent[-(width - 1):] if width > 1 else []
            if len(window) < width - 1:
                break
            observed_sum = count + sum(row[0] for row in window)
            expected_sum = expected + sum(row[2] for row in window)
            p = min(1.0, nb_upper_tail(observed_sum, expected_sum, alpha) * (SPLIT if width == MEDIAN_WIDTH else 1.0))
            if width <= cfg.buckets_per_hour:
                p_close = min(p_close, p)
            if p < p_value:
                p_value, scale, total_observed = p, width, observed_sum
        score = spike_score = -math.log10(max(p_value, 1e-300))
        # Until the history can be fitted (a day of 5-minute buckets), the model's tail decides alone.
        beyond_history = st.score_limit is None or score > st.score_limit
        spike = p_value < cfg.p_threshold and beyond_history and total_observed >= cfg.min_count
        median_p, median_observed, doubled = self._median_test(count, expected, alpha)
        median_score = -math.log10(max(median_p, 1e-300))
        rise = (doubled and median_p < cfg.p_threshold and median_observed >= cfg.min_count
                and (st.median_limit is None or median_score > st.median_limit))
        if rise and not spike:
            p_value, scale, score = median_p, MEDIAN_WIDTH, median_score
        unusual = spike or rise
        warmed = len(st.recent) >= cfg.buckets_per_hour * LEVEL_HOURS // 2
        in_cooldown = st.quiet_until is not None and bucket_start < datetime.fromisoformat(st.quiet_until)
        # In the cooldown only an escalation opens: beyond the last incident's peak, and a rate that stays up
        # rather than one bucket's blip (see the module notes).
        quiet = in_cooldown and (score <= st.incident_peak or not (rise or self._sustained(count, expected, alpha)))
        alert = unusual and warmed and not st.incident and not quiet
        if alert:
            st.incident, st.normal_run, st.incident_peak = True, 0, score
            st.incident_sustained = rise or self._sustained(count, expected, alpha)
        elif st.incident:
            st.incident_peak = max(st.incident_peak, score)
            st.incident_sustained = st.incident_sustained or self._sustained(count, expected, alpha)
            st.normal_run = 0 if p_close < CLOSE_P else st.normal_run + 1
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
        self._remember(bucket_start, count, remembered, seasonal, expected, p_value < UNUSUAL_P)
        return Decision(bucket_start=bucket_start, observed=count, expected=round(expected, 3),
                        p_value=p_value, scale=scale, alert=alert, in_incident=st.incident)

    def _median_test(self, count: int, expected: float, alpha: float) -> tuple[float, float, bool]:
        """The order-statistic test over the last MEDIAN_WIDTH buckets: its p-value (its share of the budget
        applied), their total, and whether half of them ran at RISE_FACTOR times what was expected or more."""
        window = self.state.recent[-(MEDIAN_WIDTH - 1):]
        if len(window) < MEDIAN_WIDTH - 1:
            return 1.0, 0.0, False
        counts = [float(count), *(row[0] for row in window)]
        mean = (expected + sum(row[2] for row in window)) / MEDIAN_WIDTH
        doubled = sum(value >= RISE_FACTOR * mean for value in counts) >= MEDIAN_RANK
        return min(1.0, median_upper_tail(counts, mean, alpha) * SPLIT), sum(counts), doubled

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
