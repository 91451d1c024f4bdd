"""Reading stored observations: series per team, latest values, the teams that may hold them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from app.services.results import min_group_size
from insights.translation import _
from models import Initiative, Metric, Observation, Team, db
from survey.anonymity import TeamFolding, fold_teams
from survey.languages import N_

# Shown through ``_()`` where a page names the line (``metric_lines``, the import preview).
WHOLE_INITIATIVE = N_("Whole initiative")
_WHOLE_ONLY = N_("the whole initiative only")


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


@dataclass(frozen=True)
class TeamsOnly:
    """A metric imported per team only: how many teams have values, and the latest period.

    No figure is shown here (a whole computed from teams would give away a lone
    small team): the metric's page shows the teams under the small-team rule."""

    teams: int
    period: date


def team_only_values(initiative: Initiative) -> dict[int, TeamsOnly]:
    """Metrics with per-team values and no whole-initiative value, by metric id, in one query."""
    rows = db.session.execute(
        select(
            Observation.metric_id,
            func.count(func.distinct(Observation.team_id)),
            func.max(Observation.period),
            func.count(Observation.id).filter(Observation.team_id.is_(None)),
        )
        .join(Metric, Metric.id == Observation.metric_id)
        .where(Metric.initiative_id == initiative.id)
        .group_by(Observation.metric_id)
    )
    return {
        metric_id: TeamsOnly(teams, period)
        for metric_id, teams, period, whole in rows
        if not whole and teams
    }


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
    """The metric's series: the whole initiative first, then the shown teams by name."""
    return metric_lines(initiative, metric)[0]


def metric_lines(initiative: Initiative, metric: Metric) -> tuple[list[TeamSeries], str | None]:
    """The metric's series (whole first, then shown teams by name) and where teams are folded.

    Teams follow ``fold_team_points`` (one rule for every page, export and
    API answer): a team too small to show counts in its nearest shown
    ancestor's figure, or in the whole only.
    """
    rows = db.session.execute(
        select(Observation.team_id, Observation.period, Observation.value)
        .where(Observation.metric_id == metric.id)
        .order_by(Observation.period)
    )
    whole: list[Point] = []
    by_team: dict[int, tuple[list[date], list[float]]] = {}
    for team_id, period, value in rows:
        if team_id is None:
            whole.append(Point(period, value))
        else:
            periods, values = by_team.setdefault(team_id, ([], []))
            periods.append(period)
            values.append(value)
    tree = team_tree(initiative)
    min_size = min_group_size()
    folded = fold_team_points(tree, by_team, min_size)
    teams = [
        TeamSeries(team_id, folded.names[team_id], [Point(*p) for p in zip(*line, strict=True)])
        for team_id, line in folded.series.items()
    ]
    teams.sort(key=lambda s: s.name.casefold())
    lines = ([TeamSeries(None, _(WHOLE_INITIATIVE), whole)] if whole else []) + teams
    return lines, folded.note(min_size)


def shown_series(initiative: Initiative, metric: Metric, team_id: int | None) -> list[Point] | None:
    """One series as every page shows it: the whole, or a shown team's (None: folded away)."""
    if team_id is None:
        return series(metric)
    lines, _folded = metric_lines(initiative, metric)
    found = next((line.points for line in lines if line.team_id == team_id), None)
    if found is None and not series(metric, team_id):
        return []  # no values: nothing to fold
    return found


@dataclass(frozen=True)
class TeamTree:
    """Every team of the organisation, archived ones too (their history stays)."""

    names: dict[int, str]
    parents: dict[int, int | None]
    sizes: dict[int, int]  # headcount: the team's own people, not its sub-teams'


def team_tree(initiative: Initiative) -> TeamTree:
    rows = db.session.execute(
        select(Team.id, Team.name, Team.parent_id, Team.headcount).where(
            Team.organization_id == initiative.organization_id
        )
    ).all()
    return TeamTree(
        {team_id: name for team_id, name, _parent, _size in rows},
        {team_id: parent for team_id, _name, parent, _size in rows},
        {team_id: size for team_id, _name, _parent, size in rows},
    )


@dataclass(frozen=True)
class FoldedSeries:
    """Per-team series after folding, and which teams were folded where (latest period).

    ``folded[target]`` names the teams counted in ``target``'s figure in the
    latest period; ``folded[None]`` those counted in the whole only.
    """

    series: dict[int, tuple[list[date], list[float]]]
    folded: dict[int | None, tuple[int, ...]]
    # A team with others folded into it reads "Sales (other)": Sales and its hidden teams.
    names: Mapping[int, str]

    def note(self, min_size: int) -> str | None:
        """Where folded teams count, in plain words; None when no team is folded."""
        if not self.folded:
            return None
        order = sorted(self.folded, key=lambda t: (t is None, self.names.get(t or 0, "")))
        places = [
            _(
                "%(count)s in %(place)s",
                count=len(self.folded[t]),
                place=self.names[t] if t is not None else _(_WHOLE_ONLY),
            )
            for t in order
        ]
        return str(
            _(
                "Teams of fewer than %(min_size)s people (and any team hidden so that such a team "
                "cannot be worked out) count in a larger team above them, or in the whole "
                "initiative only: %(places)s.",
                min_size=min_size,
                places=", ".join(places),
            )
        )


def fold_team_points(
    tree: TeamTree,
    points: Mapping[int, tuple[Sequence[date], Sequence[float]]],
    min_size: int,
) -> FoldedSeries:
    """Per-team series under the one rule of ``survey.anonymity.fold_teams``, period by period.

    In each period the teams with a value are planned on their headcounts; a
    shown team's value is the headcount-weighted mean over itself and the
    teams folded into it (exact for rates over each team's own people, as the
    adoption rate; a fair mix for other usage figures). Teams folded into
    nothing shown count in the whole initiative's own (imported) figure only:
    no "other teams" figure, which with the whole would give away the people
    in no team. A team without a value in a period is left out of that
    period's plan, so no shown figure ever covers fewer people than planned.
    """
    values: dict[date, dict[int, float]] = {}
    for team_id, (periods, figures) in points.items():
        if tree.sizes.get(team_id, 0) <= 0:
            continue
        for period, value in zip(periods, figures, strict=True):
            values.setdefault(period, {})[team_id] = value
    parents = {str(t): None if p is None else str(p) for t, p in tree.parents.items()}
    plans: dict[frozenset[int], tuple[TeamFolding, dict[int, list[int]]]] = {}
    series: dict[int, tuple[list[date], list[float]]] = {}
    widened: set[int] = set()
    folding: TeamFolding | None = None
    for period in sorted(values):
        present = values[period]
        key = frozenset(present)
        if key not in plans:
            plan = fold_teams({str(t): tree.sizes[t] for t in present}, parents, min_size)
            groups: dict[int, list[int]] = {}
            for member, into in plan.into.items():
                if into is not None:
                    groups.setdefault(int(into), []).append(int(member))
            plans[key] = (plan, groups)
        folding, groups = plans[key]
        for target, members in groups.items():
            weight = sum(tree.sizes[m] for m in members)
            line = series.setdefault(target, ([], []))
            line[0].append(period)
            line[1].append(sum(present[m] * tree.sizes[m] for m in members) / weight)
            if members != [target]:
                widened.add(target)
    folded: dict[int | None, tuple[int, ...]] = {}
    for team, into in folding.into.items() if folding else []:
        if team != into:
            where = None if into is None else int(into)
            folded[where] = (*folded.get(where, ()), int(team))
    names = {
        team_id: _("%(team)s (other)", team=name) if team_id in widened else name
        for team_id, name in tree.names.items()
    }
    return FoldedSeries(series, folded, names)


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
