"""Which pulse dimensions move with adoption across teams, without inventing findings.

Spearman's rank correlation of each dimension's team means with team adoption,
tested exactly: for up to ``EXACT_MAX_TEAMS`` teams every ordering of the ranks
is enumerated (8! = 40,320), above that a permutation test (``PERMUTATIONS``
reshuffles drawn from a fixed seed and the adoption ranking, so the same teams
get the same p on every call). Two-sided, ties as average ranks. The p-values
are adjusted for the number of dimensions tested (Holm; for the smallest p this
is Bonferroni's p x m), and a driver finding needs ``DRIVER_MIN_TEAMS`` teams.

Why: SciPy's ``spearmanr`` p-value comes from a t approximation that returns
p = 0 for a perfect correlation, so three or four teams in the right order read
as "p = 0.000" although the exact chance is 1 in 3 (three teams) or 1 in 12
(four). The method, the simulation behind the minimum and the measured error
rates are in docs/diagnosis-statistics.md, "## Drivers". A finding's words are in
``insights.driver_words``, the simulation in ``insights.driver_simulation``.

Pure functions: plain data in, plain data out. No Flask, no database.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import permutations
from typing import Protocol

import numpy as np

from insights.translation import _, ngettext

DRIVER_ALPHA = 0.05
# Fewer teams than this: no driver finding, only what is missing. From the
# simulation in docs/diagnosis-statistics.md ("## Drivers"): the false-finding
# rate is at most 5% at every team count by construction (exact test + Holm), so
# the minimum follows from power. With 3-4 teams nothing can ever survive (exact
# p >= 1/12), with 5 only when at most two dimensions are tested; a strong real
# driver (true rho 0.7) among the starter pulse's 10 dimensions is found 20% of
# the time with 10 teams, 31% with 12, 48% with 15 and 54% with 16: from 16 on it
# is found more often than missed, and the rho reported with it is no longer
# mostly luck (found at 0.93 on average with 8 teams, 0.78 with 16).
DRIVER_MIN_TEAMS = 16
# A finding also needs a correlation strong enough to act on.
DRIVER_MIN_RHO = 0.5
# Every ordering of the ranks is enumerated up to this many teams (8! = 40,320).
EXACT_MAX_TEAMS = 8
# Above it: this many random reshuffles, drawn from a fixed seed and the adoption
# ranking, so the same teams always get the same p.
PERMUTATIONS = 10_000
PERMUTATION_SEED = 20_240_601
# Correlations this close to the observed one count as "as strong" (float noise).
_TOLERANCE = 1e-9


class TeamLike(Protocol):
    """What the test needs of a team: its dimension means and its adoption rate
    (``insights.diagnosis.TeamInput`` fits)."""

    @property
    def dimensions(self) -> Mapping[str, float]: ...

    @property
    def adoption(self) -> float | None: ...


@dataclass(frozen=True)
class Driver:
    """One dimension's rank correlation with adoption across teams.

    ``p`` is the exact two-sided p (or the permutation p above ``EXACT_MAX_TEAMS``
    teams, see ``method``); ``p_adjusted`` is Holm's adjustment over the
    ``tested`` dimensions tested together.
    """

    dimension: str
    rho: float
    p: float
    teams: int
    caution: str | None
    p_adjusted: float | None = None
    tested: int = 1
    method: str = "exact"  # "exact" | "permutation"

    @property
    def enough_teams(self) -> bool:
        return self.teams >= DRIVER_MIN_TEAMS

    @property
    def significant(self) -> bool:
        """Reportable: enough teams, and the adjusted p below ``DRIVER_ALPHA``."""
        return self.enough_teams and _reported_p(self) < DRIVER_ALPHA


@dataclass(frozen=True)
class SpearmanTest:
    rho: float
    p: float
    n: int
    method: str  # "exact" | "permutation"


# --- the test ------------------------------------------------------------------------


@lru_cache(maxsize=EXACT_MAX_TEAMS)
def _all_orderings(n: int) -> np.ndarray:
    """Every ordering of n ranks (n! rows; 2.6 MB for n = 8)."""
    table = np.array(list(permutations(range(n))), dtype=np.intp)
    table.setflags(write=False)
    return table


@lru_cache(maxsize=8)
def _random_orderings(n: int, seed: int) -> np.ndarray:
    """``PERMUTATIONS`` random orderings of n ranks, drawn with ``seed``."""
    rng = np.random.default_rng([PERMUTATION_SEED, n, seed])
    table = rng.permuted(np.tile(np.arange(n, dtype=np.intp), (PERMUTATIONS, 1)), axis=1)
    table.setflags(write=False)
    return table


def _seed(y: np.ndarray) -> int:
    """A seed from the ranks of y: the same teams always get the same reshuffles.

    One shared set of reshuffles for every rollout is one fixed sample of the null
    distribution whose tail is off by chance (measured with such a set: 43% more
    p < 0.0033 than nominal at 14 teams); drawing them per adoption ranking keeps
    the Monte Carlo p valid on average while every call stays reproducible.
    """
    from scipy.stats import rankdata  # not at the top: see _unit_ranks

    doubled = np.rint(2 * rankdata(y)).astype(np.int64)  # average ranks are k/2
    return int.from_bytes(hashlib.blake2b(doubled.tobytes(), digest_size=8).digest(), "big")


def _unit_ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks along the last axis, centred and scaled to unit length.

    The dot product of two such vectors is Spearman's rho (Pearson on ranks,
    which is how ties are handled).
    """
    # Imported here: scipy.stats takes half a second to import, which every server start
    # would pay (gunicorn.conf.py preloads the app); only the drivers need it.
    from scipy.stats import rankdata

    ranks = rankdata(values, axis=-1)
    centred = ranks - ranks.mean(axis=-1, keepdims=True)
    normed: np.ndarray = centred / np.linalg.norm(centred, axis=-1, keepdims=True)
    return normed


def _spearman_tests(columns: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
    """Rho and two-sided p of each row of ``columns`` (k x n) against ``y`` (n).

    Every row is tested against the same orderings of y's ranks, in one product.
    P = share of orderings with |rho| at least the observed |rho| (exact), or
    (1 + count) / (1 + reshuffles) for the permutation test, which is never 0.
    """
    rx = _unit_ranks(columns)
    ry = _unit_ranks(y)
    rho = np.clip(rx @ ry, -1.0, 1.0)
    n = len(y)
    exact = n <= EXACT_MAX_TEAMS
    table = _all_orderings(n) if exact else _random_orderings(n, _seed(y))
    # orderings x k; einsum rather than a BLAS product: the inner size is the team
    # count, and BLAS threads only cost time here.
    null = np.einsum("pn,kn->pk", ry[table], rx, optimize=False)
    extreme = (np.abs(null) >= np.abs(rho) - _TOLERANCE).sum(axis=0)
    p = extreme / len(table) if exact else (extreme + 1) / (len(table) + 1)
    return rho, np.minimum(p, 1.0), "exact" if exact else "permutation"


def spearman_test(x: Sequence[float], y: Sequence[float]) -> SpearmanTest:
    """Spearman's rho with its exact (n <= 8) or permutation (n > 8) two-sided p.

    Needs at least three pairs and both sides varying (a ValueError otherwise).
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    if xs.shape != ys.shape or xs.ndim != 1:
        raise ValueError("x and y must be two sequences of the same length")
    if len(xs) < 3:
        raise ValueError("a rank correlation needs at least three pairs")
    if np.ptp(xs) == 0 or np.ptp(ys) == 0:
        raise ValueError("both sequences must vary")
    rho, p, method = _spearman_tests(xs[None, :], ys)
    return SpearmanTest(float(rho[0]), float(p[0]), len(xs), method)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the given order (family-wise error control).

    The smallest p is multiplied by the number of tests (as Bonferroni), the next
    by one fewer, and so on, kept monotone and capped at 1.
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 0.0
    for step, index in enumerate(order):
        running = max(running, min(1.0, (m - step) * p_values[index]))
        adjusted[index] = running
    return adjusted


# --- drivers -------------------------------------------------------------------------


def _caution(teams: int) -> str | None:
    if teams >= DRIVER_MIN_TEAMS:
        return None
    return ngettext(
        "only %(num)s team: a hint, not a finding (%(needed)s needed)",
        "only %(num)s teams: a hint, not a finding (%(needed)s needed)",
        teams,
        needed=DRIVER_MIN_TEAMS,
    )


def drivers(teams: Sequence[TeamLike], dimension_names: Mapping[str, str]) -> list[Driver]:
    """Which pulse dimensions move with adoption across teams (Spearman's rank correlation).

    Every dimension with at least three teams that have both its mean and an
    adoption rate, and some spread on both sides, is tested; the p-values are
    adjusted together (Holm) for the number tested. Strongest correlation first.
    Below ``DRIVER_MIN_TEAMS`` teams each driver carries a caution and is never
    ``significant``.
    """
    groups: dict[tuple[int, ...], list[tuple[str, list[float]]]] = {}
    for key in dimension_names:
        rows = tuple(
            i
            for i, team in enumerate(teams)
            if team.adoption is not None
            and key in team.dimensions
            and math.isfinite(team.dimensions[key])
            and math.isfinite(team.adoption)
        )
        if len(rows) < 3:
            continue
        xs = [float(teams[i].dimensions[key]) for i in rows]
        ys = [float(teams[i].adoption) for i in rows]  # type: ignore[arg-type]
        if len(set(xs)) < 2 or len(set(ys)) < 2:
            continue
        groups.setdefault(rows, []).append((key, xs))
    found: list[Driver] = []
    for rows, columns in groups.items():
        y = np.array([teams[i].adoption for i in rows], dtype=float)
        matrix = np.array([xs for _key, xs in columns], dtype=float)
        rhos, ps, method = _spearman_tests(matrix, y)
        for (key, _xs), rho, p in zip(columns, rhos, ps, strict=True):
            found.append(
                Driver(key, float(rho), float(p), len(rows), _caution(len(rows)), method=method)
            )
    adjusted = holm([d.p for d in found])
    tested = len(found)
    result = [
        replace(d, p_adjusted=p_adj, tested=tested)
        for d, p_adj in zip(found, adjusted, strict=True)
    ]
    return sorted(result, key=lambda d: (-abs(d.rho), d.p))


def teams_with_data(teams: Sequence[TeamLike], dimension_names: Mapping[str, str]) -> int:
    """Teams with an adoption rate and at least one of the dimensions."""
    return sum(
        1
        for team in teams
        if team.adoption is not None and any(key in team.dimensions for key in dimension_names)
    )


def drivers_status(teams: Sequence[TeamLike], dimension_names: Mapping[str, str]) -> str | None:
    """What is missing before a driver finding is possible, or None when nothing is.

    E.g. "not enough teams: 4 of the 16 needed".
    """
    if not dimension_names:
        return _("no pulse dimensions to test")
    have = teams_with_data(teams, dimension_names)
    if have < DRIVER_MIN_TEAMS:
        return _(
            "not enough teams: %(have)s of the %(needed)s needed",
            have=have,
            needed=DRIVER_MIN_TEAMS,
        )
    return None


def _reported_p(driver: Driver) -> float:
    return driver.p if driver.p_adjusted is None else driver.p_adjusted


def strongest_driver(
    found: Sequence[Driver], *, min_teams: int = DRIVER_MIN_TEAMS
) -> Driver | None:
    """The driver a finding should name: at least ``min_teams`` teams, adjusted p below
    ``DRIVER_ALPHA``, |rho| at least ``DRIVER_MIN_RHO``; the smallest adjusted p, then
    the largest |rho|. None when there is none (the usual case, and no finding then).
    """
    candidates = [
        d
        for d in found
        if d.teams >= min_teams and _reported_p(d) < DRIVER_ALPHA and abs(d.rho) >= DRIVER_MIN_RHO
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda d: (_reported_p(d), -abs(d.rho)))
