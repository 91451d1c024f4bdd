"""The diagnosis (``GET /api/v1/initiatives/<id>/diagnosis``): where the rollout is stalling.

Built from the same :class:`Diagnosis` as the dashboard and the exports. The
names in docs/api.md are the contract: ``stall_point``, ``stages`` (key, health),
``gaps`` (key, leaders, staff, gap) and ``findings``; everything else is extra.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from app.api.schemas.base import CONSULTANT, ApiModel, Audience
from app.api.schemas.metrics import Projection, ProjectionMethod, TrendLabel
from app.api.schemas.organizations import StageStatus, StepKey
from app.services.diagnosis import Diagnosis as DiagnosisResult
from app.services.diagnosis import Outlook as OutlookResult
from insights.diagnosis import Finding as FindingResult
from survey.scoring import rounded

FindingKind = Literal["stall", "skipped", "gap", "adoption", "hotspot", "barrier", "resistance",
                      "driver", "actions", "leadership"]  # fmt: skip


class TeamRef(ApiModel):
    id: int | None = Field(description="null for a group that is not one team")
    name: str


class Period(ApiModel):
    start: date = Field(alias="from")
    end: date = Field(alias="to")


class Finding(ApiModel):
    """What the evidence says, with the numbers behind it and an action to take."""

    # The leadership team's weakest 360 practice, as on the team view: consultants only.
    CONSULTANT_ONLY_KINDS: ClassVar[frozenset[str]] = frozenset({"leadership"})

    kind: FindingKind = Field(
        description="'leadership' (the leadership team's weakest 360 practice) is given to "
        "consultants and site admins only"
    )
    severity: Literal["high", "medium", "low"]
    title: str
    evidence: str = Field(description="the numbers, periods and n behind it")
    suggestion: str = Field(description="an action tied to a Kotter step")
    step: StepKey | None = Field(
        description="the Kotter step the evidence points at; null when nothing measured says which"
    )
    teams: list[TeamRef]
    period: Period | None = Field(description="the weeks or the pulse the evidence covers")
    as_of: date | None = Field(
        description="for a finding with no period of its own (a step, overdue actions): the "
        "date it describes"
    )
    basis: str = Field(description="the period and the n in plain words")
    plain: str = Field(description="the evidence in plain words, without the statistics")

    def shown_to(self, audience: Audience) -> bool:
        return audience == CONSULTANT or self.kind not in self.CONSULTANT_ONLY_KINDS

    @classmethod
    def of(cls, finding: FindingResult, team_ids: Mapping[str, int]) -> Finding:
        period = finding.period
        return cls(
            kind=finding.kind,
            severity=finding.severity,
            title=finding.title,
            evidence=finding.evidence,
            suggestion=finding.suggestion,
            step=finding.step,
            teams=[TeamRef(id=team_ids.get(name), name=name) for name in finding.teams],
            period=Period(start=period[0], end=period[1]) if period else None,
            as_of=finding.as_of,
            basis=finding.basis,
            plain=finding.plain or finding.evidence,
        )


class Outlook(ApiModel):
    """A usage metric for the whole initiative (team null) or a team at or above the reporting
    threshold: its recent trend and the date it reaches target on that course."""

    metric: str
    name: str
    unit: str
    team_id: int | None
    team: str | None
    latest: float
    latest_date: date
    target: float | None
    target_date: date | None
    trend: TrendLabel | None
    slope: float = Field(description="Theil-Sen slope per period")
    p: float = Field(description="Mann-Kendall two-sided p")
    projected_target_date: date | None
    projection_method: ProjectionMethod | None
    projection: Projection | None = Field(description="as in the metric series endpoint")

    @classmethod
    def of(cls, outlook: OutlookResult) -> Outlook:
        projection = outlook.projection
        return cls(
            metric=outlook.metric_key, name=outlook.metric_name, unit=outlook.unit,
            team_id=outlook.team_id, team=outlook.team, latest=outlook.latest,
            latest_date=outlook.latest_period, target=outlook.target,
            target_date=outlook.target_date, trend=outlook.trend.label,
            slope=round(outlook.trend.slope, 4), p=round(outlook.trend.p, 4),
            projected_target_date=outlook.projected_on,
            projection_method=projection.method if projection else None,
            projection=Projection.of(projection),
        )  # fmt: skip


class StepHealth(ApiModel):
    key: StepKey
    position: int
    health: float = Field(ge=0, le=100)
    status: StageStatus
    leaders: float | None = Field(description="leaders' latest round, 1-5")
    leader_n: int
    staff: float | None = Field(description="staff's newest pulse, 1-5")
    staff_n: int
    stalled: bool


class Gap(ApiModel):
    key: StepKey
    leaders: float = Field(description="leaders' latest round, 1-5")
    staff: float = Field(description="staff's newest pulse, 1-5")
    gap: float = Field(description="leaders minus staff")
    leader_n: int
    staff_n: int
    large: bool


class OverdueAction(ApiModel):
    id: int
    title: str
    stage: StepKey
    owner: str | None
    due_date: date


class Diagnosis(ApiModel):
    """Step health, the stall point, leaders against staff, the findings and adoption."""

    stall_point: StepKey | None = Field(
        description="the first step, in order, with health under 50 while a later step is under way"
    )
    as_of: date
    min_group_size: int
    stages: list[StepHealth]
    gaps: list[Gap]
    findings: list[Finding] = Field(
        description="most severe first; the dashboard shows the first three"
    )
    adoption: Outlook | None = Field(description="the whole initiative's adoption rate")
    series: list[Outlook]
    overdue_actions: list[OverdueAction]

    @classmethod
    def of(cls, found: DiagnosisResult) -> Diagnosis:
        """Every finding, the consultants' included: the audience is applied on output."""
        adoption = found.adoption
        return cls(
            stall_point=found.stall_point,
            as_of=found.today,
            min_group_size=found.min_group_size,
            stages=[
                StepHealth(
                    key=s.key, position=s.step.position, health=s.health, status=s.status,
                    leaders=rounded(s.leader_mean), leader_n=s.leader_n,
                    staff=rounded(s.staff_mean), staff_n=s.staff_n, stalled=s.stalled,
                )
                for s in found.steps
            ],
            gaps=[
                Gap(
                    key=g.key, leaders=rounded(g.leaders), staff=rounded(g.staff), gap=g.gap,
                    leader_n=g.leader_n, staff_n=g.staff_n, large=g.large,
                )
                for g in found.gaps
            ],
            findings=[Finding.of(f, found.team_ids) for f in found.findings_for(consultant=True)],
            adoption=Outlook.of(adoption) if adoption else None,
            series=[Outlook.of(s) for s in found.series],
            overdue_actions=[
                OverdueAction(
                    id=a.id, title=a.title, stage=a.step.key, owner=a.owner, due_date=a.due_date
                )
                for a in found.overdue
            ],
        )  # fmt: skip
