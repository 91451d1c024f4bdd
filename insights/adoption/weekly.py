"""Weekly adoption figures from a stream of activity events (definitions: the package's doc).

Memory grows with users × weeks, never with the number of rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from insights.adoption.activity import RECORD, ActivityEvent
from insights.adoption.catalogue import (
    ADOPTION_RATE,
    LOGINS_PER_ACTIVE_USER,
    RECORDS_PER_ACTIVE_USER,
    STICKINESS,
)
from insights.adoption.timestamps import week_start

MAU_WEEKS = 4


@dataclass(slots=True)
class _UserWeek:
    logins: int = 0
    records: int = 0
    team: str | None = None
    team_at: datetime | None = None


@dataclass(frozen=True)
class WeekFigures:
    """One week of one team (``team`` None: the whole initiative)."""

    week: date
    team: str | None
    active_users: int
    monthly_active_users: int | None
    logins: int
    records: int
    seats: int
    adoption_rate: float | None
    stickiness: float | None
    logins_per_active_user: float | None
    records_per_active_user: float | None

    def values(self) -> dict[str, float]:
        """The derived metrics by catalogue key, without the ones that cannot be computed."""
        values = {
            ADOPTION_RATE: self.adoption_rate,
            STICKINESS: self.stickiness,
            LOGINS_PER_ACTIVE_USER: self.logins_per_active_user,
            RECORDS_PER_ACTIVE_USER: self.records_per_active_user,
        }
        return {key: value for key, value in values.items() if value is not None}


def _ratio(part: float, whole: float, scale: float = 1.0) -> float | None:
    return None if whole <= 0 else round(part / whole * scale, 2)


@dataclass
class _Group:
    active: set[str] = field(default_factory=set)
    logins: int = 0
    records: int = 0


class WeeklyActivity:
    """Accumulates activity events one at a time, then reports the weekly figures.

    Memory grows with users × weeks, never with the number of rows.
    """

    def __init__(self, week_zone: tzinfo, active_on: str = RECORD) -> None:
        self.week_zone = week_zone
        self.active_on = active_on
        self._users: dict[tuple[date, str], _UserWeek] = {}
        self.teams: set[str] = set()
        self.logins = 0
        self.records = 0
        self.first_at: datetime | None = None
        self.last_at: datetime | None = None

    def add(self, event: ActivityEvent) -> date:
        """Count ``event``; returns the week it falls in."""
        week = week_start(event.at, self.week_zone)
        slot = self._users.get((week, event.user))
        if slot is None:
            slot = self._users[(week, event.user)] = _UserWeek()
        if event.kind == RECORD:
            slot.records += 1
            self.records += 1
        else:
            slot.logins += 1
            self.logins += 1
        if event.team is not None:
            self.teams.add(event.team)
            if slot.team_at is None or event.at >= slot.team_at:
                slot.team, slot.team_at = event.team, event.at
        if self.first_at is None or event.at < self.first_at:
            self.first_at = event.at
        if self.last_at is None or event.at > self.last_at:
            self.last_at = event.at
        return week

    def _is_active(self, slot: _UserWeek) -> bool:
        return slot.records > 0 or (self.active_on != RECORD and slot.logins > 0)

    def figures(self, licensed_seats: int, headcounts: Mapping[str, int]) -> list[WeekFigures]:
        """Weekly figures, week by week: the whole initiative first, then teams by name."""
        if not self._users:
            return []
        groups: dict[tuple[date, str | None], _Group] = {}
        for (week, user), slot in self._users.items():
            if not self._is_active(slot):
                continue
            for team in (None, slot.team) if slot.team is not None else (None,):
                group = groups.setdefault((week, team), _Group())
                group.active.add(user)
                group.logins += slot.logins
                group.records += slot.records
        weeks = sorted({week for week, _ in self._users})
        first, count = weeks[0], (weeks[-1] - weeks[0]).days // 7 + 1
        all_weeks = [first + timedelta(weeks=i) for i in range(count)]
        empty = _Group()
        result = []
        for index, week in enumerate(all_weeks):
            for team in [None, *sorted(self.teams, key=str.casefold)]:
                group = groups.get((week, team), empty)
                monthly: int | None = None
                if index >= MAU_WEEKS - 1:
                    window = (groups.get((w, team), empty).active for w in all_weeks[index - 3 :])
                    monthly = len(set().union(*window))
                seats = licensed_seats if team is None else headcounts.get(team, 0)
                wau = len(group.active)
                result.append(
                    WeekFigures(
                        week=week,
                        team=team,
                        active_users=wau,
                        monthly_active_users=monthly,
                        logins=group.logins,
                        records=group.records,
                        seats=seats,
                        adoption_rate=_ratio(wau, seats, 100),
                        stickiness=_ratio(wau, monthly or 0, 100),
                        logins_per_active_user=_ratio(group.logins, wau),
                        records_per_active_user=_ratio(group.records, wau),
                    )
                )
        return result


def weekly_figures(
    events: Iterable[ActivityEvent],
    *,
    week_zone: tzinfo,
    licensed_seats: int,
    headcounts: Mapping[str, int],
    active_on: str = RECORD,
) -> list[WeekFigures]:
    """All the weekly figures of a stream of events (see the module's definitions)."""
    activity = WeeklyActivity(week_zone, active_on)
    for event in events:
        activity.add(event)
    return activity.figures(licensed_seats, headcounts)


def observations(figures: Iterable[WeekFigures]) -> Iterator[tuple[date, str | None, str, float]]:
    """(week, team, metric key, value) for every figure that could be computed."""
    for figure in figures:
        for key, value in figure.values().items():
            if math.isfinite(value):
                yield figure.week, figure.team, key, value
