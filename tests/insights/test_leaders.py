"""Leaders' practices against their teams' outcomes: weighting, the minimum, the words,
and both error rates on simulated leaders (fixed seeds, small runs; the larger runs are
in docs/diagnosis-statistics.md, "## Leaders and their teams")."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from insights.leaders import (
    ADOPTION,
    LEADERS_MIN,
    OUTCOMES,
    PULSE,
    LeaderInput,
    TeamOutcome,
    associations,
    simulate_finding_rate,
    simulate_leaders,
    weighted_outcome,
)
from survey.practices import PRACTICE_KEYS, PRACTICES

NAMES = {practice.key: practice.name for practice in PRACTICES}


def test_a_leader_of_several_teams_gets_their_headcount_weighted_mean() -> None:
    teams = [
        TeamOutcome(30, {ADOPTION: 80.0, PULSE: 4.0}),
        TeamOutcome(10, {ADOPTION: 40.0}),
        TeamOutcome(0, {ADOPTION: 0.0}),  # nobody in it: no weight
    ]
    assert weighted_outcome(teams, ADOPTION) == pytest.approx(70.0)
    assert weighted_outcome(teams, PULSE) == 4.0  # only the team that has it
    assert (
        weighted_outcome(
            [TeamOutcome(0, {ADOPTION: 10.0}), TeamOutcome(0, {ADOPTION: 20.0})], ADOPTION
        )
        == 15.0
    )
    assert weighted_outcome([TeamOutcome(12, {})], ADOPTION) is None


def _leaders(xs: list[float], ys: list[float]) -> list[LeaderInput]:
    return [
        LeaderInput(
            {key: x + k for k, key in enumerate(PRACTICE_KEYS)}, [TeamOutcome(10, {ADOPTION: y})]
        )
        for x, y in zip(xs, ys, strict=True)
    ]


def test_below_the_minimum_nothing_is_tested_and_it_says_what_is_missing() -> None:
    few = _leaders([30.0, 40.0, 50.0, 55.0], [20.0, 40.0, 60.0, 80.0])  # a perfect order
    result = associations(few, NAMES)
    assert result.status == f"Not enough leaders to say (4 of {LEADERS_MIN} needed)."
    assert result.leaders == 4
    assert not result.found
    assert all(a.rho is None and a.p is None for a in result.associations)
    assert {a.words for a in result.associations if a.outcome == ADOPTION} == {result.status}


def test_a_strong_association_goes_with_the_outcome_in_plain_words() -> None:
    rng = np.random.default_rng(3)
    xs = [float(v) for v in rng.normal(42, 6, 20).round(1)]
    ys = [float(60 + 2 * (x - 42) + e) for x, e in zip(xs, rng.normal(0, 2, 20), strict=True)]
    result = associations(_leaders(xs, ys), NAMES)
    assert result.status is None and result.leaders == 20
    model = next(a for a in result.associations if a.practice == "model" and a.outcome == ADOPTION)
    expected = stats.spearmanr(xs, ys).statistic
    assert model.state == "goes_with" and model.rho == pytest.approx(expected)
    assert model.method == "permutation" and model.tested == 5  # no pulse figures: 5 tests
    assert model.p is not None and model.p_adjusted is not None
    assert model.p <= model.p_adjusted < 0.05
    assert model.words.startswith(
        "A higher observers’ score on “Model the way” goes with a higher adoption rate "
        "in the leader’s teams: Spearman ρ = "
    )
    assert "across 20 leaders" in model.words and "after adjusting for the 5 tests" in model.words
    assert "cause" not in model.words
    # The pulse had no figures: every leader lacks it, so its pairs say what is missing.
    pulse = [a for a in result.associations if a.outcome == PULSE]
    assert {a.state for a in pulse} == {"too_few"}
    assert pulse[0].words == f"Not enough leaders to say (0 of {LEADERS_MIN} needed)."


def test_unrelated_figures_are_called_chance_and_identical_ones_not_ranked() -> None:
    rng = np.random.default_rng(5)
    leaders = simulate_leaders(rng, 18, PRACTICE_KEYS)
    result = associations(leaders, NAMES, OUTCOMES)
    assert len(result.associations) == 10 and all(a.tested == 10 for a in result.associations)
    for a in result.associations:
        if a.state == "noise":
            assert a.words.startswith("No link distinguishable from chance: Spearman ρ = ")
    flat = [
        LeaderInput(dict.fromkeys(PRACTICE_KEYS, 40.0), [TeamOutcome(9, {ADOPTION: 50.0 + i})])
        for i in range(LEADERS_MIN)
    ]
    first = next(a for a in associations(flat, NAMES).associations if a.outcome == ADOPTION)
    assert first.state == "no_spread" and "same figure" in first.words


def test_no_association_is_found_in_at_most_5_percent_of_null_runs() -> None:
    """No real link: a false "goes with" in <= 5 % of runs, also with the minimum left out."""
    for n in (LEADERS_MIN, 20):
        rate = simulate_finding_rate(n, PRACTICE_KEYS, rho=0.0, runs=200, seed=11, min_leaders=0)
        print(f"\nfalse findings, {n} leaders: {100 * rate:.1f} %")
        assert rate <= 0.05
    assert simulate_finding_rate(10, PRACTICE_KEYS, rho=0.0, runs=100, seed=11) == 0.0


def test_a_strong_real_association_is_found_about_half_the_time_at_the_minimum() -> None:
    rate = simulate_finding_rate(LEADERS_MIN, PRACTICE_KEYS, rho=0.7, runs=150, seed=12)
    print(f"\npower at rho 0.7, {LEADERS_MIN} leaders: {100 * rate:.1f} %")
    assert 0.3 <= rate <= 0.75
