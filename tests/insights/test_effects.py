"""Action effects (difference in differences) on hand-made cases and simulated rollouts.

The simulations draw rollouts with a KNOWN effect (fixed seeds): every group has its
own level and its own slope, all groups share a trend and a shock that lands right
after the action (the estimate must remove it), each group has its own weekly noise
(small teams are noisier), one value in ten is missing, and the touched groups get
the true effect from the first week after the action on. ``pytest -s`` prints the
measured coverage, false-finding rate and power; docs/diagnosis-statistics.md
("## Action effects") quotes them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pytest

from insights.effect_words import effect_words
from insights.effects import (
    AFTER_WEEKS,
    BEFORE_WEEKS,
    KNOWN_STATES,
    MIN_AFTER_WEEKS,
    Effect,
    Series,
    estimate_effect,
    pooled_interval,
    t_quantile_975,
    week_monday,
)

DONE = date(2026, 3, 4)  # a Wednesday
MONDAY = date(2026, 3, 2)  # of the week the action was done: on neither side
LATER = date(2026, 9, 1)  # long after: every window complete


def week(k: int) -> date:
    """The Monday ``k`` weeks after (negative: before) the action's week."""
    return MONDAY + timedelta(weeks=k)


def flat(group: int, before: float, after: float) -> Series:
    """A group at ``before`` for the 6 weeks before and ``after`` for the 6 after."""
    points = {week(-k): before for k in range(1, BEFORE_WEEKS + 1)}
    points.update({week(k): after for k in range(1, AFTER_WEEKS + 1)})
    return Series(group, points)


# Changes: touched +10 and +12, untouched +1, +3, +2 (the docstring's example).
REFERENCE = [flat(1, 50, 60), flat(2, 40, 52), flat(3, 30, 31), flat(4, 20, 23), flat(5, 10, 12)]


def weekly(
    series: Sequence[Series],
    treated: set[int] | None,
    *,
    today: date = LATER,
    higher_is_better: bool = True,
) -> Effect:
    return estimate_effect(
        series, treated, DONE, today=today, kind="weekly", higher_is_better=higher_is_better
    )


# -- the reference case, by hand ----------------------------------------------------


def test_reference_case_computed_by_hand() -> None:
    effect = weekly(REFERENCE, {1, 2})
    # Changes: touched 10, 12 (mean 11); untouched 1, 3, 2 (mean 2). 11 - 2 = 9.
    # s2 = (1 + 1 + 1 + 1 + 0) / (5 - 2) = 4/3; se = sqrt(4/3 * (1/2 + 1/3)) = 1.05409;
    # t(0.975, 3) = 3.18245; 9 -+ 3.35454 = 5.65 to 12.35.
    assert effect.state == "better"
    assert effect.estimate == pytest.approx(9.0)
    assert effect.low == pytest.approx(9 - 3.18245 * 1.05409, abs=1e-3)
    assert effect.high == pytest.approx(9 + 3.18245 * 1.05409, abs=1e-3)
    assert (effect.treated_n, effect.comparison_n) == (2, 3)
    assert (effect.periods_before, effect.periods_after) == (6, 6)
    assert effect.treated_change == pytest.approx(11.0)
    assert effect.more_needed == 0
    assert effect_words(effect, "Adoption rate", "%") == (
        "Adoption rate rose 9.0 points more in the teams it touched than in the 3 others "
        "(95% interval 5.6 to 12.4; 2 teams against 3, 6 weeks before, 6 after)."
    )


def test_interval_matches_a_two_sample_t_test() -> None:
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(7)
    for n_t, n_c in [(1, 2), (1, 6), (3, 4), (5, 15)]:
        t, c = rng.normal(2, 3, n_t), rng.normal(0, 3, n_c)
        est, low, high = pooled_interval(list(t), list(c))
        df = n_t + n_c - 2
        se = math.sqrt(
            (((t - t.mean()) ** 2).sum() + ((c - c.mean()) ** 2).sum()) / df * (1 / n_t + 1 / n_c)
        )
        half = float(stats.t.ppf(0.975, df)) * se
        assert (est, low, high) == pytest.approx(
            (t.mean() - c.mean(), est - half, est + half), abs=1e-5
        )
        if n_t > 1:  # scipy's equal-variance t test agrees on the p < 0.05 side
            p = float(stats.ttest_ind(t, c, equal_var=True).pvalue)
            assert (p < 0.05) == (not low <= 0 <= high)


def test_t_quantile_against_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    for df in range(1, 301):
        assert t_quantile_975(df) == pytest.approx(float(stats.t.ppf(0.975, df)), abs=1e-6)


# -- windows --------------------------------------------------------------------------


def test_the_week_of_the_action_and_weeks_outside_the_windows_do_not_count() -> None:
    noisy = [
        Series(s.group_id, {**s.points, week(0): 999.0, week(-7): -999.0, week(7): 999.0})
        for s in REFERENCE
    ]
    assert weekly(noisy, {1, 2}) == weekly(REFERENCE, {1, 2})


def test_week_monday() -> None:
    assert week_monday(DONE) == MONDAY
    assert week_monday(MONDAY) == MONDAY
    assert week_monday(date(2026, 3, 8)) == MONDAY  # Sunday


@pytest.mark.parametrize(
    ("today", "more"),
    [
        (DONE, 4),
        (week(2) - timedelta(days=1), 4),  # the first week after is not over yet
        (week(2), 3),
        (week(3) + timedelta(days=3), 2),
        (week(1) + timedelta(weeks=MIN_AFTER_WEEKS) - timedelta(days=1), 1),
    ],
)
def test_too_early_counts_the_weeks_still_to_come_from_today(today: date, more: int) -> None:
    effect = weekly(REFERENCE, {1, 2}, today=today)
    assert (effect.state, effect.more_needed) == ("too_early", more)
    assert effect.estimate is None and effect.treated_change is None
    noun = "week" if more == 1 else "weeks"
    assert effect_words(effect, "Adoption rate") == f"Too early to tell: {more} more {noun} needed."


def test_an_estimate_once_the_minimum_weeks_are_over_using_only_weeks_that_are_over() -> None:
    today = week(1) + timedelta(weeks=MIN_AFTER_WEEKS)
    effect = weekly(REFERENCE, {1, 2}, today=today)
    assert effect.state == "better"
    assert (effect.periods_before, effect.periods_after) == (6, MIN_AFTER_WEEKS)


def test_weeks_over_but_no_figures_after_yet_is_still_too_early() -> None:
    before_only = [
        Series(s.group_id, {p: v for p, v in s.points.items() if p < MONDAY}) for s in REFERENCE
    ]
    effect = weekly(before_only, {1, 2})
    assert (effect.state, effect.more_needed) == ("too_early", MIN_AFTER_WEEKS)


def test_weeks_over_but_not_reported_yet_are_still_needed_while_the_window_fills() -> None:
    lagging = [
        Series(s.group_id, {p: v for p, v in s.points.items() if p < week(3)})
        if s.group_id in {1, 2}
        else s
        for s in REFERENCE
    ]
    # Five weeks are over; the touched teams reported two of them: two more needed.
    effect = weekly(lagging, {1, 2}, today=week(6))
    assert (effect.state, effect.more_needed) == ("too_early", 2)
    # Once the six weeks after are over, what was reported is used (and said).
    effect = weekly(lagging, {1, 2})
    assert effect.state == "better" and effect.periods_after == 6
    assert effect.estimate == pytest.approx(9.0)


def test_values_dated_inside_a_week_count_for_that_week_and_non_numbers_are_ignored() -> None:
    shifted = [
        Series(s.group_id, {p + timedelta(days=4): v for p, v in s.points.items()})
        for s in REFERENCE
    ]
    with_nan = [Series(s.group_id, {**s.points, week(-8): math.nan}) for s in REFERENCE]
    with_nan[0] = Series(1, {**REFERENCE[0].points, week(2): math.inf})
    assert weekly(shifted, {1, 2}) == weekly(REFERENCE, {1, 2}) == weekly(with_nan, {1, 2})


def test_a_group_with_figures_on_one_side_only_does_not_count() -> None:
    half = Series(6, {week(-1): 0.0, week(-2): 0.0})  # joined no comparison: no after
    effect = weekly([*REFERENCE, half], {1, 2})
    assert (effect.treated_n, effect.comparison_n) == (2, 3)
    assert effect.estimate == pytest.approx(9.0)


# -- the honest states ----------------------------------------------------------------


def test_every_team_touched_gives_no_comparison_but_their_own_change() -> None:
    effect = weekly(REFERENCE, None)
    assert effect.state == "no_comparison" and effect.every_group
    assert effect.estimate is None and effect.low is None
    assert effect.treated_change == pytest.approx((10 + 12 + 1 + 3 + 2) / 5)
    assert effect.treated_n == 5
    assert effect_words(effect, "Adoption rate", "%") == (
        "No comparison teams: it touched every team. Adoption rate rose 5.6 points in the "
        "teams it touched (6 weeks before, 6 after)."
    )
    # Naming every group is the same as None.
    assert weekly(REFERENCE, {1, 2, 3, 4, 5}) == effect


def test_every_team_touched_and_too_early_has_no_change_yet() -> None:
    effect = weekly(REFERENCE, None, today=week(2))
    assert effect.state == "no_comparison" and effect.treated_change is None
    assert effect_words(effect, "Adoption rate") == "No comparison teams: it touched every team."


def test_untouched_teams_without_figures_give_no_comparison() -> None:
    gone = [REFERENCE[0], REFERENCE[1], Series(3, {week(-1): 5.0}), Series(4, {})]
    effect = weekly(gone, {1, 2})
    assert (effect.state, effect.comparison_n, effect.every_group) == ("no_comparison", 0, False)
    assert effect.treated_change == pytest.approx(11.0)
    assert effect_words(effect, "Adoption rate", "%").startswith(
        "No comparison teams: the teams it did not touch have no figures before and after it. "
        "Adoption rate rose 11.0 points in the teams it touched"
    )


def test_one_team_against_one_is_too_few() -> None:
    effect = weekly(REFERENCE[1:3], {2})
    assert (effect.state, effect.treated_n, effect.comparison_n) == ("no_comparison", 1, 1)
    assert effect.estimate is None
    assert effect_words(effect, "Adoption rate", "%") == (
        "Too few teams to compare: 1 team against 1; at least 3 teams with figures before "
        "and after are needed. Adoption rate rose 12.0 points in the team it touched "
        "(6 weeks before, 6 after)."
    )


def test_one_touched_team_against_two_gives_an_interval() -> None:
    effect = weekly(REFERENCE[1:4], {2})
    assert effect.state in KNOWN_STATES
    assert (effect.treated_n, effect.comparison_n) == (1, 2)
    assert "in the team it touched than in the 2 others" in effect_words(effect, "Adoption rate")


@pytest.mark.parametrize("treated", [{1}, {99}])
def test_touched_teams_without_figures_before_give_no_before(treated: set[int]) -> None:
    late = [Series(1, {week(k): 50.0 for k in range(1, 7)}), *REFERENCE[1:]]
    effect = weekly(late, treated)
    assert effect.state == "no_before"
    assert effect.estimate is None and effect.treated_change is None
    assert effect_words(effect, "Adoption rate") == (
        "No figures before the action: the teams it touched have no Adoption rate figures "
        "in the weeks before it, so its effect cannot be measured."
    )


def test_an_interval_that_contains_zero_is_noise() -> None:
    mixed = [flat(1, 50, 53), flat(2, 40, 40), flat(3, 30, 31), flat(4, 20, 23), flat(5, 10, 8)]
    effect = weekly(mixed, {1, 2})
    assert effect.state == "noise"
    assert effect.low is not None and effect.high is not None and effect.low < 0 < effect.high
    assert effect_words(effect, "Adoption rate", "%") == (
        "No effect distinguishable from noise: Adoption rate rose 0.8 points more in the teams "
        "it touched than in the 3 others (95% interval -6.1 to 7.8; 2 teams against 3, "
        "6 weeks before, 6 after)."
    )


@pytest.mark.parametrize(
    ("touched_after", "higher_is_better", "state", "verb"),
    [
        (60, True, "better", "rose"),
        (60, False, "worse", "rose"),
        (40, True, "worse", "fell"),
        (40, False, "better", "fell"),
    ],
)
def test_direction_follows_higher_is_better(
    touched_after: float, higher_is_better: bool, state: str, verb: str
) -> None:
    series = [flat(1, 50, touched_after), flat(2, 50, touched_after + 1)]
    series += [flat(g, 50, 50 + (g % 2)) for g in range(3, 7)]
    effect = weekly(series, {1, 2}, higher_is_better=higher_is_better)
    assert effect.state == state
    words = effect_words(effect, "Days to first record", "days")
    assert words.startswith(f"Days to first record {verb} ")
    assert " days more in the teams it touched than in the 4 others" in words


def test_small_intervals_get_two_decimals_and_no_negative_zero() -> None:
    effect = Effect("noise", -0.004, -0.31, 0.3, 1, 1, 2, 1, 0, 0.1, kind="pulse")
    assert effect_words(effect, "Vision") == (
        "No effect distinguishable from noise: Vision fell 0.00 more in the team it touched "
        "than in the other one (95% interval -0.31 to 0.30; 1 team against 1, "
        "2 campaigns before, 1 after)."
    )


# -- pulse campaigns ------------------------------------------------------------------


def campaigns(group: int, values: dict[int, float]) -> Series:
    """Closing days relative to the action (days) -> team mean."""
    return Series(group, {DONE + timedelta(days=d): v for d, v in values.items()})


def pulse(series: Sequence[Series], treated: set[int] | None, today: date = LATER) -> Effect:
    return estimate_effect(series, treated, DONE, today=today, kind="pulse")


def test_pulse_uses_the_last_two_campaigns_before_and_the_first_two_after() -> None:
    days = {-90: 9.0, -60: 3.0, 0: 3.2, 3: 9.0, 30: 3.8, 60: 4.0, 90: 9.0}
    base = {-90: 9.0, -60: 3.0, 0: 3.2, 3: 9.0, 30: 3.1, 60: 3.1, 90: 9.0}
    series = [campaigns(1, days), campaigns(2, {d: v + 0.2 for d, v in days.items()})]
    series += [
        campaigns(g, {d: v + g / 10 + (g % 2) / 20 for d, v in base.items()}) for g in range(3, 7)
    ]
    effect = pulse(series, {1, 2})
    # Before: -60 and 0 (3.0, 3.2); after: 30 and 60 (the one 3 days after is too soon).
    assert (effect.periods_before, effect.periods_after) == (2, 2)
    assert effect.treated_change == pytest.approx(3.9 - 3.1)
    assert effect.estimate == pytest.approx((3.9 - 3.1) - (3.1 - 3.1))
    assert effect.state == "better"
    assert "2 campaigns before, 2 after" in effect_words(effect, "Vision")


def test_pulse_too_early_counts_campaigns() -> None:
    series = [campaigns(g, {-30: 3.0, 0: 3.1, 3: 3.3}) for g in range(1, 5)]
    effect = pulse(series, {1})
    assert (effect.state, effect.more_needed) == ("too_early", 1)
    assert effect_words(effect, "Vision") == "Too early to tell: 1 more campaign needed."
    # A campaign that closes after today is not counted even if it has figures.
    future = [campaigns(g, {-30: 3.0, 40: 3.5}) for g in range(1, 5)]
    assert pulse(future, {1}, today=DONE + timedelta(days=39)).state == "too_early"
    assert pulse(future, {1}, today=DONE + timedelta(days=40)).state in KNOWN_STATES


def test_pulse_skips_campaigns_where_the_touched_team_was_suppressed() -> None:
    touched = campaigns(1, {-30: 3.0, 90: 3.6})  # suppressed in the campaign at +30
    others = [
        campaigns(g, {-30: 3.0 + g / 10, 30: 3.0 + g / 10, 90: 3.1 + g / 10}) for g in (2, 3, 4)
    ]
    effect = pulse([touched, *others], {1}, today=DONE + timedelta(days=60))
    assert (effect.state, effect.more_needed) == ("too_early", 1)
    effect = pulse([touched, *others], {1})
    assert effect.estimate == pytest.approx(0.6 - 0.1)
    assert (effect.periods_before, effect.periods_after) == (1, 1)


def test_pulse_no_before() -> None:
    series = [campaigns(g, {30: 3.0, 60: 3.1}) for g in range(1, 5)]
    effect = pulse(series, {1})
    assert effect.state == "no_before"
    assert "in the campaigns before it" in effect_words(effect, "Vision")


# -- simulated rollouts ---------------------------------------------------------------

RUNS = 500
# Weekly: (groups, touched); a group's weekly noise has an SD of 2-6 points (small teams
# are noisier) and carries over half of itself to the next week (AR(1), rho 0.5).
WEEKLY_SETTINGS = [(3, 1), (5, 1), (5, 2), (8, 2), (12, 3), (20, 5)]
WEEKLY_EFFECTS = (0.0, 4.0, 8.0)  # points of adoption rate
# Pulse: team means on the 1-5 scale, SD 0.1-0.3 from campaign to campaign.
PULSE_SETTINGS = [(5, 2), (8, 2), (12, 3)]
PULSE_EFFECTS = (0.0, 0.25, 0.5)
PULSE_DAYS = (-120, -60, 0, 3, 60, 120)  # closing days; the one 3 days after is too soon


def _groups(rng: np.random.Generator, groups: int, touched: int) -> np.ndarray:
    treated = rng.choice(groups, touched, replace=False)
    return np.isin(np.arange(groups), treated)[:, None]


def simulate_weekly(
    rng: np.random.Generator, groups: int, touched: int, effect: float
) -> tuple[list[Series], set[int]]:
    ks = np.arange(-BEFORE_WEEKS - 2, AFTER_WEEKS + 3)  # week offsets, 0 = the action's week
    level = rng.normal(50, 15, groups)[:, None]
    own_slope = rng.normal(0, 0.3, groups)[:, None]
    shared = np.cumsum(rng.normal(1.0, 1.0, ks.size))[None, :]  # the rollout's own curve
    shock = rng.normal(6, 3) * (ks > 0)[None, :]  # lands on everyone right after the action
    sd = rng.uniform(2, 6, groups)[:, None]
    noise = rng.normal(0, 1, (groups, ks.size))
    for i in range(1, ks.size):  # AR(1) with rho 0.5, stationary SD 1
        noise[:, i] = 0.5 * noise[:, i - 1] + math.sqrt(0.75) * noise[:, i]
    treated = _groups(rng, groups, touched)
    values = level + own_slope * ks + shared + shock + noise * sd
    values = values + effect * (treated & (ks > 0)[None, :])
    values[:, ks == 0] += effect * treated[:, 0:1] * 0.5  # half landed in the action's week
    missing = rng.random(values.shape) < 0.1
    series = [
        Series(
            g, {week(int(k)): float(values[g, i]) for i, k in enumerate(ks) if not missing[g, i]}
        )
        for g in range(groups)
    ]
    return series, set(np.flatnonzero(treated[:, 0]).tolist())


def simulate_pulse(
    rng: np.random.Generator, groups: int, touched: int, effect: float
) -> tuple[list[Series], set[int]]:
    days = np.array(PULSE_DAYS)
    level = rng.normal(3.5, 0.4, groups)[:, None]
    shared = rng.normal(0, 0.15, days.size)[None, :] + 0.3 * (days > 0)[None, :]
    sd = rng.uniform(0.1, 0.3, groups)[:, None]
    treated = _groups(rng, groups, touched)
    values = level + shared + rng.normal(0, 1, (groups, days.size)) * sd
    values = values + effect * (treated & (days > 0)[None, :])
    series = [
        Series(g, {DONE + timedelta(days=int(d)): float(values[g, i]) for i, d in enumerate(days)})
        for g in range(groups)
    ]
    return series, set(np.flatnonzero(treated[:, 0]).tolist())


def run_setting(kind: str, groups: int, touched: int, effect: float, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    simulate = simulate_weekly if kind == "weekly" else simulate_pulse
    covered = found = wrong = 0
    estimates: list[float] = []
    naive: list[float] = []
    for _ in range(RUNS):
        series, treated = simulate(rng, groups, touched, effect)
        result = estimate_effect(series, treated, DONE, today=LATER, kind=kind)  # type: ignore[arg-type]
        assert result.low is not None and result.high is not None, result
        assert result.estimate is not None and result.treated_change is not None
        estimates.append(result.estimate)
        naive.append(result.treated_change)
        covered += result.low <= effect <= result.high
        if effect:
            found += result.state == "better"
            wrong += result.state == "worse"
        else:
            wrong += result.state != "noise"
    return {
        "coverage": covered / RUNS,
        "power": found / RUNS,
        "false": wrong / RUNS,
        "bias": float(np.mean(estimates)) - effect,
        "bias_se": float(np.std(estimates)) / math.sqrt(RUNS),
        "naive_bias": float(np.mean(naive)) - effect,
    }


@pytest.mark.parametrize(
    ("kind", "settings", "effects"),
    [("weekly", WEEKLY_SETTINGS, WEEKLY_EFFECTS), ("pulse", PULSE_SETTINGS, PULSE_EFFECTS)],
)
def test_simulated_rollouts_cover_the_true_effect_and_rarely_invent_one(
    kind: str, settings: list[tuple[int, int]], effects: tuple[float, ...]
) -> None:
    # Binomial tolerance: with 500 runs the SE of a 5% rate is 1%; allow two SEs.
    tolerance = 2 * math.sqrt(0.05 * 0.95 / RUNS)
    lines = [f"{kind}: {RUNS} runs per line"]
    for i, (groups, touched) in enumerate(settings):
        for j, effect in enumerate(effects):
            got = run_setting(kind, groups, touched, effect, seed=1000 * j + i)
            where = (kind, groups, touched, effect, got)
            assert got["coverage"] >= 0.80, where
            # The shared shock is removed (mean error within 3 standard errors of 0);
            # the touched teams' before/after change alone keeps it.
            assert abs(got["bias"]) < 3 * got["bias_se"], where
            assert got["naive_bias"] > 10 * got["bias_se"], where
            if effect:
                assert got["false"] <= 0.01, where  # a real rise is (almost) never "worse"
            else:
                assert got["false"] <= 0.05 + tolerance, where
            if effect == max(effects) and groups >= 8:
                assert got["power"] >= 0.5, where
            lines.append(
                f"{groups:>2} groups, {touched} touched, effect {effect:g}: coverage "
                f"{got['coverage']:.1%}, called {'the wrong way' if effect else 'an effect'} "
                f"{got['false']:.1%}, power {got['power']:.1%}, mean error {got['bias']:+.2f} "
                f"(before/after alone {got['naive_bias']:+.2f})"
            )
    print("\n" + "\n".join(lines))
