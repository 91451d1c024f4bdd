"""Findings in plain words: the period and the n behind each one, trends and targets.

The executive reads these; the exact statistics (Mann-Kendall p, Theil-Sen
slopes, Spearman's rho, Cronbach's alpha) stay in the consultant view and
the API. A projected date is only ever called a projection while it lies
after the page's "as of" date: a date already past says what happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from insights.diagnosis.shapes import day, fmt_value
from insights.trends import DATE, FLAT_OR_FALLING, LEVELLING, MIN_PERIODS, TOO_FEW_WEEKS

# Within this many points of a percentage target, values are given to one decimal.
CLOSE_POINTS = 2.0


def plural(count: int, noun: str, many: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def weeks_between(first: date, last: date) -> int:
    """Weekly periods from ``first`` to ``last``, both counted."""
    return (last - first).days // 7 + 1


def over_weeks(period: tuple[date, date], who: str) -> str:
    """ "Over the 26 weeks to 16 Nov 2026, 148 people in 9 teams"."""
    weeks = weeks_between(*period)
    lead = f"In the week of {day(period[1])}" if weeks == 1 else (
        f"Over the {weeks} weeks to {day(period[1])}"
    )  # fmt: skip
    return f"{lead}, {who}" if who else lead


def in_pulse(period: tuple[date, date], answers: int, extra: str = "") -> str:
    """ "In the pulse of 17 to 23 Nov 2026, 130 answers"."""
    first, last = period
    if (first.year, first.month) == (last.year, last.month):
        when = f"{first.day} to {day(last)}"
    else:
        when = f"{day(first)} to {day(last)}"
    tail = f", {extra}" if extra else ""
    return f"In the pulse of {when}, {plural(answers, 'answer')}{tail}"


def as_of(today: date | None, who: str) -> str:
    """ "As of 29 Nov 2026, 2 leaders and 130 staff": for findings with no natural period."""
    lead = f"As of {day(today)}" if today is not None else "As of now"
    return f"{lead}, {who}" if who else lead


def people_in_teams(people: int | None, teams: int) -> str:
    """ "148 people in 9 teams", "12 people", or "9 teams" when headcounts are unknown."""
    if people and teams > 1:
        return f"{plural(people, 'person', 'people')} in {plural(teams, 'team')}"
    if people:
        return plural(people, "person", "people")
    return plural(teams, "team") if teams else ""


def trend_plain(label: str | None, periods: int) -> str:
    """A trend without its test: "rising steadily", "falling", "flat", "no clear trend yet"."""
    if label == "rising":
        return f"rising steadily over the last {periods} weeks"
    if label == "declining":
        return f"falling over the last {periods} weeks"
    if label == "plateau":
        return f"flat over the last {periods} weeks"
    more = max(MIN_PERIODS - periods, 1)
    return f"no clear trend yet: {plural(more, 'more week')} of figures needed"


def target_outlook(
    periods: Sequence[date],
    values: Sequence[float],
    target: float | None,
    target_date: date | None,
    unit: str,
    *,
    higher_is_better: bool,
    state: str | None,
    projected_on: date | None,
    today: date,
) -> str:
    """Where a metric stands against its target, as one verdict in plain words.

    Reached (and since when), on track (with a projected date after ``today``),
    target date passed (with the latest value against the target), behind (by
    how much, and why no date), or no clear trend yet (how many more weeks).
    A projected date on or before ``today`` is never offered as a projection.
    """
    if target is None or not values:
        return "no target set"
    sign = 1.0 if higher_is_better else -1.0
    latest, goal = values[-1], fmt_value(target, unit)
    if sign * (latest - target) >= 0:
        since = len(values) - 1
        while since > 0 and sign * (values[since - 1] - target) >= 0:
            since -= 1
        return f"target reached in the week of {day(periods[since])}"
    # Close to a percentage target, whole numbers would read "85% against 85%": one decimal.
    close = unit == "%" and abs(target - latest) < CLOSE_POINTS
    now = f"{latest:.1f}%" if close else fmt_value(latest, unit)
    if close and target != round(target):
        goal = f"{target:.1f}%"
    short = f"{now} against {goal}"
    gap = f"{_amount(abs(target - latest), unit)} short"
    if target_date is not None and target_date <= today:
        return f"target date passed on {day(target_date)}; the latest value is {short}"
    if state == DATE and projected_on is not None and projected_on > today:
        if target_date is not None and projected_on > target_date:
            return (
                f"behind: {gap}; on the current trend it reaches {goal} about "
                f"{day(projected_on)}, after the target date of {day(target_date)}"
            )
        return f"on track: expected to reach {goal} about {day(projected_on)}"
    if state == DATE:  # a projected date already past, and the target still not met
        return f"behind: {gap}; on the current trend the target is not reached"
    if state == TOO_FEW_WEEKS or state is None or len(values) < MIN_PERIODS:
        more = max(MIN_PERIODS - len(values), 0)
        wait = (
            f"{plural(more, 'more week')} of figures needed"
            if more
            else "a few more weeks will tell"
        )
        return f"no clear trend yet ({short}): {wait}"
    if state == LEVELLING:
        return f"behind: {gap}, and levelling off; on the current trend the target is not reached"
    if state == FLAT_OR_FALLING:
        moving = "falling" if higher_is_better else "rising"
        return f"behind: {gap}, flat or {moving}; on the current trend the target is not reached"
    return f"behind: {gap}"


def _amount(value: float, unit: str) -> str:
    """A distance to the target: "14 points" for a percentage, "0.3 logins" otherwise."""
    if unit == "%":
        return f"{value:.1f} points" if value < 1 else plural(round(value), "point")
    return fmt_value(value, unit)
