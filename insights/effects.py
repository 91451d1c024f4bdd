"""Did the action work? A difference in differences against the groups it did not touch.

For each group (a team, or a folded group of small teams) the change is the mean of
its values after the action minus the mean before. The effect is the mean change of
the groups the action touched minus the mean change of the groups it did not touch::

    change_g = mean(after_g) - mean(before_g)
    estimate = mean(change_g, g touched) - mean(change_g, g not touched)

A movement shared by every group (the season, a company-wide announcement, the CRM's
own learning curve) appears in both means and cancels; each group's own level
cancels in its own change. The 95% interval is the pooled two-sample t interval on
the per-group changes (Student 1908; Welch is not used because one touched group has
no variance of its own, and the untouched groups are what tell the noise)::

    s2 = (sum (t_i - mean_t)^2 + sum (c_j - mean_c)^2) / (n_t + n_c - 2)
    estimate +- t(0.975, n_t + n_c - 2) * sqrt(s2 * (1/n_t + 1/n_c))

Example (the hand-computed case in tests/insights/test_effects.py): touched changes
[10, 12], untouched [1, 3, 2] give 11 - 2 = 9, s2 = (2 + 2) / 3, interval
9 +- 3.182 * 1.054 = 5.6 to 12.4.

Windows. Weekly values (period = the Monday of the week): up to ``BEFORE_WEEKS``
weeks strictly before the week that contains the day the action was done, up to
``AFTER_WEEKS`` whole weeks after it; that week itself belongs to neither side (an
action takes time to land), and a week counts only once it is over. No estimate
before ``MIN_AFTER_WEEKS`` weeks after it are over ("too early", counted from today).
Pulse values (period = a campaign's closing day): of the campaigns in which a touched
group has figures, the last ``PULSE_BEFORE`` that closed on or before the day and the
first ``PULSE_AFTER`` that closed at least ``PULSE_LAND_DAYS`` after it (a campaign
closing sooner holds answers given before the action could be felt), at least one on
each side.

The groups are not randomised: the result says how the touched groups moved
*against the groups it did not touch*, never that the action caused it. Measured
coverage, false-finding rate and power: docs/diagnosis-statistics.md, "## Action
effects".

Pure functions: plain data in, plain data out. No Flask, no database.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

BEFORE_WEEKS = 6
AFTER_WEEKS = 6
MIN_AFTER_WEEKS = 4
PULSE_BEFORE = 2
PULSE_AFTER = 2
MIN_PULSE_AFTER = 1
# A campaign that closed less than this many days after the action counts on neither
# side: most of its answers were given before the action could be felt.
PULSE_LAND_DAYS = 7
# The pooled t interval needs one degree of freedom: at least three groups in all.
MIN_GROUPS = 3

EffectState = Literal["too_early", "no_comparison", "no_before", "noise", "better", "worse"]
Kind = Literal["weekly", "pulse"]
KNOWN_STATES = frozenset({"noise", "better", "worse"})  # the effect is "now known"

_WEEK = timedelta(days=7)
# t(0.975, df) for df 1..30 (scipy.stats.t.ppf); above 30 the Cornish-Fisher expansion
# (Abramowitz & Stegun 26.7.5) is within 1e-7. Tested against SciPy in the tests.
_T975 = (
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912,
    2.364624, 2.306004, 2.262157, 2.228139, 2.200985, 2.178813,
    2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
    2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
    2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
)  # fmt: skip
_Z975 = 1.959963984540054


@dataclass(frozen=True)
class Series:
    """One group's values over time: weekly metric values (period = Monday of the week) or a
    pulse dimension's published team means (period = the campaign's closing day)."""

    group_id: int  # a team id, or a folded group's id (small-team rule)
    points: Mapping[date, float]


@dataclass(frozen=True)
class Effect:
    state: EffectState
    estimate: float | None  # difference in differences (treated change - comparison change)
    low: float | None  # 95% interval
    high: float | None
    treated_n: int  # groups touched by the action that had data before and after
    comparison_n: int  # groups not touched that had data before and after
    periods_before: int  # periods (weeks, or pulse campaigns) used before the action
    periods_after: int
    more_needed: int  # too_early: how many more weeks (or pulse campaigns); else 0
    treated_change: float | None  # mean after - mean before in the touched groups
    kind: Kind = "weekly"
    every_group: bool = False  # no_comparison because the action touched every group


@dataclass(frozen=True)
class _Windows:
    before: frozenset[date]
    after: frozenset[date]  # only periods that are over by today
    more_needed: int  # periods still to come before an estimate is allowed
    filling: bool  # the after window is not complete yet


def estimate_effect(
    series: Sequence[Series],
    treated: Collection[int] | None,
    done_on: date,
    *,
    today: date,
    kind: Kind,
    higher_is_better: bool = True,
) -> Effect:
    """The difference in differences of ``series`` around ``done_on``.

    ``treated`` None means the action touched every group: no comparison, but the
    touched groups' own change is still given once enough time has passed.
    States, first that applies: "no_before" (no touched group has a value before),
    "no_comparison" (every group touched, no untouched group with values on both
    sides, or fewer than ``MIN_GROUPS`` groups in all), "too_early", then "noise"
    when the interval contains 0, else "better" or "worse" by ``higher_is_better``.
    """
    ids = {s.group_id for s in series}
    touched = ids if treated is None else set(treated)
    every = not ids - touched
    if kind == "weekly":  # fixed weeks: only the values inside them are read
        windows = _windows([], done_on, today, kind)
        first = week_monday(done_on) - _WEEK * BEFORE_WEEKS
        last = week_monday(done_on) + _WEEK * (AFTER_WEEKS + 1)
        points = [(one.group_id in touched, _periods_of(one, kind, first, last)) for one in series]
    else:
        points = [(one.group_id in touched, _periods_of(one, kind)) for one in series]
        windows = _windows([p for t, p in points if t], done_on, today, kind)
    changes_t: list[float] = []
    changes_c: list[float] = []
    used_before: set[date] = set()
    used_after: set[date] = set()
    touched_after: set[date] = set()
    treated_has_before = comparison_has_before = False
    for is_treated, values in points:
        b = {p: v for p, v in values.items() if p in windows.before}
        a = {p: v for p, v in values.items() if p in windows.after}
        if is_treated:
            treated_has_before = treated_has_before or bool(b)
            touched_after.update(a)
        else:
            comparison_has_before = comparison_has_before or bool(b)
        if b and a:
            used_before.update(b)
            used_after.update(a)
            change = _mean(list(a.values())) - _mean(list(b.values()))
            (changes_t if is_treated else changes_c).append(change)
    # Counted from today (weeks not over yet) and, while the window is still filling
    # (or nothing at all has come), from the touched groups' figures (weeks over but
    # not reported yet), whichever is further away.
    shortfall = _min_after(kind) - len(touched_after)
    waiting = windows.filling or not changes_t
    more = max(windows.more_needed, shortfall if waiting else 0, 0)

    def result(state: EffectState, interval: tuple[float, float, float] | None = None) -> Effect:
        est, low, high = interval if interval else (None, None, None)
        return Effect(
            state=state,
            estimate=est,
            low=low,
            high=high,
            treated_n=len(changes_t),
            comparison_n=len(changes_c),
            periods_before=len(used_before),
            periods_after=len(used_after),
            more_needed=more if state == "too_early" else 0,
            treated_change=_mean(changes_t) if changes_t and not more else None,
            kind=kind,
            every_group=every,
        )

    if not treated_has_before:
        return result("no_before")
    if every or not comparison_has_before:
        return result("no_comparison")
    if more:
        return result("too_early")
    if not changes_c or len(changes_t) + len(changes_c) < MIN_GROUPS:
        return result("no_comparison")
    interval = pooled_interval(changes_t, changes_c)
    est, low, high = interval
    if low <= 0.0 <= high:
        return result("noise", interval)
    up = est > 0
    return result("better" if up == higher_is_better else "worse", interval)


def pooled_interval(
    treated: Sequence[float], comparison: Sequence[float]
) -> tuple[float, float, float]:
    """(difference of means, low, high): the pooled two-sample t interval at 95%.

    Needs ``len(treated) + len(comparison) >= 3`` and both non-empty.
    """
    n_t, n_c = len(treated), len(comparison)
    df = n_t + n_c - 2
    if n_t < 1 or n_c < 1 or df < 1:
        raise ValueError("needs one value on each side and three in all")
    m_t, m_c = _mean(treated), _mean(comparison)
    ss = sum((x - m_t) ** 2 for x in treated) + sum((x - m_c) ** 2 for x in comparison)
    se = math.sqrt(ss / df * (1 / n_t + 1 / n_c))
    est = m_t - m_c
    half = t_quantile_975(df) * se
    return est, est - half, est + half


def t_quantile_975(df: int) -> float:
    """Student's t 97.5% quantile (two-sided 95%) for ``df`` >= 1 degrees of freedom."""
    if df < 1:
        raise ValueError("df must be at least 1")
    if df <= len(_T975):
        return _T975[df - 1]
    z, n = _Z975, float(df)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / n + g2 / n**2 + g3 / n**3 + g4 / n**4


def week_monday(day: date) -> date:
    """The Monday of the week that contains ``day``."""
    return day - timedelta(days=day.weekday())


def _periods_of(
    series: Series, kind: Kind, first: date = date.min, last: date = date.max
) -> dict[date, float]:
    """The finite values by period; a weekly value dated on any day counts for its week
    (values dated before ``first`` or from ``last`` on are not read)."""
    if kind == "pulse":
        return {p: v for p, v in series.points.items() if math.isfinite(v)}
    weeks: dict[date, list[float]] = {}
    for p, v in series.points.items():
        if first <= p < last and math.isfinite(v):
            weeks.setdefault(week_monday(p), []).append(v)
    return {p: _mean(vs) for p, vs in weeks.items()}


def _windows(
    touched: Sequence[Mapping[date, float]], done_on: date, today: date, kind: Kind
) -> _Windows:
    """Weekly: fixed weeks around the action. Pulse: the campaigns (closing days) in
    which a touched group has figures, so a campaign where the touched teams were
    suppressed is skipped rather than leaving them without a side."""
    if kind == "weekly":
        week = week_monday(done_on)
        before = tuple(week - _WEEK * k for k in range(BEFORE_WEEKS, 0, -1))
        after_all = [week + _WEEK * k for k in range(1, AFTER_WEEKS + 1)]
        after = tuple(m for m in after_all if m + _WEEK <= today)
        more = max(0, MIN_AFTER_WEEKS - len(after))
        return _Windows(frozenset(before), frozenset(after), more, len(after) < AFTER_WEEKS)
    periods = sorted({p for points in touched for p in points if p <= today})
    land = done_on + timedelta(days=PULSE_LAND_DAYS)
    before = tuple(p for p in periods if p <= done_on)[-PULSE_BEFORE:]
    after = tuple(p for p in periods if p >= land)[:PULSE_AFTER]
    more = max(0, MIN_PULSE_AFTER - len(after))
    return _Windows(frozenset(before), frozenset(after), more, len(after) < PULSE_AFTER)


def _min_after(kind: Kind) -> int:
    return MIN_AFTER_WEEKS if kind == "weekly" else MIN_PULSE_AFTER


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)
