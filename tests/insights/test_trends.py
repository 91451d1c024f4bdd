"""Trend statistics against independently computed reference values, and the rules built on them."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from insights.trends import (
    bass_cdf,
    bass_peak_time,
    classify_trend,
    mann_kendall,
    project_target_date,
    theil_sen_slope,
)

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "scoring_cases.json"


def reference(section: str) -> list[dict[str, Any]]:
    if not REFERENCE.exists():
        pytest.skip(f"reference values not found at {REFERENCE}")
    cases: list[dict[str, Any]] = json.loads(REFERENCE.read_text())[section]
    return cases


def trend_case(name: str) -> dict[str, Any]:
    return next(case for case in reference("trend") if case["name"] == name)


TREND_NAMES = ["clean_rise", "plateau_after_rise", "noisy_flat", "decline", "plateau_last_12"]


@pytest.mark.parametrize("name", TREND_NAMES)
def test_mann_kendall_and_theil_sen_match_the_reference(name: str) -> None:
    case = trend_case(name)
    result = mann_kendall(case["values"])
    assert result.tau == pytest.approx(case["kendall_tau"], rel=1e-9)
    assert result.p == pytest.approx(case["mann_kendall_p"], rel=1e-6)
    assert result.trend == case["mann_kendall_trend"]
    # the stored values are rounded to 4 decimals; the reference slope was not
    assert theil_sen_slope(case["values"]) == pytest.approx(case["theil_sen_slope"], rel=1e-4)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("clean_rise", "rising"),
        ("plateau_after_rise", "plateau"),  # the last 12 periods are flat
        ("noisy_flat", "plateau"),
        ("decline", "declining"),
    ],
)
def test_recent_trend_labels(name: str, label: str) -> None:
    assert classify_trend(trend_case(name)["values"]).label == label


def test_too_few_periods_have_no_trend() -> None:
    assert classify_trend([10, 20, 30]).label is None


def test_bass_curve_matches_the_reference() -> None:
    (case,) = reference("bass")
    for t, expected in case["F"].items():
        assert bass_cdf(float(t), case["p"], case["q"]) == pytest.approx(expected, rel=1e-9)
    assert bass_peak_time(case["p"], case["q"]) == pytest.approx(case["peak_time"], rel=1e-9)
    assert bass_cdf(case["peak_time"], case["p"], case["q"]) == pytest.approx(case["F_at_peak"])


def weeks(n: int) -> list[date]:
    start = date(2026, 1, 5)
    return [start + timedelta(weeks=i) for i in range(n)]


def test_projection_on_an_s_curve_lands_where_the_curve_reaches_target() -> None:
    t = np.arange(1, 11)
    values = list(90 * bass_cdf(t, 0.03, 0.38))  # heading for 90%, at 73% after 10 weeks
    projection = project_target_date(weeks(10), values, 80.0, ceiling=100)
    assert projection.method == "s-curve"
    exact = next(i for i in range(1, 60) if 90 * bass_cdf(i, 0.03, 0.38) >= 80)
    assert projection.reached_on is not None
    assert abs((projection.reached_on - weeks(exact)[-1]).days) <= 7


def test_a_plateau_below_target_is_not_on_course() -> None:
    values = [20, 30, 38, 44, 47, 49, 50, 50, 51, 50, 50, 51, 50, 50]
    projection = project_target_date(weeks(len(values)), values, 80.0, ceiling=100)
    assert projection.reached_on is None
    assert projection.method == "not on the current trend"


def test_already_reached_and_lower_is_better() -> None:
    assert project_target_date(weeks(3), [50, 70, 85], 80).method == "already reached"
    falling = [40, 38, 36, 34, 32, 30, 28, 26]  # e.g. churn %, target 20
    projection = project_target_date(weeks(8), falling, 20, higher_is_better=False)
    assert projection.method == "linear"
    assert projection.reached_on == weeks(8)[-1] + timedelta(weeks=3)
