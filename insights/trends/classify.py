"""Is a series rising, flat or falling? Mann-Kendall, Theil-Sen and a changepoint rule.

docs/diagnosis-statistics.md explains the constants.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

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
# (The standard library's normal distribution, not scipy's: importing scipy.stats costs
# half a second at every server start, see gunicorn.conf.py.)
_NORMAL = NormalDist()
_TRIM_Z = _NORMAL.inv_cdf(0.5 + TRIMMED_SHARE / 2)
_TRIMMED_VARIANCE = 1 - 2 * _TRIM_Z * _NORMAL.pdf(_TRIM_Z) / TRIMMED_SHARE


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
    p = 2 * _NORMAL.cdf(-abs(z))
    tau = s / (n * (n - 1) / 2)
    trend = "no trend"
    if p < alpha:
        trend = "increasing" if z > 0 else "decreasing"
    return MannKendall(s, float(tau), p, trend)


def theil_sen_slope(values: Sequence[float]) -> float:
    """Median of all pairwise slopes, per period: robust to outliers."""
    if len(values) < 2:
        return 0.0
    y = np.asarray(values, dtype=float)
    first, second = np.triu_indices(len(y), k=1)
    return float(np.median((y[second] - y[first]) / (second - first)))


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
