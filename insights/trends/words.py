"""A projection in plain words, the same on every page, export and chart."""

from __future__ import annotations

from datetime import date

from insights.trends.projection import (
    FLAT_OR_FALLING,
    LEVELLING,
    REACHED,
    TOO_FEW_WEEKS,
    Projection,
)


def _day(value: date, year: bool = True) -> str:
    return f"{value.day} {value:%b %Y}" if year else f"{value.day} {value:%b}"


def projection_words(projection: Projection | None, *, higher_is_better: bool = True) -> str:
    """The projection in plain words: "about 14 Mar 2027 (between 2 Feb and 20 May)".

    Never two verdicts at once: "too few weeks to project" is the whole answer
    when it applies. A decline is a decline: a "higher is better" series that
    does not rise is "flat or falling", a "lower is better" one "flat or rising".
    """
    if projection is None:
        return "no target set"
    state = projection.state
    if state == REACHED:
        return "target reached"
    if state == TOO_FEW_WEEKS:
        if projection.chance is None:
            return "too few weeks to project"
        return "too few weeks to project: it may reach the target or level off short of it"
    if state == LEVELLING:
        return f"levelling off {'below' if higher_is_better else 'above'} the target"
    if state == FLAT_OR_FALLING or projection.reached_on is None:
        return f"flat or {'falling' if higher_is_better else 'rising'}: no date"
    words = f"about {_day(projection.reached_on)}"
    if projection.interval is not None and projection.interval[0] != projection.interval[1]:
        low, high = projection.interval
        words += f" (between {_day(low, year=low.year != high.year)} and {_day(high)})"
    return words
