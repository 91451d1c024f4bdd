"""What a diagnosis holds: step health, usage outlooks, the pulse, overdue actions, findings.

Every audience reads these fields; none of them queries anything.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from app.services.results import CampaignInfo, DimensionInfo, GroupResult, SurveyResults
from app.services.results.detail import AlphaRow
from insights.adoption import ADOPTION_RATE
from insights.diagnosis import Finding, TeamInput, finding_order
from insights.diagnosis.words import target_outlook, trend_plain
from insights.drivers import Driver
from insights.health import STALL_HEALTH, Gap
from insights.kotter import Step
from insights.translation import _
from insights.trends import Projection, Trend

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
        """The team's name, or "Whole initiative" in the reader's language."""
        return self.team or _("Whole initiative")

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

    @property
    def trend_words(self) -> str:
        """ "rising steadily over the last 12 weeks", "no clear trend yet: 2 more weeks ..." """
        return trend_plain(self.trend.label, self.trend.periods)

    def target_words(self, today: date) -> str:
        """Reached (when), on track (a date after ``today``), behind (how far), or too early."""
        return target_outlook(
            self.periods, self.values, self.target, self.target_date, self.unit,
            higher_is_better=self.higher_is_better,
            state=self.projection.state if self.projection else None,
            projected_on=self.projected_on, today=today,
        )  # fmt: skip


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
        return [info for info, _group in self.campaign.dimensions]

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
    # Active teams without their own adoption figure: too small, or hidden to protect one.
    hidden_teams: tuple[str, ...] = field(default_factory=tuple)
    folded_note: str | None = None  # where those teams count, in plain words
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
