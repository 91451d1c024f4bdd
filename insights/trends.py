"""Trends of a metric over periods: is it rising, flat or falling, and when will it reach target?

A robust slope (Theil-Sen) with a Mann-Kendall test, so that noise is not
called a trend; a Bass diffusion S-curve fitted to adoption to project the
date a target is reached, falling back to the linear trend.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy import optimize, stats

# Recent periods that decide the current trend (a quarter of weekly data).
RECENT_PERIODS = 12
MIN_PERIODS = 6
SIGNIFICANCE = 0.05


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
    slope: float
    p: float
    periods: int


def classify_trend(values: Sequence[float], recent: int = RECENT_PERIODS) -> Trend:
    """Rising, plateau or declining over the last ``recent`` periods.

    Only a significant Mann-Kendall test makes a trend; otherwise the series is
    flat ("plateau"), whatever its slope looks like.
    """
    window = list(values)[-recent:]
    if len(window) < MIN_PERIODS:
        return Trend(None, 0.0, 1.0, len(window))
    test = mann_kendall(window)
    slope = theil_sen_slope(window)
    label = {"increasing": "rising", "decreasing": "declining"}.get(test.trend, "plateau")
    return Trend(label, slope, test.p, len(window))


def bass_cdf(t: float | np.ndarray, p: float, q: float) -> float | np.ndarray:
    """Share of eventual adopters by time t: F(t) = (1 - e^(-(p+q)t)) / (1 + (q/p) e^(-(p+q)t))."""
    decay = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1 - decay) / (1 + (q / p) * decay)


def bass_peak_time(p: float, q: float) -> float:
    """When adoption grows fastest: t* = ln(q/p) / (p + q)."""
    return math.log(q / p) / (p + q)


@dataclass(frozen=True)
class Projection:
    reached_on: date | None
    method: str  # "already reached" | "s-curve" | "linear" | "not on the current trend"


def _reached(value: float, target: float, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


def project_target_date(
    periods: Sequence[date],
    values: Sequence[float],
    target: float,
    *,
    higher_is_better: bool = True,
    ceiling: float | None = None,
) -> Projection:
    """When the series reaches ``target`` on its current course.

    For rising "higher is better" metrics a Bass curve m·F(t) is fitted (m the
    eventual level, capped at ``ceiling``, e.g. 100 for a percentage); if the
    fitted level stays short of target there is no date. Otherwise, or when
    the fit fails, the Theil-Sen line over the recent periods is extended.
    """
    if not values:
        return Projection(None, "not on the current trend")
    if _reached(values[-1], target, higher_is_better):
        return Projection(periods[-1], "already reached")
    step = (periods[-1] - periods[0]) / (len(periods) - 1) if len(periods) > 1 else timedelta(7)
    if higher_is_better and len(values) >= MIN_PERIODS:
        fitted = _fit_bass(values, ceiling)
        if fitted is not None:
            level, p, q = fitted
            if level * 0.995 < target:
                return Projection(None, "not on the current trend")
            share = target / level
            t = _bass_time_for_share(share, p, q)
            if t is not None and t >= len(values) - 1:
                return Projection(periods[0] + step * t, "s-curve")
    trend = classify_trend(values)
    slope = trend.slope if trend.label in {"rising", "declining"} else 0.0
    gap = target - values[-1]
    if slope == 0 or (gap > 0) != (slope > 0):
        return Projection(None, "not on the current trend")
    return Projection(periods[-1] + step * (gap / slope), "linear")


def _fit_bass(values: Sequence[float], ceiling: float | None) -> tuple[float, float, float] | None:
    y = np.asarray(values, dtype=float)
    t = np.arange(1, len(y) + 1, dtype=float)
    top = ceiling if ceiling is not None else max(y.max() * 3, 1.0)
    start = (max(y.max() * 1.2, 1e-6), 0.03, 0.38)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (level, p, q), _ = optimize.curve_fit(
                lambda tt, m, pp, qq: m * bass_cdf(tt, pp, qq),
                t,
                y,
                p0=[min(start[0], top), start[1], start[2]],
                bounds=([1e-6, 1e-4, 1e-4], [top, 1.0, 3.0]),
                maxfev=5000,
            )
    except (RuntimeError, ValueError):
        return None
    return float(level), float(p), float(q)


def _bass_time_for_share(share: float, p: float, q: float) -> float | None:
    """Invert F(t) = share (0 < share < 1)."""
    if not 0 < share < 1:
        return None
    # F = (1 - D) / (1 + (q/p) D), D = e^{-(p+q)t}  =>  D = (1 - F) / (1 + F q / p)
    decay = (1 - share) / (1 + share * q / p)
    return -math.log(decay) / (p + q) - 1  # -1: t counted from the first period
