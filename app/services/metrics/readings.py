"""Reading stored observations: series per team, latest values, the teams that may hold them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from app.services.results import min_group_size
from models import Initiative, Metric, Observation, Team, db

WHOLE_INITIATIVE = "Whole initiative"


@dataclass(frozen=True)
class Point:
    period: date
    value: float


def latest_values(initiative: Initiative) -> dict[int, Point]:
    """The latest whole-initiative value of every metric, by metric id, in one query."""
    whole = and_(Observation.team_id.is_(None), Metric.initiative_id == initiative.id)
    latest = (
        select(Observation.metric_id, func.max(Observation.period).label("period"))
        .join(Metric, Metric.id == Observation.metric_id)
        .where(whole)
        .group_by(Observation.metric_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Observation.metric_id, Observation.period, Observation.value).join(
            latest,
            and_(
                Observation.metric_id == latest.c.metric_id,
                Observation.period == latest.c.period,
                Observation.team_id.is_(None),
            ),
        )
    )
    return {metric_id: Point(period, value) for metric_id, period, value in rows}


def observation_count(initiative: Initiative) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Observation)
            .join(Metric, Metric.id == Observation.metric_id)
            .where(Metric.initiative_id == initiative.id)
        )
        or 0
    )


def series(metric: Metric, team_id: int | None = None) -> list[Point]:
    """The metric's values over time for one team, or for the whole initiative."""
    team = Observation.team_id.is_(None) if team_id is None else Observation.team_id == team_id
    rows = db.session.execute(
        select(Observation.period, Observation.value)
        .where(Observation.metric_id == metric.id, team)
        .order_by(Observation.period)
    )
    return [Point(period, value) for period, value in rows]


@dataclass(frozen=True)
class TeamSeries:
    team_id: int | None
    name: str
    points: list[Point]

    @property
    def by_period(self) -> dict[date, float]:
        return {point.period: point.value for point in self.points}

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


def series_by_team(initiative: Initiative, metric: Metric) -> list[TeamSeries]:
    """The metric's series: the whole initiative first, then teams by name.

    A team of fewer than the reporting threshold's people counts in the whole
    only, as on the dashboard and in the API: its own line would show what a
    handful of named people do.
    """
    shown = {
        team.id: team.name
        for team in teams_of(initiative, include_archived=True)
        if team.headcount >= min_group_size()
    }
    rows = db.session.execute(
        select(Observation.team_id, Observation.period, Observation.value)
        .where(Observation.metric_id == metric.id)
        .order_by(Observation.period)
    )
    points: dict[int | None, list[Point]] = {}
    for team_id, period, value in rows:
        if team_id is None or team_id in shown:
            points.setdefault(team_id, []).append(Point(period, value))
    names = shown
    result = [
        TeamSeries(team_id, names.get(team_id, WHOLE_INITIATIVE), values)  # type: ignore[arg-type]
        for team_id, values in points.items()
    ]
    return sorted(result, key=lambda s: (s.team_id is not None, s.name.casefold()))


def team_of(initiative: Initiative, team_id: int) -> Team | None:
    """The team with that id if it belongs to the initiative's organisation."""
    team = db.session.get(Team, team_id)
    return team if team is not None and team.organization_id == initiative.organization_id else None


def teams_of(initiative: Initiative, *, include_archived: bool = False) -> list[Team]:
    """The organisation's active teams, as ``organizations.teams_of``: imports take no others.

    ``include_archived`` names stored series: an archived team's history stays.
    """
    query = select(Team).where(Team.organization_id == initiative.organization_id)
    if not include_archived:
        query = query.where(Team.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(Team.name)))
