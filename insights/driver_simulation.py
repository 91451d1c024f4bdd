"""Made-up teams for measuring the driver test's error rates (for the tests and the docs).

``simulate_finding_rate`` runs the real ``drivers()`` -> ``strongest_driver()`` path;
the measured rates are in docs/diagnosis-statistics.md, "## Drivers", "### Simulations".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from insights.drivers import DRIVER_MIN_TEAMS, drivers, strongest_driver


@dataclass(frozen=True)
class SimulatedTeam:
    dimensions: Mapping[str, float]
    adoption: float | None


def simulate_teams(
    rng: np.random.Generator,
    n_teams: int,
    n_dimensions: int,
    *,
    rho: float = 0.0,
    dimension_correlation: float = 0.0,
    decimals: int = 2,
) -> list[SimulatedTeam]:
    """Made-up teams on realistic scales: 1-5 dimension means, 0-100% adoption.

    Dimension "d0" has true Spearman ``rho`` with adoption (Gaussian copula);
    the others are unrelated to adoption and to d0, and correlated with each other
    at ``dimension_correlation`` (all of them, d0 included, when ``rho`` is 0).
    Means are rounded to ``decimals`` and adoption to whole percent, so ties occur.
    """
    m = n_dimensions
    cov = np.full((m, m), dimension_correlation)
    if rho:
        cov[0, :] = cov[:, 0] = 0.0
    np.fill_diagonal(cov, 1.0)
    z = rng.multivariate_normal(np.zeros(m), cov, size=n_teams, method="cholesky")
    r = 2 * math.sin(math.pi * rho / 6)  # Pearson r of the copula for Spearman rho
    latent = r * z[:, 0] + math.sqrt(1 - r * r) * rng.standard_normal(n_teams)
    means = np.round(np.clip(3.2 + 0.45 * z, 1, 5), decimals)
    adoption = np.round(np.clip(55 + 15 * latent, 0, 100))
    return [
        SimulatedTeam({f"d{k}": float(means[i, k]) for k in range(m)}, float(adoption[i]))
        for i in range(n_teams)
    ]


def simulate_finding_rate(
    n_teams: int,
    n_dimensions: int,
    *,
    rho: float = 0.0,
    dimension_correlation: float = 0.0,
    runs: int = 1000,
    seed: int = 0,
    decimals: int = 2,
    min_teams: int = DRIVER_MIN_TEAMS,
) -> float:
    """Share of runs in which a driver finding is made (rho 0: a false finding) or,
    with a real driver (rho > 0), in which the finding names it (power).

    ``min_teams=0`` measures the test alone, below the minimum too.
    """
    rng = np.random.default_rng([seed, n_teams, n_dimensions])
    names = {f"d{k}": f"Dimension {k}" for k in range(n_dimensions)}
    hits = 0
    for _run in range(runs):
        teams = simulate_teams(
            rng,
            n_teams,
            n_dimensions,
            rho=rho,
            dimension_correlation=dimension_correlation,
            decimals=decimals,
        )
        top = strongest_driver(drivers(teams, names), min_teams=min_teams)
        if top is not None and (rho == 0 or top.dimension == "d0"):
            hits += 1
    return hits / runs
