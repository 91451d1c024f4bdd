"""Trends of a metric over periods: is it rising, flat or falling, and when will it reach target?

- :func:`classify_trend`: a robust slope (Theil-Sen) with a Mann-Kendall test
  over the last quarter, so that noise is not called a trend, and a
  changepoint rule on the last six weeks (:func:`recent_change`), so that a
  stall shows after six flat weeks and a fall after a rise is a decline.
- :func:`project`: when a target is reached on the current course, with an
  interval, or why there is no date (``PROJECTION_STATES``). Adoption is a
  Bass S-curve; the weight of every curve on a grid that fits the weeks so far
  says how likely the target is reached and when, and the answer is "too few
  weeks" when the weeks so far cannot tell.

docs/diagnosis-statistics.md explains the choices and the simulations behind
the constants (tests/insights/test_projection_simulations.py). Pure functions:
no Flask, no database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
from scipy import stats

# Recent periods that decide the current trend (a quarter of weekly data).
RECENT_PERIODS = 12
# The fewest periods with a trend or a projection: below this, "too few weeks".
MIN_PERIODS = 6
SIGNIFICANCE = 0.05

# The changepoint rule (recent_change): the last FLAT_WEEKS periods are flat when their
# Theil-Sen slope is within FLAT_Z standard errors of zero (the error of a slope over
# FLAT_WEEKS periods at the series' noise level) and at most FLAT_SHARE of the slope of
# the periods before them; they have turned up or down beyond TURN_Z standard errors.
# Tuned on simulated series: see docs/diagnosis-statistics.md.
FLAT_WEEKS = 6
BEFORE_WEEKS = 4  # the fewest earlier periods to compare the flat stretch with
FLAT_Z = 1.9
FLAT_SHARE = 0.4
TURN_Z = 2.2
NOISE_PERIODS = 26  # second differences that estimate the noise level
TRIMMED_SHARE = 0.8  # of them, the smallest share kept
# E[Z^2 | |Z| < z] for a standard normal cut at its central TRIMMED_SHARE.
_TRIM_Z = float(stats.norm.ppf(0.5 + TRIMMED_SHARE / 2))
_TRIMMED_VARIANCE = 1 - 2 * _TRIM_Z * float(stats.norm.pdf(_TRIM_Z)) / TRIMMED_SHARE

# Projections: the S-curve is fitted to the last FIT_PERIODS periods; a date comes with
# the central INTERVAL of the dates the fitting curves give; a date later than
# HORIZON_PERIODS after the last period is no date. A straight line is bootstrapped
# RESAMPLES times (fixed seed).
FIT_PERIODS = 52
INTERVAL = 0.80
HORIZON_PERIODS = 260  # five years of weeks
RESAMPLES = 200


@dataclass(frozen=True)
class MannKendall:
    s: int
    tau: float
    p: float
    trend: str  # "increasing" | "decreasing" | "no trend"


def mann_kendall(values: Sequence[float], alpha: float = SIGNIFICANCE) -> MannKendall:
    """The original Mann-Kendall test: S, Kendall's tau, two-sided p (normal approximation).

    Variance corrected for ties; continuity correction of 1 on S (Hipel & McLeod).
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n < 3:
        return MannKendall(0, 0.0, 1.0, "no trend")
    signs = np.sign(x[None, :] - x[:, None])
    s = int(np.triu(signs, k=1).sum())
    _, tie_counts = np.unique(x, return_counts=True)
    variance = (
        n * (n - 1) * (2 * n + 5) - np.sum(tie_counts * (tie_counts - 1) * (2 * tie_counts + 5))
    ) / 18
    if s > 0:
        z = (s - 1) / math.sqrt(variance)
    elif s < 0:
        z = (s + 1) / math.sqrt(variance)
    else:
        z = 0.0
    p = float(2 * stats.norm.sf(abs(z)))
    tau = s / (n * (n - 1) / 2)
    trend = "no trend"
    if p < alpha:
        trend = "increasing" if z > 0 else "decreasing"
    return MannKendall(s, float(tau), p, trend)


def theil_sen_slope(values: Sequence[float]) -> float:
    """Median of all pairwise slopes, per period: robust to outliers."""
    if len(values) < 2:
        return 0.0
    return float(stats.theilslopes(np.asarray(values, dtype=float)).slope)


@dataclass(frozen=True)
class Trend:
    label: str | None  # "rising" | "plateau" | "declining" | None when too few periods
    slope: float  # Theil-Sen slope per period over the ``periods`` that decided the label
    p: float  # Mann-Kendall two-sided p over those periods
    periods: int


def classify_trend(values: Sequence[float], recent: int = RECENT_PERIODS) -> Trend:
    """Rising, plateau or declining, judged on the last ``recent`` periods.

    Only a significant Mann-Kendall test makes a trend; otherwise the series is
    flat ("plateau"), whatever its slope looks like. When the last
    ``FLAT_WEEKS`` periods tell another story (:func:`recent_change`: they
    have gone flat after a rise or a fall, or turned clearly up or down), that
    story wins and the trend is reported over those periods: a stall shows
    after six flat weeks instead of the nine to twelve a quarter's test needs,
    and a fall after a rise is a decline, not a plateau.
    """
    series = [float(v) for v in values]
    window = series[-recent:]
    if len(window) < MIN_PERIODS:
        return Trend(None, 0.0, 1.0, len(window))
    test = mann_kendall(window)
    label = {"increasing": "rising", "decreasing": "declining"}.get(test.trend, "plateau")
    change = recent_change(series)
    if change is not None and change.label != label:
        return change
    return Trend(label, theil_sen_slope(window), test.p, len(window))


def noise_level(values: Sequence[float], kink: int | None = None) -> float:
    """The noise SD of a smooth series, from its second differences.

    A second difference of independent noise has variance 6 sigma^2 and a
    smooth trend adds little to it. The two around ``kink`` (the index where a
    changepoint is being tested, counted from the start) are left out, and so
    is the largest fifth of the rest (other kinks, outliers); the mean square
    of what is left, corrected for that trimming, estimates 6 sigma^2.
    """
    x = np.asarray(values, dtype=float)
    second = np.diff(x, 2)  # second[i] is centred on x[i + 1]
    if kink is not None:
        second = np.delete(second, [i for i in (kink - 2, kink - 1) if 0 <= i < len(second)])
    second = second[-NOISE_PERIODS:]
    if len(second) < 2:
        return 0.0
    squares = np.sort(second**2)
    kept = squares[: max(1, math.ceil(TRIMMED_SHARE * len(squares)))]
    return math.sqrt(float(kept.mean()) / _TRIMMED_VARIANCE / 6)


def recent_change(values: Sequence[float], weeks: int = FLAT_WEEKS) -> Trend | None:
    """What the last ``weeks`` periods do, when it is clear, else None.

    With s the Theil-Sen slope of the stretch and se the standard error of a
    slope over ``weeks`` periods at the series' noise level (:func:`noise_level`):

    - "plateau" when |s| <= FLAT_Z se and |s| <= FLAT_SHARE |slope before|
      (the up to ``RECENT_PERIODS`` periods before the stretch): flat after a move;
    - "declining" when s < -TURN_Z se, "rising" when s > TURN_Z se.

    Needs ``BEFORE_WEEKS`` periods before the stretch.
    """
    x = [float(v) for v in values]
    if len(x) < weeks + BEFORE_WEEKS:
        return None
    stretch = x[-weeks:]
    slope = theil_sen_slope(stretch)
    spread = math.sqrt(12 / (weeks * (weeks * weeks - 1)))  # 1 / sqrt(sum (t - mean t)^2)
    error = noise_level(x, len(x) - weeks) * spread
    if abs(slope) <= FLAT_Z * error:
        earlier = theil_sen_slope(x[-(weeks + RECENT_PERIODS) : -weeks])
        if abs(slope) <= FLAT_SHARE * abs(earlier):
            return Trend("plateau", slope, mann_kendall(stretch).p, weeks)
        return None
    if abs(slope) > TURN_Z * error:
        return Trend("rising" if slope > 0 else "declining", slope, mann_kendall(stretch).p, weeks)
    return None


def bass_cdf(t: float | np.ndarray, p: float, q: float) -> float | np.ndarray:
    """Share of eventual adopters by time t: F(t) = (1 - e^(-(p+q)t)) / (1 + (q/p) e^(-(p+q)t))."""
    decay = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1 - decay) / (1 + (q / p) * decay)


def bass_peak_time(p: float, q: float) -> float:
    """When adoption grows fastest: t* = ln(q/p) / (p + q)."""
    return math.log(q / p) / (p + q)


# --- projections -----------------------------------------------------------------------

REACHED = "reached"
DATE = "date"
TOO_FEW_WEEKS = "too_few_weeks"
LEVELLING = "levelling_below_target"
FLAT_OR_FALLING = "flat_or_falling"
PROJECTION_STATES = (REACHED, DATE, TOO_FEW_WEEKS, LEVELLING, FLAT_OR_FALLING)

# The older one-word account of a projection, kept for existing readers (exports, API).
NOT_ON_COURSE = "not on the current trend"
_METHODS = {
    REACHED: "already reached",
    TOO_FEW_WEEKS: NOT_ON_COURSE,
    LEVELLING: NOT_ON_COURSE,
    FLAT_OR_FALLING: NOT_ON_COURSE,
}


@dataclass(frozen=True)
class Projection:
    """When a series reaches its target on its current course, and how sure that is.

    ``state`` is one of :data:`PROJECTION_STATES`. ``reached_on`` is the
    projected date for ``"date"`` (the latest period for ``"reached"``, None
    otherwise) and ``interval`` the (low, high) dates around it: the central
    ``INTERVAL`` of the dates the fitting curves reach the target, given that
    they do. ``chance`` is the weight of the fitting curves that reach the
    target within the horizon (None when nothing was fitted), ``level`` the
    eventual level they head for (S-curve fits only). ``method`` is the older
    one-line account ("already reached", "s-curve", "linear", "not on the
    current trend"), kept for existing readers.
    """

    reached_on: date | None
    method: str
    state: str = DATE
    interval: tuple[date, date] | None = None
    chance: float | None = None
    level: float | None = None


def _reached(value: float, target: float, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


def _no_date(state: str, level: float | None = None, chance: float | None = None) -> Projection:
    return Projection(None, _METHODS[state], state, None, chance, level)


def project(
    periods: Sequence[date],
    values: Sequence[float],
    target: float,
    *,
    higher_is_better: bool = True,
    ceiling: float | None = None,
    seed: int = 0,
) -> Projection:
    """When the series reaches ``target`` on its current course, with an interval.

    The state, in this order:

    - ``reached``: the latest value meets the target;
    - ``too_few_weeks``: fewer than ``MIN_PERIODS`` values, or (below) the
      weeks so far fit curves that reach the target and curves that level off
      short of it alike;
    - ``flat_or_falling``: the recent trend (:func:`classify_trend`, on the
      series turned so that up is towards the target) is declining, or flat
      without an earlier rise: no significant move towards the target;
    - ``levelling_below_target``: flat after a significant rise, or rising
      while at most ``LEVEL_CHANCE`` of the S-curves that fit reach the target;
    - ``date``: the last ``RECENT_PERIODS`` lie on a straight line
      (:func:`straight`) and at least ``STRAIGHT_CHANCE`` of the S-curves that
      fit reach the target: the line is extended (the interval spans the
      line's residual bootstrap and the dates of the S-curves that reach the
      target, which bend later); or at least ``DATE_CHANCE`` of the S-curves
      reach it: the date is their weighted median, the interval their central
      ``INTERVAL``.

    "Higher is better" series are S-curves ``b + (L - b) F(t; p, q)`` (Bass
    F, baseline b, eventual level L at most ``ceiling``, e.g. 100 for a
    percentage, else three times the largest value); see
    :func:`_s_curve_posterior`. "Lower is better" series (churn, waiting
    times) are extended along their Theil-Sen line. ``seed`` fixes the
    bootstrap of a line; the S-curve weights need no randomness.
    """
    if len(values) == 0 or len(periods) != len(values):
        return _no_date(TOO_FEW_WEEKS)
    if _reached(values[-1], target, higher_is_better):
        return Projection(periods[-1], _METHODS[REACHED], REACHED)
    if len(values) < MIN_PERIODS:
        return _no_date(TOO_FEW_WEEKS)
    sign = 1.0 if higher_is_better else -1.0
    toward = [sign * float(v) for v in values][-FIT_PERIODS:]
    dates = list(periods)[-FIT_PERIODS:]
    trend = classify_trend(toward)
    if trend.label == "declining":
        return _no_date(FLAT_OR_FALLING)
    if trend.label == "plateau":
        rose = mann_kendall(toward).trend == "increasing"
        return _no_date(LEVELLING if rose else FLAT_OR_FALLING)
    rng = np.random.default_rng(seed)
    if higher_is_better:
        return _project_s_curve(dates, toward, target, ceiling, rng)
    return _project_line(dates, toward, -target, rng)


def project_target_date(
    periods: Sequence[date],
    values: Sequence[float],
    target: float,
    *,
    higher_is_better: bool = True,
    ceiling: float | None = None,
) -> Projection:
    """The projection of :func:`project` with its default seed (kept for existing callers)."""
    return project(periods, values, target, higher_is_better=higher_is_better, ceiling=ceiling)


def _step(periods: Sequence[date]) -> timedelta:
    if len(periods) < 2:
        return timedelta(weeks=1)
    return (periods[-1] - periods[0]) / (len(periods) - 1)


def _weighted_quantiles(values: np.ndarray, weights: np.ndarray, shares: Sequence[float]):
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    cumulative /= cumulative[-1]
    picks = np.searchsorted(cumulative, np.asarray(shares, dtype=float))
    return values[order][np.minimum(picks, len(values) - 1)]


def _on(periods: Sequence[date], index: float) -> date:
    """The date of period ``index`` (0 the first, fractions between periods)."""
    return periods[0] + _step(periods) * float(index)


def _spread(
    periods: Sequence[date], times: np.ndarray, weights: np.ndarray
) -> tuple[date, date, date]:
    """The low end, median and high end (central ``INTERVAL``) of weighted period times."""
    tail = (1 - INTERVAL) / 2
    low, middle, high = _weighted_quantiles(times, weights, [tail, 0.5, 1 - tail])
    return _on(periods, low), _on(periods, middle), _on(periods, high)


# The S-curve grid: p from 0.0001 (a long flat start) to 0.6 (concave from the first
# period), q from 0 (no imitation) to 1.5 per period, both log-spaced; LEVELS eventual
# levels on each side of the target.
_P_GRID = np.geomspace(1e-4, 0.6, 48)
_Q_GRID = np.concatenate([[0.0], np.geomspace(0.01, 1.5, 47)])
_P, _Q = (axis.ravel() for axis in np.meshgrid(_P_GRID, _Q_GRID, indexing="ij"))
LEVELS = 24
# A date when at least DATE_CHANCE of the weight of the fitting S-curves reaches the
# target; "levelling below target" when at most LEVEL_CHANCE does; in between the weeks
# so far cannot tell, unless the last quarter is straight (F test of a cubic against the
# line below its STRAIGHT_QUANTILE) and at least STRAIGHT_CHANCE reaches it.
DATE_CHANCE = 0.8
LEVEL_CHANCE = 0.2
STRAIGHT_QUANTILE = 0.9
STRAIGHT_CHANCE = 0.5


@lru_cache(maxsize=64)
def _bass_basis(n: int) -> np.ndarray:
    """F(t; p, q) for t = 1..n at every grid point: a (grid, n) array."""
    t = np.arange(1, n + 1, dtype=float)
    decay = np.exp(-np.outer(_P + _Q, t))
    basis = (1 - decay) / (1 + (_Q / _P)[:, None] * decay)
    basis.setflags(write=False)
    return basis


@dataclass(frozen=True)
class _Posterior:
    chance: float  # posterior share of fits reaching the target within the horizon
    times: np.ndarray  # period index (0 = first) where each reaching fit gets there
    weights: np.ndarray  # their posterior weights
    level: float  # posterior mean of the eventual level


def _s_curve_posterior(y: np.ndarray, target: float, cap: float) -> _Posterior:
    """Weights of the S-curves ``y = b + (L - b) F(t; p, q)`` on a grid, given the data.

    t = 1 is the first period. Every (p, q, L) cell is a curve: (p, q) from
    the log-spaced grid, each cell equally likely beforehand; the eventual
    level L on ``LEVELS`` steps below the target and as many above it, up to
    ``cap``, so that half the prior weight is on each side (when the weeks so
    far cannot tell, neither answer is favoured). The baseline b, between
    min(0, lowest value) and L, is fitted by least squares in closed form (the
    curve is linear in it), and the unknown noise SD is integrated out with
    the Jeffreys prior, so a cell weighs SSE^(-(n-1)/2). A small floor on the
    SSE keeps a noise-free series finite. (A baseline curve with b = L F(s) is
    exactly a Bass curve seen from period s on, so a series that starts mid-
    rollout is covered.)
    """
    n = len(y)
    basis = _bass_basis(n)
    rest = 1 - basis
    low = min(0.0, float(y.min()))
    levels = np.concatenate(
        [np.linspace(low, target, LEVELS + 1)[1:], np.linspace(target, cap, LEVELS + 1)[1:]]
    )[None, :]
    s_yf, s_ff = basis @ y, np.einsum("gt,gt->g", basis, basis)[:, None]
    s_uy, s_uf = rest @ y, np.einsum("gt,gt->g", rest, basis)[:, None]
    s_uu = np.maximum(np.einsum("gt,gt->g", rest, rest), 1e-12)[:, None]
    s_uz = s_uy[:, None] - levels * s_uf  # z = y - L F; the residual is z - b (1 - F)
    b = np.clip(s_uz / s_uu, low, levels)
    s_zz = float(y @ y) - 2 * levels * s_yf[:, None] + levels**2 * s_ff
    sse = s_zz - 2 * b * s_uz + b * b * s_uu
    scale = max(float(np.ptp(y)), abs(target), 1e-9)
    sse = np.maximum(sse, 0.0) + n * (1e-3 * scale) ** 2
    log_weight = -(n - 1) / 2 * np.log(sse)
    weight = np.exp(log_weight - log_weight.max())
    weight /= weight.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (target - b) / (levels - b)
        reaches = (levels > target) & (share < 1)
        share = np.clip(np.where(reaches, share, 0.5), 1e-12, 1 - 1e-12)
        p, q = _P[:, None], _Q[:, None]
        times = -np.log((1 - share) / (1 + share * q / p)) / (p + q) - 1
    reaches &= times <= n - 1 + HORIZON_PERIODS
    return _Posterior(
        float(weight[reaches].sum()),
        np.maximum(times[reaches], n),  # not before the next period
        weight[reaches],
        float((weight * levels).sum()),
    )


def _project_s_curve(
    periods: Sequence[date],
    values: Sequence[float],
    target: float,
    ceiling: float | None,
    rng: np.random.Generator,
) -> Projection:
    y = np.asarray(values, dtype=float)
    span = max(float(np.abs(y).max()), abs(target), 1.0)
    cap = float(ceiling) if ceiling is not None else 3 * span
    if cap > target:  # else (a target at the ceiling) no S-curve gets there: the line
        found = _s_curve_posterior(y, target, cap)
        if found.chance >= STRAIGHT_CHANCE and straight(y):
            line = _project_line(periods, values, target, rng)
            if line.state != DATE or line.interval is None:
                return line
            # The line is the course; if it bends the way the S-curves do, later.
            curve_low, _, curve_high = _spread(periods, found.times, found.weights)
            interval = (min(line.interval[0], curve_low), max(line.interval[1], curve_high))
            return replace(line, interval=interval, chance=found.chance, level=found.level)
        if found.chance >= DATE_CHANCE:
            low, middle, high = _spread(periods, found.times, found.weights)
            return Projection(middle, "s-curve", DATE, (low, high), found.chance, found.level)
        if found.chance <= LEVEL_CHANCE:
            return _no_date(LEVELLING, found.level, found.chance)
        return _no_date(TOO_FEW_WEEKS, found.level, found.chance)
    return _project_line(periods, values, target, rng)


def straight(values: Sequence[float], weeks: int = RECENT_PERIODS) -> bool:
    """Whether the last ``weeks`` periods lie on a straight line: a cubic fits them no
    better than the line (F test on 2 and weeks - 4 degrees of freedom, below its
    ``STRAIGHT_QUANTILE`` quantile). Needs ``weeks`` periods.
    """
    y = np.asarray(values, dtype=float)[-weeks:]
    if len(y) < weeks:
        return False
    t = np.linspace(-1, 1, len(y))
    line = np.polynomial.polynomial.polyfit(t, y, 1, full=True)[1][0]
    cubic = np.polynomial.polynomial.polyfit(t, y, 3, full=True)[1][0]
    line_sse = float(line[0]) if len(line) else 0.0
    cubic_sse = float(cubic[0]) if len(cubic) else 0.0
    if line_sse <= 1e-12 * max(float(y @ y), 1.0):
        return True
    ratio = ((line_sse - cubic_sse) / 2) / max(cubic_sse / (len(y) - 4), 1e-300)
    return ratio < stats.f.ppf(STRAIGHT_QUANTILE, 2, len(y) - 4)


def _theil_sen_many(ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Theil-Sen slope and intercept (median of y - slope t) for every row of ``ys``."""
    n = ys.shape[1]
    i, j = np.triu_indices(n, k=1)
    slopes = np.median((ys[:, j] - ys[:, i]) / (j - i), axis=1)
    t = np.arange(n, dtype=float)
    intercepts = np.median(ys - slopes[:, None] * t, axis=1)
    return slopes, intercepts


def _resample(fitted: np.ndarray, residuals: np.ndarray, k: int, rng: np.random.Generator):
    """``RESAMPLES`` series: the fit plus its centred residuals drawn with replacement,
    inflated by sqrt(n / (n - k)) for the ``k`` fitted parameters."""
    n = len(fitted)
    centred = (residuals - residuals.mean()) * math.sqrt(n / max(n - k, 1))
    return fitted[None, :] + centred[rng.integers(0, n, size=(RESAMPLES, n))]


def _project_line(
    periods: Sequence[date],
    values: Sequence[float],
    target: float,
    rng: np.random.Generator,
) -> Projection:
    """The Theil-Sen line over the recent periods, extended to target (values rising).

    The date is where the line fitted to the data reaches the target; the
    interval is the central ``INTERVAL`` of the dates of ``RESAMPLES`` lines
    refitted to residual-bootstrap series (those that rise).
    """
    y = np.asarray(values, dtype=float)[-RECENT_PERIODS:]
    dates = list(periods)[-RECENT_PERIODS:]
    n = len(y)
    slope, intercept = _theil_sen_many(y[None, :])
    fitted = intercept[0] + slope[0] * np.arange(n)
    slopes, intercepts = _theil_sen_many(_resample(fitted, y - fitted, 2, rng))

    def times(s: np.ndarray, a: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (target - a) / s
        return np.where((s > 0) & (t <= n - 1 + HORIZON_PERIODS), np.maximum(t, n), np.inf)

    point = float(times(slope, intercept)[0])
    refitted = times(slopes, intercepts)
    rising = np.isfinite(refitted)
    if not math.isfinite(point) or not rising.any():
        return _no_date(FLAT_OR_FALLING)
    low, _, high = _spread(dates, refitted[rising], np.ones(int(rising.sum())))
    on = _on(dates, point)
    return Projection(on, "linear", DATE, (min(low, on), max(high, on)), float(rising.mean()))


# --- words -------------------------------------------------------------------------------


def _day(value: date, year: bool = True) -> str:
    return f"{value.day} {value:%b %Y}" if year else f"{value.day} {value:%b}"


def projection_words(projection: Projection | None, *, higher_is_better: bool = True) -> str:
    """The projection in plain words: "about 14 Mar 2027 (between 2 Feb and 20 May)".

    Never two verdicts at once: "too few weeks to project" is the whole answer
    when it applies. A decline is a decline: a "higher is better" series that
    does not rise is "flat or falling", a "lower is better" one "flat or rising".
    """
    if projection is None:
        return "no target set"
    state = projection.state
    if state == REACHED:
        return "target reached"
    if state == TOO_FEW_WEEKS:
        if projection.chance is None:
            return "too few weeks to project"
        return "too few weeks to project: it may reach the target or level off short of it"
    if state == LEVELLING:
        return f"levelling off {'below' if higher_is_better else 'above'} the target"
    if state == FLAT_OR_FALLING or projection.reached_on is None:
        return f"flat or {'falling' if higher_is_better else 'rising'}: no date"
    words = f"about {_day(projection.reached_on)}"
    if projection.interval is not None and projection.interval[0] != projection.interval[1]:
        low, high = projection.interval
        words += f" (between {_day(low, year=low.year != high.year)} and {_day(high)})"
    return words
