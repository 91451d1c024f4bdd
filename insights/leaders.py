"""Do leaders whom observers rate higher on a practice lead teams that do better?

Across leaders: each of Kouzes & Posner's five practices, as the leader's
observers see it (the mean practice score of their latest closed 360, self
excluded, shown only with enough observers), against each outcome of the teams
they lead (the pulse score and the adoption rate; a leader with several teams
gets their headcount-weighted mean). Spearman's rank correlation with the exact
or permutation test of :mod:`insights.drivers` (``spearman_test``), the p-values
adjusted together for every pair tested (``holm``).

Honesty rules, the drivers' own (docs/diagnosis-statistics.md, "## Drivers" and
"## Leaders and their teams"): below ``LEADERS_MIN`` leaders nothing is tested
and the answer is "Not enough leaders to say (N of M needed)"; a pair "goes
with" the outcome only when its adjusted p is below ``DRIVER_ALPHA`` and
|rho| >= ``DRIVER_MIN_RHO``. Wording says "goes with", never "causes":
leaders are not assigned to teams at random.

Pure functions: plain data in, plain data out. No Flask, no database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from insights.driver_words import format_p, p_in_words
from insights.drivers import (
    DRIVER_ALPHA,
    DRIVER_MIN_RHO,
    DRIVER_MIN_TEAMS,
    holm,
    spearman_test,
)
from insights.translation import N_, _, ngettext, number

# Fewer leaders than this: nothing is tested. The family here is 5 practices x 2
# outcomes = 10 tests, the size the drivers' minimum was calibrated on (10
# dimensions): from 16 a strong real association (rho 0.7) is found more often
# than missed and the rho reported with it is near the truth (docs, "## Drivers";
# the leaders' own simulation is in "## Leaders and their teams").
LEADERS_MIN = DRIVER_MIN_TEAMS

PULSE = "pulse"
ADOPTION = "adoption"
# Marked here, translated where shown (``_(name)``).
OUTCOMES: dict[str, str] = {PULSE: N_("pulse score"), ADOPTION: N_("adoption rate")}

State = Literal["goes_with", "noise", "too_few", "no_spread"]


@dataclass(frozen=True)
class TeamOutcome:
    """One team a leader leads: its headcount and its outcomes (key -> value)."""

    headcount: int
    outcomes: Mapping[str, float]


@dataclass(frozen=True)
class LeaderInput:
    """One leader: observers' practice scores (key -> 6-60) and the teams they lead."""

    practices: Mapping[str, float]
    teams: Sequence[TeamOutcome]


@dataclass(frozen=True)
class Association:
    """One practice against one outcome, across leaders."""

    practice: str
    outcome: str
    leaders: int
    state: State
    words: str
    rho: float | None = None
    p: float | None = None
    p_adjusted: float | None = None
    tested: int = 0
    method: str | None = None


@dataclass(frozen=True)
class LeaderAssociations:
    """Every pair, the leaders counted, and the page's state when nothing could be tested."""

    leaders: int  # leaders with observer scores and an outcome of at least one team
    associations: tuple[Association, ...]
    status: str | None  # "Not enough leaders to say (9 of 16 needed)" when nothing was tested

    @property
    def found(self) -> tuple[Association, ...]:
        return tuple(a for a in self.associations if a.state == "goes_with")


def weighted_outcome(teams: Sequence[TeamOutcome], key: str) -> float | None:
    """The headcount-weighted mean of ``key`` over the teams that have it (plain mean if
    none has people); None when none has it."""
    pairs = [
        (max(team.headcount, 0), float(team.outcomes[key]))
        for team in teams
        if key in team.outcomes and math.isfinite(team.outcomes[key])
    ]
    if not pairs:
        return None
    weight = sum(size for size, _ in pairs)
    if weight == 0:
        return sum(value for _, value in pairs) / len(pairs)
    return sum(size * value for size, value in pairs) / weight


def pulse_score(means: Sequence[tuple[float, bool]]) -> float | None:
    """One team's pulse score: the mean of its dimension means (1-5), each turned so that
    higher is better ((1 + 5) - mean where agreeing means more of a problem, as for the
    resistance drivers); None without any."""
    turned = [mean if higher_is_better else 6.0 - mean for mean, higher_is_better in means]
    return sum(turned) / len(turned) if turned else None


def too_few_words(have: int, needed: int = LEADERS_MIN) -> str:
    return _("Not enough leaders to say (%(have)s of %(needed)s needed).", have=have, needed=needed)


def _tested_words(association: Association) -> str:
    if association.tested <= 1 or association.p_adjusted is None:
        return _("only this pair tested")
    return _(
        "%(p)s after adjusting for the %(tested)s tests",
        p=format_p(association.p_adjusted),
        tested=association.tested,
    )


def association_words(association: Association, practice: str, outcome: str) -> str:
    """The result in plain words with rho, p and n; ``practice``/``outcome`` are names."""
    if association.state == "too_few":
        return too_few_words(association.leaders)
    leaders = association.leaders
    if association.state == "no_spread":
        return ngettext(
            "Nothing to rank: the %(num)s leader has the same figure.",
            "Nothing to rank: every one of the %(num)s leaders has the same figure.",
            leaders,
        )
    assert association.rho is not None and association.p is not None
    assert association.method is not None
    figures = ngettext(
        "Spearman ρ = %(rho)s across %(num)s leader (%(p)s; %(tested)s)",
        "Spearman ρ = %(rho)s across %(num)s leaders (%(p)s; %(tested)s)",
        leaders,
        rho=number(association.rho, 2),
        p=p_in_words(association.p, association.method),
        tested=_tested_words(association),
    )
    outcome = _(outcome)
    if association.state == "goes_with" and association.rho > 0:
        return _(
            "A higher observers’ score on “%(practice)s” goes with a higher %(outcome)s "
            "in the leader’s teams: %(figures)s.",
            practice=practice,
            outcome=outcome,
            figures=figures,
        )
    if association.state == "goes_with":
        return _(
            "A higher observers’ score on “%(practice)s” goes with a lower %(outcome)s "
            "in the leader’s teams: %(figures)s.",
            practice=practice,
            outcome=outcome,
            figures=figures,
        )
    return _("No link distinguishable from chance: %(figures)s.", figures=figures)


def associations(
    leaders: Sequence[LeaderInput],
    practice_names: Mapping[str, str],
    outcome_names: Mapping[str, str] = OUTCOMES,
    *,
    min_leaders: int = LEADERS_MIN,
) -> LeaderAssociations:
    """Each practice against each outcome across leaders (Spearman, Holm over all tested).

    A leader counts for an outcome when they have every practice's observer
    score and at least one of their teams has that outcome. Below
    ``min_leaders`` for an outcome, its pairs are not tested ("too_few").
    """
    rows: list[Association] = []
    tested: list[int] = []
    counted = 0
    for leader in leaders:
        if all(k in leader.practices for k in practice_names) and any(
            weighted_outcome(leader.teams, key) is not None for key in outcome_names
        ):
            counted += 1
    for outcome in outcome_names:
        pairs = [
            (leader, value)
            for leader in leaders
            if all(k in leader.practices for k in practice_names)
            and (value := weighted_outcome(leader.teams, outcome)) is not None
        ]
        n = len(pairs)
        y = [value for _, value in pairs]
        for practice in practice_names:
            x = [float(leader.practices[practice]) for leader, _ in pairs]
            if n < min_leaders:
                rows.append(Association(practice, outcome, n, "too_few", ""))
            elif len(set(x)) < 2 or len(set(y)) < 2:
                rows.append(Association(practice, outcome, n, "no_spread", ""))
            else:
                test = spearman_test(x, y)
                tested.append(len(rows))
                rows.append(
                    Association(
                        practice, outcome, n, "noise", "", test.rho, test.p, method=test.method
                    )
                )
    adjusted = holm([rows[i].p or 1.0 for i in tested])
    for index, p_adjusted in zip(tested, adjusted, strict=True):
        row = rows[index]
        assert row.rho is not None
        state: State = (
            "goes_with" if p_adjusted < DRIVER_ALPHA and abs(row.rho) >= DRIVER_MIN_RHO else "noise"
        )
        rows[index] = replace(row, state=state, p_adjusted=p_adjusted, tested=len(tested))
    final = tuple(
        replace(a, words=association_words(a, practice_names[a.practice], outcome_names[a.outcome]))
        for a in rows
    )
    status = None
    if all(a.state == "too_few" for a in final):
        have = max((a.leaders for a in final), default=0)
        status = too_few_words(have, min_leaders)
    return LeaderAssociations(counted, final, status)


# --- simulation (for the tests and the docs) -------------------------------------------


def simulate_leaders(
    rng: np.random.Generator,
    n_leaders: int,
    practice_keys: Sequence[str],
    *,
    rho: float = 0.0,
    practice_correlation: float = 0.6,
) -> list[LeaderInput]:
    """Made-up leaders on realistic scales: practice scores 6-60, pulse 1-5, adoption 0-100 %.

    Practices move together (``practice_correlation``, as they do in 360s); the
    first practice has true Spearman ``rho`` with the leader's adoption (Gaussian
    copula), the rest only through their correlation with it; the pulse score is
    unrelated. Each leader leads one to three teams of 5-40 people whose figures
    scatter around the leader's.
    """
    m = len(practice_keys)
    cov = np.full((m, m), practice_correlation)
    np.fill_diagonal(cov, 1.0)
    z = rng.multivariate_normal(np.zeros(m), cov, size=n_leaders, method="cholesky")
    r = 2 * math.sin(math.pi * rho / 6)
    adoption_latent = r * z[:, 0] + math.sqrt(1 - r * r) * rng.standard_normal(n_leaders)
    pulse_latent = rng.standard_normal(n_leaders)
    scores = np.round(np.clip(42 + 6 * z, 6, 60), 1)
    found = []
    for i in range(n_leaders):
        teams = []
        for _team in range(int(rng.integers(1, 4))):
            adoption = float(np.round(np.clip(55 + 15 * adoption_latent[i], 0, 100)))
            pulse = float(np.round(np.clip(3.4 + 0.4 * pulse_latent[i], 1, 5), 2))
            teams.append(
                TeamOutcome(
                    int(rng.integers(5, 41)),
                    {
                        ADOPTION: min(100.0, max(0.0, adoption + float(rng.normal(0, 3)))),
                        PULSE: pulse,
                    },
                )
            )
        found.append(
            LeaderInput({key: float(scores[i, k]) for k, key in enumerate(practice_keys)}, teams)
        )
    return found


def simulate_finding_rate(
    n_leaders: int,
    practice_keys: Sequence[str],
    *,
    rho: float = 0.0,
    runs: int = 200,
    seed: int = 0,
    min_leaders: int = LEADERS_MIN,
) -> float:
    """Share of runs with an association found: any (``rho`` 0, a false finding) or, with a
    real one, the first practice against adoption (power)."""
    rng = np.random.default_rng([seed, n_leaders])
    names = {key: key for key in practice_keys}
    hits = 0
    for _run in range(runs):
        leaders = simulate_leaders(rng, n_leaders, practice_keys, rho=rho)
        found = associations(leaders, names, min_leaders=min_leaders).found
        if rho:
            found = tuple(
                a for a in found if a.practice == practice_keys[0] and a.outcome == ADOPTION
            )
        hits += bool(found)
    return hits / runs
