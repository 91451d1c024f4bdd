"""The diagnosis's adoption inputs: every usage series with its stored (or computed) outlook.

Per-team series follow the one rule of the metric pages and the API
(``app.services.metrics.readings.fold_team_points``): a team too small to show
counts in a larger team above it or in the whole, so nobody can read off who
does not use the CRM.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from sqlalchemy import select

from app.services.diagnosis.shapes import Outlook
from app.services.metrics.readings import FoldedSeries, fold_team_points, team_tree
from app.services.outlooks import outlook_for, stored_outlooks, usage_points
from insights.adoption import ADOPTION_RATE, USAGE
from insights.diagnosis import SeriesInput
from models import Initiative, Metric, Team, db


def active_teams(initiative: Initiative) -> dict[int, tuple[str, int]]:
    """The organisation's active teams: id -> (name, headcount); archived ones are history."""
    return {
        team_id: (name, headcount)
        for team_id, name, headcount in db.session.execute(
            select(Team.id, Team.name, Team.headcount)
            .where(Team.organization_id == initiative.organization_id, Team.archived_at.is_(None))
            .order_by(Team.name, Team.id)
        ).all()
    }


def usage_series(
    initiative: Initiative,
    teams: Mapping[int, tuple[str, int]],
    min_size: int,
    every_team_series: bool = True,
) -> tuple[list[Outlook], FoldedSeries | None]:
    """Every usage metric's series: the whole initiative, then the shown active teams.

    Teams are folded by ``fold_team_points``, the rule of the metric pages and
    the API; also returned: how the headline metric's teams were folded.
    """
    usage = {
        metric.id: metric
        for metric in db.session.scalars(
            select(Metric).where(Metric.initiative_id == initiative.id, Metric.category == USAGE)
        )
    }
    stored = stored_outlooks(list(usage))
    headline = _headline_ids(usage.values())
    per_team = list(usage) if every_team_series else headline
    lines: dict[tuple[int, int | None], tuple[Sequence[date], Sequence[float]]] = {}
    by_metric: dict[int, dict[int, tuple[list[date], list[float]]]] = {}
    for (metric_id, team_id), line in usage_points(list(usage), per_team).items():
        if team_id is None:
            lines[metric_id, None] = line
        else:
            by_metric.setdefault(metric_id, {})[team_id] = line
    tree = team_tree(initiative) if by_metric else None
    folds: dict[int, FoldedSeries] = {}
    for metric_id, team_lines in by_metric.items():
        assert tree is not None
        folds[metric_id] = fold_team_points(tree, team_lines, min_size)
        for team_id, line in folds[metric_id].series.items():
            if team_id in teams:  # archived teams are history
                lines[metric_id, team_id] = line
    found = []
    for (metric_id, team_id), (periods, values) in lines.items():
        metric = usage[metric_id]
        name = folds[metric_id].names[team_id] if team_id is not None else None
        trend, projection = outlook_for(stored, metric, team_id, periods, values)
        found.append(
            Outlook(
                metric.key, metric.name, metric.unit, team_id,
                name, tuple(periods), tuple(values), metric.target, metric.target_date,
                metric.direction == "higher", trend, projection,
            )
        )  # fmt: skip
    order = {metric.key: _metric_rank(metric) for metric in usage.values()}
    found.sort(key=lambda s: (order[s.metric_key], s.team_id is not None, s.scope))
    return found, folds.get(headline[0]) if headline else None


def headline_metric(metrics: Iterable[Metric]) -> Metric | None:
    """The metric whose teams' series raise findings: the adoption rate, else the first."""
    return min(metrics, key=_metric_rank, default=None)


def _headline_ids(metrics: Iterable[Metric]) -> list[int]:
    first = headline_metric(metrics)
    return [first.id] if first is not None else []


def _metric_rank(metric: Metric) -> tuple[int, str]:
    return (0 if metric.key == ADOPTION_RATE else 1, metric.name.casefold())


def raises_finding(outlook: Outlook) -> bool:
    """Which series may become an adoption finding.

    The adoption rate per team and for the whole initiative, and the other
    usage metrics for the whole initiative: a team that stalls shows it on
    every usage metric at once, and five findings saying so would bury the rest.
    """
    return outlook.metric_key == ADOPTION_RATE or outlook.team_id is None


def series_input(
    outlook: Outlook, teams: Mapping[int, tuple[str, int]] | None = None
) -> SeriesInput:
    """The finding's input; ``teams`` (active teams: name, headcount) gives its n in people."""
    teams = teams or {}
    if outlook.team_id is None:
        people, count = sum(size for _, size in teams.values()), len(teams)
    else:
        people, count = teams.get(outlook.team_id, ("", 0))[1], 1
    return SeriesInput(
        outlook.metric_key, outlook.metric_name, outlook.unit, outlook.team,
        outlook.periods, outlook.values, outlook.target, outlook.higher_is_better,
        outlook.trend, outlook.target_date, outlook.projected_on,
        outlook.projection.state if outlook.projection else None,
        people=people or None, team_count=count,
    )  # fmt: skip
