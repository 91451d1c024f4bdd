"""When does a series reach its target on its current course, and how sure is that?

Adoption ("higher is better") is weighed over a grid of Bass S-curves
(:mod:`.s_curve`); a straight recent course and "lower is better" series are
extended along a Theil-Sen line with a residual bootstrap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from insights.trends.classify import MIN_PERIODS, RECENT_PERIODS, classify_trend, mann_kendall
from insights.trends.s_curve import HORIZON_PERIODS, s_curve_posterior

# Projections: the S-curve is fitted to the last FIT_PERIODS periods; a date comes with
# the central INTERVAL of the dates the fitting curves give (HORIZON_PERIODS: see
# s_curve). A straight line is bootstrapped RESAMPLES times (fixed seed).
FIT_PERIODS = 52
INTERVAL = 0.80
RESAMPLES = 200
# A date when at least DATE_CHANCE of the weight of the fitting S-curves reaches the
# target; "levelling below target" when at most LEVEL_CHANCE does; in between the weeks
# so far cannot tell, unless the last quarter is straight (F test of a cubic against the
# line below its STRAIGHT_QUANTILE) and at least STRAIGHT_CHANCE reaches it.
DATE_CHANCE = 0.8
LEVEL_CHANCE = 0.2
STRAIGHT_QUANTILE = 0.9
STRAIGHT_CHANCE = 0.5


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
    :func:`s_curve_posterior`. "Lower is better" series (churn, waiting
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


def _weighted_quantiles(
    values: np.ndarray, weights: np.ndarray, shares: Sequence[float]
) -> np.ndarray:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    cumulative /= cumulative[-1]
    picks = np.searchsorted(cumulative, np.asarray(shares, dtype=float))
    picked: np.ndarray = values[order][np.minimum(picks, len(values) - 1)]
    return picked


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
        found = s_curve_posterior(y, target, cap)
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


def straight(values: Sequence[float] | np.ndarray, weeks: int = RECENT_PERIODS) -> bool:
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
    from scipy import stats  # not at the top: see insights/drivers.py _unit_ranks

    return bool(ratio < stats.f.ppf(STRAIGHT_QUANTILE, 2, len(y) - 4))


def _theil_sen_many(ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Theil-Sen slope and intercept (median of y - slope t) for every row of ``ys``."""
    n = ys.shape[1]
    i, j = np.triu_indices(n, k=1)
    slopes = np.median((ys[:, j] - ys[:, i]) / (j - i), axis=1)
    t = np.arange(n, dtype=float)
    intercepts = np.median(ys - slopes[:, None] * t, axis=1)
    return slopes, intercepts


def _resample(
    fitted: np.ndarray, residuals: np.ndarray, k: int, rng: np.random.Generator
) -> np.ndarray:
    """``RESAMPLES`` series: the fit plus its centred residuals drawn with replacement,
    inflated by sqrt(n / (n - k)) for the ``k`` fitted parameters."""
    n = len(fitted)
    centred = (residuals - residuals.mean()) * math.sqrt(n / max(n - k, 1))
    drawn: np.ndarray = fitted[None, :] + centred[rng.integers(0, n, size=(RESAMPLES, n))]
    return drawn


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
