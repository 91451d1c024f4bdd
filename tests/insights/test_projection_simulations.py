"""Projections and plateaus measured on simulated, labelled series (fixed seeds, no app).

``pytest -s`` prints the measured rates; docs/diagnosis-statistics.md quotes them.

Projections: Bass curves m F(t; p, q) observed from go-live for 6-10 weeks, p and
q around the textbook values (p 0.01-0.05, q 0.2-0.6), eventual levels 5-20 points
above or 5-30 points below a target of 80 %, Gaussian noise with SD 1-3 points,
clipped to 0-100. "Wrong way": a date for a curve that never reaches the target,
or "levelling"/"flat or falling" for one that reaches it within a year of the last
week. "Too few weeks" is no verdict either way; its share is printed and bounded.

Plateaus: rising S-curves, S-curves that stop rising and stay flat for 6-12 weeks,
and S-curves that turn down. Recall over the flat ones; precision over equal
numbers of flat series and series still clearly moving (rising or falling by at
least 1 point and 0.75 noise SD a week over their last six weeks).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from datetime import date, timedelta

import numpy as np
import pytest

from insights.trends import (
    DATE,
    FLAT_OR_FALLING,
    LEVELLING,
    MIN_PERIODS,
    PROJECTION_STATES,
    REACHED,
    TOO_FEW_WEEKS,
    bass_cdf,
    classify_trend,
    project,
    project_target_date,
    projection_words,
)

TARGET = 80.0
HORIZON_WEEKS = 52
START = date(2026, 1, 5)


def weeks(n: int) -> list[date]:
    return [START + timedelta(weeks=i) for i in range(n)]


def true_index(level: float, p: float, q: float, offset: int = 0) -> float:
    """The period index (0 = first observed week) where level * F reaches TARGET."""
    if level <= TARGET:
        return math.inf
    share = TARGET / level
    decay = (1 - share) / (1 + share * q / p)
    return -math.log(decay) / (p + q) - 1 - offset


Range = tuple[float, float]


def draw_curve(
    rng: np.random.Generator, p_range: Range, q_range: Range, sd_range: Range
) -> tuple[float, ...]:
    p, q = rng.uniform(*p_range), rng.uniform(*q_range)
    above = rng.random() < 0.5
    level = min(100.0, TARGET + rng.uniform(5, 20)) if above else TARGET - rng.uniform(5, 30)
    return p, q, level, rng.uniform(*sd_range)


def simulate_projections(
    cases: int,
    seed: int,
    *,
    p_range: Range = (0.01, 0.05),
    q_range: Range = (0.2, 0.6),
    sd_range: Range = (1.0, 3.0),
    max_offset: int = 0,
    week_range: tuple[int, int] = (6, 10),
) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    count: Counter[str] = Counter()
    by_weeks: dict[int, Counter[str]] = {
        n: Counter() for n in range(week_range[0], week_range[1] + 1)
    }
    seconds = []
    for _ in range(cases):
        n = int(rng.integers(week_range[0], week_range[1] + 1))
        p, q, level, sd = draw_curve(rng, p_range, q_range, sd_range)
        offset = int(rng.integers(0, max_offset + 1))
        t = np.arange(1, n + 1) + offset
        values = np.clip(level * bass_cdf(t, p, q) + rng.normal(0, sd, n), 0, 100)
        truth = true_index(level, p, q, offset)
        started = time.perf_counter()
        found = project(weeks(n), list(values), TARGET, ceiling=100.0)
        seconds.append(time.perf_counter() - started)
        assert found.state in PROJECTION_STATES
        for tally in (count, by_weeks[n]):
            tally["cases"] += 1
            tally[found.state] += 1
            if found.state == DATE and not math.isfinite(truth):
                tally["wrong"] += 1
            if found.state in (LEVELLING, FLAT_OR_FALLING) and truth <= n - 1 + HORIZON_WEEKS:
                tally["wrong"] += 1
        if found.state == DATE and math.isfinite(truth):
            assert found.interval is not None and found.reached_on is not None
            low, high = found.interval
            assert low <= found.reached_on <= high
            # A projection is about the weeks to come: a curve that crossed the target
            # between the last week and the next is reached in the next week.
            when = START + timedelta(weeks=max(truth, n))
            count["dated"] += 1
            count["covered"] += low - timedelta(days=3.5) <= when <= high + timedelta(days=3.5)
            count["width_days"] += (high - low).days
    rates = {
        "wrong": count["wrong"] / count["cases"],
        "too_few": count[TOO_FEW_WEEKS] / count["cases"],
        "dated": count[DATE] / count["cases"],
        "coverage": count["covered"] / max(count["dated"], 1),
        "width_weeks": count["width_days"] / 7 / max(count["dated"], 1),
        "median_ms": 1000 * float(np.median(seconds)),
        "max_ms": 1000 * max(seconds),
    }
    for n, tally in by_weeks.items():
        rates[f"wrong_{n}"] = tally["wrong"] / max(tally["cases"], 1)
        rates[f"too_few_{n}"] = tally[TOO_FEW_WEEKS] / max(tally["cases"], 1)
    rates["reached"] = count[REACHED] / count["cases"]
    return rates


def show(name: str, rates: dict[str, float], weeks_shown: range = range(6, 11)) -> None:
    print(
        f"\n{name}: wrong way {rates['wrong']:.1%}, too few weeks {rates['too_few']:.1%}, "
        f"dated {rates['dated']:.1%}, reached {rates['reached']:.1%}, interval coverage "
        f"{rates['coverage']:.1%} (mean width {rates['width_weeks']:.1f} weeks), "
        f"{rates['median_ms']:.1f} ms median / {rates['max_ms']:.1f} ms max per projection"
    )
    print(
        "  by weeks of data: "
        + ", ".join(
            f"{n}: wrong {rates[f'wrong_{n}']:.1%} too few {rates[f'too_few_{n}']:.0%}"
            for n in weeks_shown
        )
    )


def test_projections_from_six_to_ten_weeks_rarely_point_the_wrong_way() -> None:
    rates = simulate_projections(800, seed=20260601)
    show("Bass curves from go-live, 6-10 weeks", rates)
    assert rates["wrong"] <= 0.05
    assert rates["coverage"] >= 0.80
    assert rates["too_few"] <= 0.75  # honest, but not silent: most verdicts by ten weeks
    assert rates["too_few_10"] <= rates["too_few_6"]
    assert rates["median_ms"] < 50


def test_projections_hold_up_outside_the_textbook_parameters() -> None:
    broad = simulate_projections(
        300, seed=7, p_range=(0.005, 0.1), q_range=(0.1, 0.9), sd_range=(0.5, 4.0)
    )
    show("wider p, q and noise", broad)
    later = simulate_projections(300, seed=8, max_offset=6)
    show("series starting 0-6 weeks after go-live", later)
    longer = simulate_projections(300, seed=9, week_range=(12, 26))
    show("12-26 weeks of data", longer, range(12, 27, 7))
    for rates in (broad, later, longer):
        assert rates["wrong"] <= 0.06
    for rates in (broad, later):
        assert rates["coverage"] >= 0.80


def test_a_forced_choice_could_not_do_better_than_one_in_eight() -> None:
    """Why "too few weeks" exists: even knowing the simulation's own distribution of
    p, q, level and noise, the best yes/no verdict from 6-10 weeks is often wrong."""
    rng = np.random.default_rng(3)
    p_grid, q_grid = np.linspace(0.01, 0.05, 9), np.linspace(0.2, 0.6, 9)
    below, above = TARGET - np.linspace(5, 30, 26), np.minimum(100, TARGET + np.linspace(5, 20, 16))
    levels = np.concatenate([below, above])
    prior = np.concatenate([np.full(26, 0.5 / 26), np.full(16, 0.5 / 16)])
    pp, qq, ll = np.meshgrid(p_grid, q_grid, levels, indexing="ij")
    weights = np.broadcast_to(prior, pp.shape)
    wrong = 0
    cases = 400
    for _ in range(cases):
        n = int(rng.integers(6, 11))
        t = np.arange(1, n + 1)
        p, q, level, sd = draw_curve(rng, (0.01, 0.05), (0.2, 0.6), (1.0, 3.0))
        values = level * bass_cdf(t, p, q) + rng.normal(0, sd, n)
        curves = ll[..., None] * bass_cdf(t, pp[..., None], qq[..., None])
        log_like = -((curves - values) ** 2).sum(-1) / (2 * sd * sd)
        posterior = weights * np.exp(log_like - log_like.max())
        reaches = posterior[ll > TARGET].sum() / posterior.sum()
        wrong += (reaches > 0.5) != (level > TARGET)
    print(f"\nbest forced yes/no verdict from 6-10 weeks: wrong {wrong / cases:.1%}")
    assert wrong / cases > 0.125


@pytest.mark.parametrize("seed", range(6))
def test_a_steady_linear_rise_gets_a_date(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = list(30 + 2.5 * np.arange(12) + rng.normal(0, 1.0, 12))  # 30 % -> 58 %, +2.5/week
    found = project(weeks(12), values, TARGET, ceiling=100.0)
    assert found.state == DATE
    assert found.interval is not None
    exact = weeks(12)[0] + timedelta(weeks=(TARGET - 30) / 2.5)
    low, high = found.interval
    assert low - timedelta(weeks=2) <= exact <= high + timedelta(weeks=2)
    # a whole initiative: longer, smoother, slower
    whole = list(20 + 1.5 * np.arange(20) + rng.normal(0, 0.6, 20))
    assert project(weeks(20), whole, TARGET, ceiling=100.0).state == DATE


def plateau_series(rng: np.random.Generator) -> tuple[np.ndarray, float, int]:
    p, q, level, sd = rng.uniform(0.01, 0.05), rng.uniform(0.2, 0.6), rng.uniform(50, 100), 0.0
    sd = rng.uniform(1, 3)
    rise, flat = int(rng.integers(6, 17)), int(rng.integers(6, 13))
    t = np.arange(1, rise + flat + 1)
    return level * bass_cdf(np.minimum(t, rise), p, q), sd, flat


def moving_series(rng: np.random.Generator, direction: int) -> tuple[np.ndarray, float]:
    """A rising S-curve (direction 1), or one that turns down (-1), still clearly moving."""
    while True:
        p, q, level = rng.uniform(0.01, 0.05), rng.uniform(0.2, 0.6), rng.uniform(50, 100)
        sd = rng.uniform(1, 3)
        if direction > 0:
            truth = level * bass_cdf(np.arange(1, int(rng.integers(10, 27)) + 1), p, q)
        else:
            rise, fall = int(rng.integers(6, 17)), int(rng.integers(6, 13))
            t = np.arange(1, rise + fall + 1)
            speed = rng.uniform(0.3, 3)
            truth = level * bass_cdf(np.minimum(t, rise), p, q) - speed * np.maximum(t - rise, 0)
        weekly = direction * (truth[-1] - truth[-6]) / 5
        if weekly >= max(1.0, 0.75 * sd):
            return truth, sd


def noisy(truth: np.ndarray, sd: float, rng: np.random.Generator) -> list[float]:
    return list(np.clip(truth + rng.normal(0, sd, len(truth)), 0, 100))


def test_plateaus_of_six_flat_weeks_are_found_without_false_alarms() -> None:
    rng = np.random.default_rng(11)
    cases = 1000
    found: Counter[int] = Counter()
    total: Counter[int] = Counter()
    for _ in range(cases):
        truth, sd, flat = plateau_series(rng)
        total[flat] += 1
        found[flat] += classify_trend(noisy(truth, sd, rng)).label == "plateau"
    false_alarms = {}
    for direction in (1, -1):
        alarms = 0
        for _ in range(cases):
            truth, sd = moving_series(rng, direction)
            alarms += classify_trend(noisy(truth, sd, rng)).label == "plateau"
        false_alarms[direction] = alarms / cases
    recall = sum(found.values()) / cases
    alarm_rate = (false_alarms[1] + false_alarms[-1]) / 2
    precision = recall / (recall + alarm_rate)  # as many moving series as flat ones
    print(
        f"\nplateaus: recall {recall:.1%} (by flat weeks: "
        + ", ".join(f"{k}: {found[k] / total[k]:.0%}" for k in sorted(total))
        + f"), precision {precision:.1%}; called flat: {false_alarms[1]:.1%} of rising, "
        f"{false_alarms[-1]:.1%} of falling series"
    )
    assert recall >= 0.90
    assert precision >= 0.95
    assert found[6] / total[6] >= 0.85


def test_a_fall_after_a_rise_is_a_decline_not_a_plateau() -> None:
    values = [10, 20, 30, 40, 50, 55, 52, 48, 45, 41, 38, 35]
    assert classify_trend(values).label == "declining"
    found = project(weeks(12), values, TARGET, ceiling=100.0)
    assert found.state == FLAT_OR_FALLING
    assert projection_words(found) == "flat or falling: no date"


def test_six_flat_weeks_after_a_rise_are_a_plateau_and_level_off_below_target() -> None:
    values = [5, 12, 20, 28, 35, 42, 48, 53, 55.4, 54.1, 55.9, 54.6, 55.2, 54.7]
    trend = classify_trend(values)
    assert (trend.label, trend.periods) == ("plateau", 6)
    found = project(weeks(len(values)), values, TARGET, ceiling=100.0)
    assert found.state == LEVELLING
    assert projection_words(found) == "levelling off below the target"


def test_too_few_weeks_is_the_only_verdict_below_the_minimum() -> None:
    for n in range(1, MIN_PERIODS):
        values = [10.0 * (i + 1) for i in range(n)]
        assert classify_trend(values).label is None
        found = project(weeks(n), values, TARGET, ceiling=100.0)
        assert found.state == TOO_FEW_WEEKS and found.reached_on is None
        assert projection_words(found) == "too few weeks to project"
    assert project(weeks(3), [50, 70, 85], TARGET).state == REACHED
    assert project([], [], TARGET).state == TOO_FEW_WEEKS


def test_words_for_a_date_give_the_interval() -> None:
    rng = np.random.default_rng(1)
    values = list(30 + 2.5 * np.arange(12) + rng.normal(0, 1.0, 12))
    found = project(weeks(12), values, TARGET, ceiling=100.0)
    words = projection_words(found)
    assert found.reached_on is not None and found.interval is not None
    assert words.startswith(f"about {found.reached_on.day} {found.reached_on:%b %Y} (between ")
    assert words.endswith(f"{found.interval[1].day} {found.interval[1]:%b %Y})")
    assert "not on the current trend" not in words


def test_lower_is_better_moves_along_its_line_and_a_rise_is_a_rise() -> None:
    falling = [40, 38, 36, 34, 32, 30, 28, 26]  # churn %, target 20: three more weeks
    found = project(weeks(8), falling, 20, higher_is_better=False)
    assert found.state == DATE and found.reached_on == weeks(8)[-1] + timedelta(weeks=3)
    rising = [26, 28, 30, 32, 34, 36, 38, 40]
    found = project(weeks(8), rising, 20, higher_is_better=False)
    assert found.state == FLAT_OR_FALLING
    assert projection_words(found, higher_is_better=False) == "flat or rising: no date"


def test_the_old_entry_point_and_a_fixed_seed_give_the_same_projection() -> None:
    rng = np.random.default_rng(4)
    values = list(30 + 2.5 * np.arange(12) + rng.normal(0, 1.0, 12))
    first = project(weeks(12), values, TARGET, ceiling=100.0, seed=0)
    assert project(weeks(12), values, TARGET, ceiling=100.0, seed=0) == first
    assert project_target_date(weeks(12), values, TARGET, ceiling=100.0) == first
