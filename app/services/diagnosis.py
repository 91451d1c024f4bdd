"""Where is the rollout stalling, and why: the one diagnosis behind every audience.

``diagnose`` gathers plain inputs from the step tracker, the leaders' latest
assessment round, the newest pulse campaign, the adoption metrics and the
actions, and hands them to the pure rules in :mod:`insights.diagnosis` and
:mod:`insights.trends`. The executive dashboard, the consultant view, the
one-page summary, the CSV/XLSX exports and the JSON API all read the
:class:`Diagnosis` it returns; each audience only chooses which fields it
shows, so a figure hidden in one place is hidden everywhere.

Anonymity: pulse figures come from ``survey_results``, so a team the plan
hides has no figures here at all. Per-team adoption is held to the same
reporting threshold on the team's headcount: a team smaller than the
threshold counts in the whole initiative only, so nobody can read off which
of three colleagues does not use the CRM.

Queries: a fixed number whatever the number of teams, metrics or campaigns
(the tracker overview, two for the metrics, one survey's results, Cronbach's
alpha for the newest campaign, the leadership team's 360 and the overdue
actions).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.services import practices, stages
from app.services import results as pulse_results
from app.services.outlooks import outlook_for, stored_outlooks, usage_points
from app.services.results import CampaignInfo, DimensionInfo, GroupResult, SurveyResults
from app.services.results_detail import AlphaRow, dimension_alphas
from insights.adoption import ADOPTION_RATE, USAGE
from insights.diagnosis import (
    Finding,
    PulseInput,
    SeriesInput,
    TeamInput,
    finding_order,
    findings,
    leadership_finding,
)
from insights.drivers import Driver, drivers, drivers_status
from insights.health import (
    STALL_HEALTH,
    Gap,
    StageInput,
    perception_gaps,
    stage_health,
    stall_point,
)
from insights.kotter import STEPS_BY_KEY, Step
from insights.stages import StepState, skipped_step_warnings
from insights.trends import Projection, Trend
from models import Initiative, Metric, Team, db
from survey.instruments import DIMENSIONS_BY_KEY

# A step this healthy is holding; between this and the stall threshold it is shaky.
HEALTHY = 70.0
TOP_FINDINGS = 3
# Teams drawn beside the whole initiative, before any team the user picks.
TEAMS_SHOWN = 6
# Pulse teams listed on the dashboard; the results page pages through the rest.
TEAM_ROWS = 20


def health_band(health: float) -> str:
    """ "good", "fair" or "weak": the staircase colours, always shown beside the number."""
    if health >= HEALTHY:
        return "good"
    return "fair" if health >= STALL_HEALTH else "weak"


@dataclass(frozen=True)
class StepHealth:
    """One Kotter step: its health (0-100), the parts it is made of, and the stall mark."""

    step: Step
    status: str
    health: float
    parts: Mapping[str, float]
    evidence_done: int
    evidence_total: int
    leader_mean: float | None
    leader_n: int
    leader_spread: int | None
    staff_mean: float | None
    staff_n: int
    open_actions: int
    overdue_actions: int
    stalled: bool

    @property
    def key(self) -> str:
        return self.step.key

    @property
    def band(self) -> str:
        return health_band(self.health)


@dataclass(frozen=True)
class Outlook:
    """One usage metric for one team (``team`` None: the whole initiative) over its periods."""

    metric_key: str
    metric_name: str
    unit: str
    team_id: int | None
    team: str | None
    periods: tuple[date, ...]
    values: tuple[float, ...]
    target: float | None
    target_date: date | None
    higher_is_better: bool
    trend: Trend
    projection: Projection | None

    @property
    def scope(self) -> str:
        return self.team or "Whole initiative"

    @property
    def latest(self) -> float:
        return self.values[-1]

    @property
    def latest_period(self) -> date:
        return self.periods[-1]

    @property
    def reached(self) -> bool:
        return self.projection is not None and self.projection.method == "already reached"

    @property
    def projected_on(self) -> date | None:
        return self.projection.reached_on if self.projection else None


@dataclass(frozen=True)
class Pulse:
    """The newest pulse campaign the organisation may see, and the trend across its survey.

    ``results`` holds every campaign of that survey with the anonymity plan
    applied; ``team_groups`` are the campaign's teams, hidden ones without figures.
    """

    results: SurveyResults
    campaign: CampaignInfo
    whole: GroupResult | None
    team_groups: tuple[GroupResult, ...]
    alphas: tuple[AlphaRow, ...]

    @property
    def min_group_size(self) -> int:
        return self.results.min_group_size

    @property
    def dimensions(self) -> list[DimensionInfo]:
        return [info for info, _ in self.campaign.dimensions]

    @property
    def series(self) -> list[tuple[CampaignInfo, GroupResult | None]]:
        """Everyone's figures per campaign, oldest first (eNPS, response rate)."""
        return self.results.series(None)

    @property
    def asks_recommend(self) -> bool:
        return any(campaign.asks_recommend for campaign in self.results.campaigns)


@dataclass(frozen=True)
class OverdueAction:
    id: int
    title: str
    step: Step
    owner: str | None
    due_date: date
    days_overdue: int


@dataclass(frozen=True)
class Diagnosis:
    initiative_id: int
    today: date
    min_group_size: int
    steps: tuple[StepHealth, ...]
    stall_point: str | None
    gaps: tuple[Gap, ...]
    series: tuple[Outlook, ...]  # every usage metric: the whole initiative, then teams
    teams: tuple[TeamInput, ...]  # teams shown in the pulse that have their own adoption
    drivers: tuple[Driver, ...]
    findings: tuple[Finding, ...]  # for everyone in the organisation, most severe first
    # The leadership team's weakest 360 practice: consultants only, like the team view.
    leadership: Finding | None
    overdue: tuple[OverdueAction, ...]
    pulse: Pulse | None
    hidden_teams: tuple[str, ...] = field(default_factory=tuple)  # too small for team figures
    # What is missing before a driver finding is possible ("not enough teams: 4 of 10").
    drivers_status: str | None = None
    team_ids: Mapping[str, int] = field(default_factory=dict)  # active teams by name

    def step(self, key: str) -> StepHealth:
        return next(row for row in self.steps if row.key == key)

    @property
    def stalled_step(self) -> StepHealth | None:
        return self.step(self.stall_point) if self.stall_point else None

    def findings_for(self, consultant: bool) -> list[Finding]:
        """The audience's findings, most severe first."""
        found = list(self.findings)
        if consultant and self.leadership is not None:
            found.append(self.leadership)
        return sorted(found, key=finding_order)

    @property
    def top(self) -> list[Finding]:
        return list(self.findings[:TOP_FINDINGS])

    @property
    def adoption(self) -> Outlook | None:
        """The headline: the whole initiative's adoption rate (else its first usage metric)."""
        whole = [s for s in self.series if s.team_id is None]
        return next((s for s in whole if s.metric_key == ADOPTION_RATE), None) or next(
            iter(whole), None
        )

    def team_series(self, metric_key: str) -> list[Outlook]:
        return [s for s in self.series if s.metric_key == metric_key and s.team_id is not None]

    def pulse_teams(self, chosen: int | None = None) -> tuple[list[GroupResult], int]:
        """The newest campaign's teams a page lists, and how many more there are.

        Every team up to ``TEAM_ROWS``; beyond, the top-level teams (at most
        ``TEAM_ROWS``), every team a finding names and the chosen one, in the
        campaign's tree order; the rest are on the results page, a level at a time.
        """
        groups = list(self.pulse.team_groups) if self.pulse else []
        if len(groups) <= TEAM_ROWS:
            return groups, 0
        named = {team for finding in self.findings for team in finding.teams}
        top = min(g.depth for g in groups)
        first = {id(g) for g in [g for g in groups if g.depth == top][:TEAM_ROWS]}
        shown = [g for g in groups if id(g) in first or g.name in named or g.team_id == chosen]
        return shown, len(groups) - len(shown)

    def teams_that_matter(self, metric_key: str, chosen: int | None = None) -> list[Outlook]:
        named = {team for finding in self.findings for team in finding.teams}
        return teams_that_matter(self.team_series(metric_key), named, chosen)


def teams_that_matter(
    series: Sequence[Outlook], named: Collection[str], chosen: int | None = None
) -> list[Outlook]:
    """The teams a page draws: those the findings name, the furthest behind, and the chosen.

    At most ``TEAMS_SHOWN`` beside the chosen one, so a page reads the same at
    200 teams as at 5; the rest are a team picker away. In ``series`` order.
    """
    behind = sorted(series, key=lambda s: (s.latest if s.higher_is_better else -s.latest, s.scope))
    picked: set[int | None] = set()
    for outlook in [s for s in series if s.scope in named] + behind:
        if len(picked) >= TEAMS_SHOWN:
            break
        picked.add(outlook.team_id)
    picked.update(s.team_id for s in series if s.team_id == chosen)
    return [s for s in series if s.team_id in picked]


# --- the one function ----------------------------------------------------------------


def diagnose(
    initiative: Initiative, today: date | None = None, *, every_team_series: bool = True
) -> Diagnosis:
    """The diagnosis of ``initiative`` as of ``today``, in a fixed number of queries.

    The findings read the teams' adoption rate and the whole initiative's usage
    metrics; ``every_team_series`` False leaves out the teams' series of the
    other usage metrics, which only the full lists (consultant view, API,
    exports) show: the same findings, less to read at 200 teams.
    """
    today = today or date.today()
    min_size = pulse_results.min_group_size()
    overview = stages.stage_overview(initiative, today)
    pulse = _pulse(initiative)
    staff = _staff_means(initiative, pulse)
    inputs = [
        StageInput(
            row.step.key, row.stage.status, row.evidence_done, row.evidence_total,
            row.leaders.mean, row.leaders.n, *staff.get(row.step.key, (None, 0)),
        )
        for row in overview.rows
    ]  # fmt: skip
    healths = [stage_health(stage) for stage in inputs]
    stalled = stall_point(inputs, healths)
    steps = tuple(
        StepHealth(
            row.step, row.stage.status, health.health, health.parts, row.evidence_done,
            row.evidence_total, row.leaders.mean, row.leaders.n, row.leaders.spread,
            stage.staff_mean, stage.staff_n, row.open_actions, row.overdue_actions,
            row.step.key == stalled,
        )
        for row, stage, health in zip(overview.rows, inputs, healths, strict=True)
    )  # fmt: skip
    teams = _teams(initiative)
    series = _usage_series(initiative, teams, min_size, every_team_series)
    team_inputs = _team_inputs(pulse, series, teams)
    overdue = _overdue(initiative, today)
    names = _dimension_names(pulse)
    skipped = skipped_step_warnings(
        [StepState(s.key, s.status, s.leader_mean, s.staff_mean) for s in inputs]
    )
    found = findings(
        inputs,
        [_series_input(s) for s in series if _raises_finding(s)],
        team_inputs,
        pulse=_pulse_input(pulse, names),
        skipped=skipped,
        overdue_actions=len(overdue),
    )
    return Diagnosis(
        initiative_id=initiative.id,
        today=today,
        min_group_size=min_size,
        steps=steps,
        stall_point=stalled,
        gaps=tuple(perception_gaps(inputs)),
        series=tuple(series),
        teams=tuple(team_inputs),
        drivers=tuple(drivers(team_inputs, names)),
        drivers_status=drivers_status(team_inputs, names),
        team_ids={name: team_id for team_id, (name, _) in teams.items()},
        findings=tuple(found),
        leadership=_leadership(initiative, stalled),
        overdue=tuple(overdue),
        pulse=pulse,
        hidden_teams=tuple(name for name, size in teams.values() if size < min_size),
    )


# --- pulse -------------------------------------------------------------------------------


def _pulse(initiative: Initiative) -> Pulse | None:
    """The survey with the newest published campaign, its campaigns, and that one's groups."""
    listed = pulse_results.surveys_with_campaigns(initiative.id)
    newest = max(
        (
            (survey, campaign)
            for survey, campaigns in listed
            for campaign in campaigns
            if campaign.published
        ),
        key=lambda pair: (pair[1].opens_at, pair[1].id),
        default=None,
    )
    if newest is None:
        return None
    survey, latest = newest
    # Trends need everyone's figures of every campaign, the teams only one campaign's.
    chosen = pulse_results.newest_shown_campaign(survey.id) or latest.id
    found = pulse_results.survey_results(survey, team_groups_of={chosen}, every_team=False)
    campaign = _latest_shown(found)
    if campaign is None:
        return None
    whole = found.group(campaign.id, None)
    alphas: tuple[AlphaRow, ...] = ()
    if whole is not None and not whole.suppressed:
        alphas = tuple(dimension_alphas(found, campaign.id, None))
    return Pulse(found, campaign, whole, tuple(found.team_groups(campaign.id)), alphas)


def _latest_shown(found: SurveyResults) -> CampaignInfo | None:
    """The newest published campaign whose organisation-wide figures may be shown, else the
    newest published one."""
    for campaign in reversed(found.published):
        whole = found.group(campaign.id, None)
        if whole is not None and not whole.suppressed:
            return campaign
    return found.published[-1] if found.published else None


def _staff_means(initiative: Initiative, pulse: Pulse | None) -> dict[str, tuple[float, int]]:
    """Step key -> (staff mean 1-5, respondents), from the newest campaign when it asked."""
    means: dict[str, tuple[float, int]] = {}
    whole = pulse.whole if pulse else None
    if whole is not None and not whole.suppressed and whole.responses is not None:
        for result in whole.dimensions:
            known = DIMENSIONS_BY_KEY.get(result.key)
            if known is not None and known.family == "kotter" and known.kotter_step:
                means[known.kotter_step] = (result.mean, whole.responses)
    # An older campaign (or survey) may be the latest to ask the staff about the steps.
    return means or pulse_results.kotter_staff_means(initiative)


def _dimension_names(pulse: Pulse | None) -> dict[str, str]:
    """Every library dimension the campaign asked (eNPS aside): key -> name."""
    names: dict[str, str] = {}
    for info in pulse.dimensions if pulse else []:
        known = DIMENSIONS_BY_KEY.get(info.key)
        if known is not None and known.family != "recommend":
            names[known.key] = known.name
    return names


def _pulse_input(pulse: Pulse | None, names: Mapping[str, str]) -> PulseInput | None:
    """The organisation-wide figures of the newest published campaign, when shown."""
    whole = pulse.whole if pulse else None
    if pulse is None or whole is None or whole.suppressed or whole.responses is None:
        return None
    return PulseInput(
        dimensions={d.key: d.mean for d in whole.dimensions if d.key in names},
        respondents=whole.responses,
        period=(pulse.campaign.opens_at.date(), pulse.campaign.last_day),
        names=names,
    )


def _series_input(outlook: Outlook) -> SeriesInput:
    return SeriesInput(
        outlook.metric_key, outlook.metric_name, outlook.unit, outlook.team,
        outlook.periods, outlook.values, outlook.target, outlook.higher_is_better,
        outlook.trend, outlook.target_date, outlook.projected_on,
        outlook.projection.state if outlook.projection else None,
    )  # fmt: skip


def _team_inputs(
    pulse: Pulse | None, series: Sequence[Outlook], teams: Mapping[int, tuple[str, int]]
) -> list[TeamInput]:
    """Teams the pulse shows that have their own adoption rate (no overlapping parents)."""
    if pulse is None:
        return []
    adoption = {s.team_id: s for s in series if s.metric_key == ADOPTION_RATE and s.team_id}
    found = []
    for group in pulse.team_groups:
        outlook = adoption.get(group.team_id)
        if group.suppressed or outlook is None or group.responses is None:
            continue
        dimensions = {d.key: d.mean for d in group.dimensions if d.key in DIMENSIONS_BY_KEY}
        found.append(
            TeamInput(
                teams[outlook.team_id][0] if outlook.team_id in teams else group.name,
                group.responses,
                outlook.latest,
                outlook.target,
                dimensions,
                outlook.trend,
            )
        )
    return found


# --- adoption ----------------------------------------------------------------------------


def _teams(initiative: Initiative) -> dict[int, tuple[str, int]]:
    """The organisation's active teams: id -> (name, headcount); archived ones are history."""
    return {
        team_id: (name, headcount)
        for team_id, name, headcount in db.session.execute(
            select(Team.id, Team.name, Team.headcount)
            .where(Team.organization_id == initiative.organization_id, Team.archived_at.is_(None))
            .order_by(Team.name, Team.id)
        ).all()
    }


def _usage_series(
    initiative: Initiative,
    teams: Mapping[int, tuple[str, int]],
    min_size: int,
    every_team_series: bool = True,
) -> list[Outlook]:
    """Every usage metric's series: the whole initiative, then teams of at least ``min_size``."""
    usage = {
        metric.id: metric
        for metric in db.session.scalars(
            select(Metric).where(Metric.initiative_id == initiative.id, Metric.category == USAGE)
        )
    }
    stored = stored_outlooks(list(usage))
    found = []
    per_team = list(usage) if every_team_series else _headline_ids(usage.values())
    for (metric_id, team_id), (periods, values) in usage_points(list(usage), per_team).items():
        if team_id is not None and teams.get(team_id, ("", 0))[1] < min_size:
            continue
        metric = usage[metric_id]
        trend, projection = outlook_for(stored, metric, team_id, periods, values)
        found.append(
            Outlook(
                metric.key, metric.name, metric.unit, team_id,
                teams[team_id][0] if team_id is not None else None,
                tuple(periods), tuple(values), metric.target, metric.target_date,
                metric.direction == "higher", trend, projection,
            )
        )  # fmt: skip
    order = {metric.key: _metric_rank(metric) for metric in usage.values()}
    return sorted(found, key=lambda s: (order[s.metric_key], s.team_id is not None, s.scope))


def _headline_ids(metrics: Iterable[Metric]) -> list[int]:
    """The metric whose teams' series raise findings: the adoption rate, else the first."""
    first = min(metrics, key=_metric_rank, default=None)
    return [first.id] if first is not None else []


def _metric_rank(metric: Metric) -> tuple[int, str]:
    return (0 if metric.key == ADOPTION_RATE else 1, metric.name.casefold())


def _raises_finding(outlook: Outlook) -> bool:
    """Which series may become an adoption finding.

    The adoption rate per team and for the whole initiative, and the other
    usage metrics for the whole initiative: a team that stalls shows it on
    every usage metric at once, and five findings saying so would bury the rest.
    """
    return outlook.metric_key == ADOPTION_RATE or outlook.team_id is None


# --- actions and the leadership team ---------------------------------------------------


def _overdue(initiative: Initiative, today: date) -> list[OverdueAction]:
    query = stages.actions_query(initiative, status="overdue", today=today)
    return [
        OverdueAction(
            action.id,
            action.title,
            STEPS_BY_KEY[action.stage_key],
            action.owner.name if action.owner else None,
            action.due_date,
            (today - action.due_date).days,
        )
        for action in db.session.scalars(query)
        if action.due_date is not None and action.stage_key in STEPS_BY_KEY
    ]


def _leadership(initiative: Initiative, stalled: str | None) -> Finding | None:
    """The leadership team's weakest Kouzes-Posner practice, from the latest 360s."""
    view = practices.team_report(initiative, practices.min_observers()).view
    weakest = view.weakest
    if weakest is None or view.basis is None:
        return None
    score = weakest.observers_mean if view.basis == "observers" else weakest.self_mean
    leaders = weakest.observers_n if view.basis == "observers" else weakest.self_n
    if score is None:
        return None
    return leadership_finding(
        weakest.practice.name,
        weakest.practice.why,
        weakest.practice.kotter_steps,
        score=score,
        basis=view.basis,
        leaders=leaders,
        stalled=stalled,
    )
