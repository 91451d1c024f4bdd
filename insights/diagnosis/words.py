"""Findings in plain words: the period and the n behind each one, trends and targets.

The executive reads these; the exact statistics (Mann-Kendall p, Theil-Sen
slopes, Spearman's rho, Cronbach's alpha) stay in the consultant view and
the API. A projected date is only ever called a projection while it lies
after the page's "as of" date: a date already past says what happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from insights.diagnosis.shapes import fmt_value, span
from insights.translation import _, day, ngettext, number
from insights.trends import DATE, FLAT_OR_FALLING, LEVELLING, MIN_PERIODS, TOO_FEW_WEEKS

# Within this many points of a percentage target, values are given to one decimal.
CLOSE_POINTS = 2.0


def weeks_between(first: date, last: date) -> int:
    """Weekly periods from ``first`` to ``last``, both counted."""
    return (last - first).days // 7 + 1


def over_weeks(period: tuple[date, date], who: str) -> str:
    """ "Over the 26 weeks to 16 Nov 2026, 148 people in 9 teams"."""
    weeks, last = weeks_between(*period), day(period[1])
    if weeks == 1:
        if who:
            return _("In the week of %(day)s, %(who)s", day=last, who=who)
        return _("In the week of %(day)s", day=last)
    if who:
        return ngettext(
            "Over the %(num)s week to %(day)s, %(who)s",
            "Over the %(num)s weeks to %(day)s, %(who)s",
            weeks, day=last, who=who,
        )  # fmt: skip
    return ngettext(
        "Over the %(num)s week to %(day)s", "Over the %(num)s weeks to %(day)s", weeks, day=last
    )


def in_pulse(period: tuple[date, date], answers: int, extra: str = "") -> str:
    """ "In the pulse of 17 to 23 Nov 2026, 130 answers"."""
    first, last = period
    if (first.year, first.month) == (last.year, last.month):
        when = _("%(first_day)s to %(last)s", first_day=number(first.day), last=day(last))
    else:
        when = span(period)
    if extra:
        return ngettext(
            "In the pulse of %(when)s, %(num)s answer, %(extra)s",
            "In the pulse of %(when)s, %(num)s answers, %(extra)s",
            answers, when=when, extra=extra,
        )  # fmt: skip
    return ngettext(
        "In the pulse of %(when)s, %(num)s answer",
        "In the pulse of %(when)s, %(num)s answers",
        answers, when=when,
    )  # fmt: skip


def as_of(today: date | None, who: str) -> str:
    """ "As of 29 Nov 2026, 2 leaders and 130 staff": for findings with no natural period."""
    if today is None:
        return _("As of now, %(who)s", who=who) if who else _("As of now")
    if who:
        return _("As of %(day)s, %(who)s", day=day(today), who=who)
    return _("As of %(day)s", day=day(today))


def n_teams(count: int) -> str:
    """ "9 teams" in the reader's language."""
    return ngettext("%(num)s team", "%(num)s teams", count)


def people_in_teams(people: int | None, team_count: int) -> str:
    """ "148 people in 9 teams", "12 people", or "9 teams" when headcounts are unknown."""
    if people:
        persons = ngettext("%(num)s person", "%(num)s people", people)
        if team_count > 1:
            return _("%(people)s in %(teams)s", people=persons, teams=n_teams(team_count))
        return persons
    return n_teams(team_count) if team_count else ""


def trend_plain(label: str | None, periods: int) -> str:
    """A trend without its test: "rising steadily", "falling", "flat", "no clear trend yet"."""
    if label == "rising":
        return ngettext(
            "rising steadily over the last %(num)s week",
            "rising steadily over the last %(num)s weeks",
            periods,
        )
    if label == "declining":
        return ngettext(
            "falling over the last %(num)s week", "falling over the last %(num)s weeks", periods
        )
    if label == "plateau":
        return ngettext(
            "flat over the last %(num)s week", "flat over the last %(num)s weeks", periods
        )
    return ngettext(
        "no clear trend yet: %(num)s more week of figures needed",
        "no clear trend yet: %(num)s more weeks of figures needed",
        max(MIN_PERIODS - periods, 1),
    )


def _percent(value: float, digits: int) -> str:
    return _("%(value)s%%", value=number(value, digits))


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
        return _("no target set")
    sign = 1.0 if higher_is_better else -1.0
    latest, goal = values[-1], fmt_value(target, unit)
    if sign * (latest - target) >= 0:
        since = len(values) - 1
        while since > 0 and sign * (values[since - 1] - target) >= 0:
            since -= 1
        return _("target reached in the week of %(day)s", day=day(periods[since]))
    # Close to a percentage target, whole numbers would read "85% against 85%": one decimal.
    close = unit == "%" and abs(target - latest) < CLOSE_POINTS
    now = _percent(latest, 1) if close else fmt_value(latest, unit)
    if close and target != round(target):
        goal = _percent(target, 1)
    gap = _amount(abs(target - latest), unit)
    if target_date is not None and target_date <= today:
        return _(
            "target date passed on %(day)s; the latest value is %(now)s against %(goal)s",
            day=day(target_date), now=now, goal=goal,
        )  # fmt: skip
    if state == DATE and projected_on is not None and projected_on > today:
        if target_date is not None and projected_on > target_date:
            return _(
                "behind: %(gap)s short; on the current trend it reaches %(goal)s about "
                "%(day)s, after the target date of %(target_day)s",
                gap=gap, goal=goal, day=day(projected_on), target_day=day(target_date),
            )  # fmt: skip
        return _(
            "on track: expected to reach %(goal)s about %(day)s", goal=goal, day=day(projected_on)
        )
    if state == DATE:  # a projected date already past, and the target still not met
        return _("behind: %(gap)s short; on the current trend the target is not reached", gap=gap)
    if state == TOO_FEW_WEEKS or state is None or len(values) < MIN_PERIODS:
        more = max(MIN_PERIODS - len(values), 0)
        if more:
            return ngettext(
                "no clear trend yet (%(now)s against %(goal)s): "
                "%(num)s more week of figures needed",
                "no clear trend yet (%(now)s against %(goal)s): "
                "%(num)s more weeks of figures needed",
                more, now=now, goal=goal,
            )  # fmt: skip
        return _(
            "no clear trend yet (%(now)s against %(goal)s): a few more weeks will tell",
            now=now, goal=goal,
        )  # fmt: skip
    if state == LEVELLING:
        return _(
            "behind: %(gap)s short, and levelling off; on the current trend the target is "
            "not reached",
            gap=gap,
        )
    if state == FLAT_OR_FALLING and higher_is_better:
        return _(
            "behind: %(gap)s short, flat or falling; on the current trend the target is "
            "not reached",
            gap=gap,
        )
    if state == FLAT_OR_FALLING:
        return _(
            "behind: %(gap)s short, flat or rising; on the current trend the target is not reached",
            gap=gap,
        )
    return _("behind: %(gap)s short", gap=gap)


def _amount(value: float, unit: str) -> str:
    """A distance to the target: "14 points" for a percentage, "0.3 logins" otherwise."""
    if unit == "%":
        if value < 1:
            return _("%(points)s points", points=number(value, 1))
        return ngettext("%(num)s point", "%(num)s points", round(value))
    return fmt_value(value, unit)
