"""A projection in plain words, the same on every page, export and chart."""

from __future__ import annotations

from datetime import date

from insights.translation import N_, _, day
from insights.trends.projection import (
    FLAT_OR_FALLING,
    LEVELLING,
    REACHED,
    TOO_FEW_WEEKS,
    Projection,
)

# A day without its year ("2 Feb") names its month in the reader's language.
MONTHS = (
    N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
    N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
)  # fmt: skip


def _day_month(value: date) -> str:
    return _("%(day)s %(month)s", day=value.day, month=_(MONTHS[value.month - 1]))


def projection_words(projection: Projection | None, *, higher_is_better: bool = True) -> str:
    """The projection in plain words: "about 14 Mar 2027 (between 2 Feb and 20 May)".

    Never two verdicts at once: "too few weeks to project" is the whole answer
    when it applies. A decline is a decline: a "higher is better" series that
    does not rise is "flat or falling", a "lower is better" one "flat or rising".
    """
    if projection is None:
        return _("no target set")
    state = projection.state
    if state == REACHED:
        return _("target reached")
    if state == TOO_FEW_WEEKS:
        if projection.chance is None:
            return _("too few weeks to project")
        return _("too few weeks to project: it may reach the target or level off short of it")
    if state == LEVELLING:
        if higher_is_better:
            return _("levelling off below the target")
        return _("levelling off above the target")
    if state == FLAT_OR_FALLING or projection.reached_on is None:
        return _("flat or falling: no date") if higher_is_better else _("flat or rising: no date")
    about = day(projection.reached_on)
    if projection.interval is None or projection.interval[0] == projection.interval[1]:
        return _("about %(day)s", day=about)
    low, high = projection.interval
    return _(
        "about %(day)s (between %(low)s and %(high)s)",
        day=about, low=day(low) if low.year != high.year else _day_month(low), high=day(high),
    )  # fmt: skip
