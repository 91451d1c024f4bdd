"""A driver finding in plain words for people (``insights.drivers`` finds it).

Every sentence is one whole message for the translators (``insights.translation``);
p-values read in plain decimals, never "0.000".
"""

from __future__ import annotations

import math

from insights.drivers import DRIVER_ALPHA, PERMUTATIONS, Driver
from insights.translation import _, ngettext, number


def format_p(p: float, alpha: float = DRIVER_ALPHA) -> str:
    """A p-value in plain decimals with two significant figures, never "0.000".

    Extra digits where rounding would put it on the other side of ``alpha``
    (0.0496 is "0.0496", not "0.05").
    """
    if not p > 0:
        raise ValueError("an exact or permutation p-value is never 0")
    if p >= 1:
        return "1"
    decimals = max(2, 1 - math.floor(math.log10(p)))
    while (round(p, decimals) < alpha) != (p < alpha) and decimals < 10:
        decimals += 1
    # Below 1, so no grouping: only the decimal sign follows the reader ("0,05").
    return number(p, decimals).rstrip("0").rstrip(".,")


def p_in_words(p: float, method: str) -> str:
    """A permutation test's p-value and where it comes from, e.g. "exact p = 0.0028"
    (drivers and leader associations are both tested by ``spearman_test``)."""
    if method == "exact":
        return _("exact p = %(p)s", p=format_p(p))
    return _(
        "p = %(p)s from %(reshuffles)s random reshuffles",
        p=format_p(p),
        reshuffles=number(PERMUTATIONS),
    )


def adjustment_in_words(driver: Driver) -> str:
    """E.g. "0.028 after adjusting for the 10 dimensions tested"."""
    if driver.tested <= 1 or driver.p_adjusted is None:
        return _("only this dimension tested, so no adjustment")
    return _(
        "%(p)s after adjusting for the %(tested)s dimensions tested",
        p=format_p(driver.p_adjusted),
        tested=driver.tested,
    )


def driver_title(driver: Driver, name: str) -> str:
    """E.g. "Teams scoring higher on “Lost personal touch” adopt less"."""
    if driver.rho > 0:
        return _("Teams scoring higher on “%(name)s” adopt more", name=name)
    return _("Teams scoring higher on “%(name)s” adopt less", name=name)


def driver_evidence(driver: Driver) -> str:
    """The finding's evidence in plain words: rho, n, the exact p and the adjustment.

    E.g. "Spearman ρ = 0.85 across 12 teams (p = 0.0003 from 10,000 random
    reshuffles; 0.003 after adjusting for the 10 dimensions tested)."
    """
    values = {
        "rho": number(driver.rho, 2),
        "p": p_in_words(driver.p, driver.method),
        "adjusted": adjustment_in_words(driver),
    }
    if driver.caution:
        return ngettext(
            "Spearman ρ = %(rho)s across %(num)s team (%(p)s; %(adjusted)s); %(caution)s.",
            "Spearman ρ = %(rho)s across %(num)s teams (%(p)s; %(adjusted)s); %(caution)s.",
            driver.teams,
            caution=driver.caution,
            **values,
        )
    return ngettext(
        "Spearman ρ = %(rho)s across %(num)s team (%(p)s; %(adjusted)s).",
        "Spearman ρ = %(rho)s across %(num)s teams (%(p)s; %(adjusted)s).",
        driver.teams,
        **values,
    )
