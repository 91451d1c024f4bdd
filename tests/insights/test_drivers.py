"""Driver analysis that does not invent findings: exact p-values, the multiple-testing
adjustment, the minimum number of teams, and simulations of both error rates.

Pure, fixed seeds. The measured rates are printed (``pytest -s`` shows them) and
match the tables in docs/diagnosis-statistics.md, "## Drivers".
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats

from insights.driver_simulation import simulate_finding_rate
from insights.driver_words import driver_evidence, driver_title, format_p
from insights.drivers import (
    DRIVER_ALPHA,
    DRIVER_MIN_TEAMS,
    EXACT_MAX_TEAMS,
    PERMUTATIONS,
    Driver,
    drivers,
    drivers_status,
    holm,
    spearman_test,
    strongest_driver,
)


@dataclass(frozen=True)
class Team:
    dimensions: dict[str, float]
    adoption: float | None


def brute_force_p(x: list[float], y: list[float]) -> float:
    """Two-sided exact p by hand: every ordering of y, SciPy's rho for each."""
    observed = abs(stats.spearmanr(x, y).statistic)
    orderings = list(itertools.permutations(y))
    extreme = sum(
        abs(stats.spearmanr(x, list(order)).statistic) >= observed - 1e-9 for order in orderings
    )
    return float(extreme / len(orderings))


def abs_spearman(y: list[float]) -> Callable[..., np.ndarray]:
    """|rho| against y as a vectorised statistic for ``scipy.stats.permutation_test``
    (checked against ``scipy.stats.spearmanr`` on the observed data in each test)."""

    def statistic(xs: np.ndarray, axis: int = -1) -> np.ndarray:
        ranks = stats.rankdata(np.moveaxis(xs, axis, -1), axis=-1)
        ranks = ranks - ranks.mean(axis=-1, keepdims=True)
        ry = stats.rankdata(y) - stats.rankdata(y).mean()
        rho: np.ndarray = np.abs(ranks @ ry) / (np.linalg.norm(ranks, axis=-1) * np.linalg.norm(ry))
        return rho

    return statistic


# --- the exact test --------------------------------------------------------------------


@pytest.mark.parametrize(("n", "expected"), [(3, 2 / 6), (4, 2 / 24), (5, 2 / 120), (6, 2 / 720)])
def test_a_perfect_order_has_the_exact_two_sided_p(n: int, expected: float) -> None:
    # Three teams in the same order on both: 2 of the 6 orderings are as extreme (1/3),
    # where SciPy's t approximation says p = 0.
    up = spearman_test(range(n), [10 * i for i in range(n)])
    down = spearman_test(range(n), [-10 * i for i in range(n)])
    assert up.rho == pytest.approx(1.0) and down.rho == pytest.approx(-1.0)
    assert up.p == pytest.approx(expected) and down.p == pytest.approx(expected)
    assert up.method == "exact"
    if n == 3:
        assert up.p == pytest.approx(1 / 3)
        assert stats.spearmanr(range(3), range(3)).pvalue == 0  # what went wrong before


SMALL_CASES = [
    ([3.1, 2.2, 4.0, 2.9, 3.5], [40, 41, 42, 43, 44]),
    ([2.5, 3.0, 3.0, 4.1, 3.8, 2.9], [31, 45, 52, 60, 58, 40]),  # a tie in x
    ([2.0, 2.0, 3.0, 3.0, 4.0, 4.5, 1.5], [50, 50, 61, 55, 70, 70, 42]),  # ties on both sides
    ([4.2, 3.1, 2.8, 3.9, 3.3, 2.1, 3.6], [35, 60, 62, 41, 48, 75, 52]),  # a negative one
]


@pytest.mark.parametrize(("x", "y"), SMALL_CASES)
def test_exact_p_matches_brute_force_and_scipy_permutation_test(
    x: list[float], y: list[float]
) -> None:
    result = spearman_test(x, y)
    assert result.rho == pytest.approx(stats.spearmanr(x, y).statistic)
    assert abs_spearman(y)(np.array(x)) == pytest.approx(abs(result.rho))
    if len(x) <= 6:
        assert result.p == pytest.approx(brute_force_p(x, y))
    reference = stats.permutation_test(
        (x,),
        abs_spearman(y),
        permutation_type="pairings",
        alternative="greater",
        n_resamples=math.inf,
        vectorized=True,
    )
    assert result.p == pytest.approx(reference.pvalue)
    print(f"\nn={len(x)} rho={result.rho:+.3f} exact p={result.p:.4f} scipy={reference.pvalue:.4f}")


def test_the_exact_p_for_eight_teams_enumerates_all_40320_orderings() -> None:
    x = [3.0, 3.4, 2.8, 4.1, 3.9, 2.5, 3.6, 3.3]
    y = [44, 52, 39, 71, 58, 40, 49, 55]
    result = spearman_test(x, y)
    assert result.method == "exact" and len(x) == EXACT_MAX_TEAMS
    # Independent count: rho from sum d^2 (no ties) over every ordering of y's ranks.
    rank_x = stats.rankdata(x)
    rank_y = stats.rankdata(y)
    n = len(x)
    orders = np.array(list(itertools.permutations(rank_y)))
    rhos = 1 - 6 * ((orders - rank_x) ** 2).sum(axis=1) / (n * (n * n - 1))
    observed = 1 - 6 * ((rank_y - rank_x) ** 2).sum() / (n * (n * n - 1))
    assert len(orders) == 40_320
    assert result.p == pytest.approx(np.mean(np.abs(rhos) >= abs(observed) - 1e-9))


NINE_TEAMS = [
    ([0.3, -1.2, 0.8, 1.9, -0.4, 0.1, -2.0, 1.1, 0.6], [52, 31, 60, 75, 44, 41, 30, 58, 66]),
    ([3.0, 3.0, 2.5, 4.0, 3.5, 3.5, 2.0, 4.5, 3.0], [50, 48, 40, 70, 50, 62, 35, 70, 45]),  # ties
]


@pytest.mark.parametrize(("x", "y"), NINE_TEAMS)
def test_above_eight_teams_the_permutation_p_is_close_to_exact_and_reproducible(
    x: list[float], y: list[float]
) -> None:
    result = spearman_test(x, y)
    assert result.method == "permutation"
    assert result.rho == pytest.approx(stats.spearmanr(x, y).statistic)
    # Exact by brute force over all 9! = 362,880 orderings (Pearson on average ranks).
    rank_x = stats.rankdata(x) - 5
    rank_y = stats.rankdata(y) - 5
    orders = np.array(list(itertools.permutations(rank_y)), dtype=np.float32)
    rhos = orders @ rank_x / (np.linalg.norm(rank_x) * np.linalg.norm(rank_y))
    exact = float(np.mean(np.abs(rhos) >= abs(result.rho) - 1e-6))
    monte_carlo_error = math.sqrt(exact * (1 - exact) / PERMUTATIONS)
    assert abs(result.p - exact) < 4 * monte_carlo_error + 1 / PERMUTATIONS
    assert spearman_test(x, y) == result  # the same teams always get the same p
    scipy_p = stats.permutation_test(
        (x,),
        abs_spearman(y),
        permutation_type="pairings",
        alternative="greater",
        n_resamples=PERMUTATIONS,
        vectorized=True,
        rng=np.random.default_rng(0),
    ).pvalue
    assert abs(result.p - scipy_p) < 6 * monte_carlo_error + 2 / PERMUTATIONS
    print(
        f"\nn=9 rho={result.rho:+.3f} permutation p={result.p:.4f} exact={exact:.4f} "
        f"scipy={scipy_p:.4f}"
    )


def test_a_perfect_order_over_many_teams_is_never_p_zero() -> None:
    result = spearman_test(range(20), range(20))
    assert result.p == pytest.approx(1 / (PERMUTATIONS + 1))
    assert format_p(result.p) == "0.0001"


def test_the_test_refuses_what_it_cannot_test() -> None:
    with pytest.raises(ValueError, match="three pairs"):
        spearman_test([1, 2], [1, 2])
    with pytest.raises(ValueError, match="vary"):
        spearman_test([3, 3, 3, 3], [1, 2, 3, 4])


def test_holm_adjusts_step_down_and_stays_monotone() -> None:
    # Sorted p .01 .03 .04 .5 -> x4, x3, x2, x1 = .04 .09 .08->.09 .5
    assert holm([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.09, 0.09, 0.5])
    assert holm([0.3, 0.3]) == pytest.approx([0.6, 0.6])
    assert holm([0.02]) == pytest.approx([0.02])
    assert holm([]) == []


# --- drivers, the minimum and the finding ----------------------------------------------


def ordered_teams(n: int, noise: dict[str, list[float]] | None = None) -> list[Team]:
    """n teams whose "usefulness" rises with adoption, plus unrelated dimensions."""
    noise = noise or {}
    return [
        Team({"usefulness": 2.5 + 0.1 * i, **{k: v[i] for k, v in noise.items()}}, 30.0 + 4 * i)
        for i in range(n)
    ]


def test_drivers_keep_the_interface_and_adjust_for_every_dimension_tested() -> None:
    rng = np.random.default_rng(3)
    noise = {f"d{k}": list(np.round(rng.uniform(2, 4, 20), 2)) for k in range(9)}
    teams = ordered_teams(20, noise)
    teams.append(Team({"usefulness": 3.0}, None))  # no adoption: left out
    names = {"usefulness": "Usefulness", "constant": "Constant", **{k: k for k in noise}}
    for team in teams:
        team.dimensions["constant"] = 3.0  # no spread: not tested
    found = drivers(teams, names)
    assert {d.dimension for d in found} == {"usefulness", *noise}
    assert all(d.tested == 10 and d.teams == 20 for d in found)
    assert [abs(d.rho) for d in found] == sorted((abs(d.rho) for d in found), reverse=True)
    top = found[0]
    assert (top.dimension, top.method) == ("usefulness", "permutation")
    assert top.rho == pytest.approx(1.0)
    assert top.p_adjusted == pytest.approx(10 * top.p)  # the smallest p: Bonferroni's factor
    assert holm([d.p for d in found]) == pytest.approx([d.p_adjusted for d in found])
    assert top.significant and top.caution is None
    assert strongest_driver(found) == top
    assert drivers_status(teams, names) is None


def test_below_the_minimum_there_is_no_finding_only_what_is_missing() -> None:
    teams = ordered_teams(DRIVER_MIN_TEAMS - 1)
    (driver,) = drivers(teams, {"usefulness": "Usefulness"})
    # A perfect order one team short of the minimum: p far below 0.05, still no finding.
    assert driver.p < 0.001 and not driver.significant
    assert driver.caution == (
        f"only {DRIVER_MIN_TEAMS - 1} teams: a hint, not a finding ({DRIVER_MIN_TEAMS} needed)"
    )
    assert strongest_driver([driver]) is None
    assert drivers_status(ordered_teams(4), {"usefulness": "Usefulness"}) == (
        f"not enough teams: 4 of the {DRIVER_MIN_TEAMS} needed"
    )
    assert drivers_status([], {"usefulness": "Usefulness"}) == (
        f"not enough teams: 0 of the {DRIVER_MIN_TEAMS} needed"
    )
    assert drivers_status(teams, {}) == "no pulse dimensions to test"


def test_a_weak_or_unadjusted_correlation_is_not_a_finding() -> None:
    strong = Driver("a", 0.9, 0.001, 20, None, 0.01, tested=10, method="permutation")
    weak = Driver("b", 0.45, 0.0001, 40, None, 0.001, tested=10, method="permutation")
    chance = Driver("c", 0.95, 0.006, 20, None, 0.06, tested=10, method="permutation")
    assert strongest_driver([chance, weak, strong]) == strong
    assert strongest_driver([chance, weak]) is None


def test_the_finding_says_n_the_exact_p_and_the_adjustment_in_plain_words() -> None:
    exact = Driver("usefulness", 0.93, 0.004, 9, None, 0.04, tested=10)
    assert driver_evidence(exact) == (
        "Spearman ρ = 0.93 across 9 teams "
        "(exact p = 0.004; 0.04 after adjusting for the 10 dimensions tested)."
    )
    resampled = Driver("lost_touch", -0.81, 0.00029997, 14, None, 0.0029997, 10, "permutation")
    assert driver_evidence(resampled) == (
        "Spearman ρ = -0.81 across 14 teams (p = 0.0003 from 10,000 random reshuffles; "
        "0.003 after adjusting for the 10 dimensions tested)."
    )
    assert driver_title(resampled, "Lost personal touch") == (
        "Teams scoring higher on “Lost personal touch” adopt less"
    )
    alone = Driver("usefulness", 0.7, 0.012, 12, None, 0.012, tested=1, method="permutation")
    assert "only this dimension tested, so no adjustment" in driver_evidence(alone)
    found = drivers(ordered_teams(12), {"usefulness": "Usefulness"})
    text = driver_evidence(found[0])
    assert "p = 0.0001 from 10,000" in text and not re.search(r"0\.0+(?![0-9])", text)


@pytest.mark.parametrize(
    ("p", "text"),
    [(1 / 3, "0.33"), (0.004, "0.004"), (0.0496, "0.0496"), (0.051, "0.051"),
     (2 / 720, "0.0028"), (2 / 40_320, "0.00005"), (1.0, "1"), (0.12, "0.12")],
)  # fmt: skip
def test_format_p_never_rounds_to_zero_or_across_the_threshold(p: float, text: str) -> None:
    assert format_p(p) == text


# --- simulations: false findings and power ---------------------------------------------

# Team counts the brief asks about; dimension counts from a lean pulse to a long one
# (the starter pulse tests 10), unrelated or correlated with each other.
TEAM_COUNTS = (3, 4, 5, 6, 8, 10, 15, 20)
CONFIGS = [(m, c) for m in (4, 10, 15) for c in (0.0, 0.5)]
NULL_RUNS = 200


def test_no_relation_gives_a_finding_in_at_most_5_percent_of_runs_at_every_team_count() -> None:
    print(f"\nfalse-finding rate, {NULL_RUNS} runs per configuration, no real driver")
    labels = " ".join(f"{m}d/{c:.1f}" for m, c in CONFIGS)
    print(f"teams  test alone: pooled ({labels})  with the minimum")
    for n in TEAM_COUNTS:
        rates = [
            simulate_finding_rate(
                n, m, dimension_correlation=c, runs=NULL_RUNS, seed=1, min_teams=0
            )
            for m, c in CONFIGS
        ]
        pooled = sum(rates) / len(rates)
        shipped = pooled if n >= DRIVER_MIN_TEAMS else 0.0
        each = " ".join(f"{r:6.1%}" for r in rates)
        print(f"{n:>5}  {pooled:17.1%} ({each})  {shipped:6.1%}")
        assert pooled <= DRIVER_ALPHA
        # Each configuration on its own: not detectably above 5% (binomial, one-sided).
        for rate in rates:
            excess = stats.binomtest(round(rate * NULL_RUNS), NULL_RUNS, DRIVER_ALPHA, "greater")
            assert excess.pvalue > 0.01
        if n <= 4:
            assert pooled == 0  # exact p >= 1/12: nothing can survive at all
        if n < DRIVER_MIN_TEAMS:
            # What ships: below the minimum not even a perfect order is a finding.
            assert strongest_driver(drivers(ordered_teams(n), {"usefulness": "U"})) is None


POWER_RUNS = 300


def test_a_strong_real_driver_is_found_once_there_are_enough_teams() -> None:
    # True Spearman rho 0.7 for one of the starter pulse's 10 dimensions.
    print(f"\npower: true rho 0.7, 10 dimensions, {POWER_RUNS} runs (test alone)")
    power = {
        n: simulate_finding_rate(
            n, 10, rho=0.7, dimension_correlation=0.3, runs=POWER_RUNS, seed=2, min_teams=0
        )
        for n in (6, 8, 10, 12, DRIVER_MIN_TEAMS, 20)
    }
    for n, rate in power.items():
        print(f"{n:>5} teams: {rate:6.1%}")
    assert power[6] < 0.1 and power[8] < 0.35  # why fewer teams get no finding at all
    # At the minimum a strong driver is found about as often as not; more teams, more power.
    assert 0.4 <= power[DRIVER_MIN_TEAMS] <= 0.7
    assert power[20] >= 0.6
    assert list(power.values()) == sorted(power.values())
    # Perfectly ordered over the minimum: always found, through the shipped path.
    rng = np.random.default_rng(4)
    noise = {f"d{k}": list(rng.uniform(2, 4, DRIVER_MIN_TEAMS)) for k in range(9)}
    names = {"usefulness": "U"} | {key: key for key in noise}
    found = drivers(ordered_teams(DRIVER_MIN_TEAMS, noise), names)
    top = strongest_driver(found)
    assert top is not None and top.dimension == "usefulness"
