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

By question: :mod:`.classify` (the trend), :mod:`.s_curve` (the Bass curves),
:mod:`.projection` (the target date), :mod:`.words` (saying it).
docs/diagnosis-statistics.md explains the choices and the simulations behind
the constants (tests/insights/test_projection_simulations.py). Pure functions:
no Flask, no database.
"""

from insights.trends.classify import (
    BEFORE_WEEKS,
    FLAT_SHARE,
    FLAT_WEEKS,
    FLAT_Z,
    MIN_PERIODS,
    NOISE_PERIODS,
    RECENT_PERIODS,
    SIGNIFICANCE,
    TRIMMED_SHARE,
    TURN_Z,
    MannKendall,
    Trend,
    classify_trend,
    mann_kendall,
    noise_level,
    recent_change,
    theil_sen_slope,
)
from insights.trends.projection import (
    DATE,
    DATE_CHANCE,
    FIT_PERIODS,
    FLAT_OR_FALLING,
    INTERVAL,
    LEVEL_CHANCE,
    LEVELLING,
    NOT_ON_COURSE,
    PROJECTION_STATES,
    REACHED,
    RESAMPLES,
    STRAIGHT_CHANCE,
    STRAIGHT_QUANTILE,
    TOO_FEW_WEEKS,
    Projection,
    project,
    project_target_date,
    straight,
)
from insights.trends.s_curve import (
    HORIZON_PERIODS,
    LEVELS,
    Posterior,
    bass_cdf,
    bass_peak_time,
    s_curve_posterior,
)
from insights.trends.words import (
    projection_words,
)

__all__ = [
    "BEFORE_WEEKS",
    "DATE",
    "DATE_CHANCE",
    "FIT_PERIODS",
    "FLAT_OR_FALLING",
    "FLAT_SHARE",
    "FLAT_WEEKS",
    "FLAT_Z",
    "HORIZON_PERIODS",
    "INTERVAL",
    "LEVELLING",
    "LEVELS",
    "LEVEL_CHANCE",
    "MIN_PERIODS",
    "MannKendall",
    "NOISE_PERIODS",
    "NOT_ON_COURSE",
    "PROJECTION_STATES",
    "Posterior",
    "Projection",
    "REACHED",
    "RECENT_PERIODS",
    "RESAMPLES",
    "SIGNIFICANCE",
    "STRAIGHT_CHANCE",
    "STRAIGHT_QUANTILE",
    "TOO_FEW_WEEKS",
    "TRIMMED_SHARE",
    "TURN_Z",
    "Trend",
    "bass_cdf",
    "bass_peak_time",
    "classify_trend",
    "mann_kendall",
    "noise_level",
    "project",
    "project_target_date",
    "projection_words",
    "recent_change",
    "s_curve_posterior",
    "straight",
    "theil_sen_slope",
]
