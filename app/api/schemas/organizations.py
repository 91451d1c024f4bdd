"""Organisations, initiatives, teams and Kotter's eight steps."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from app.api.schemas.base import ApiModel
from app.services.stages import StageOverview
from models import AssessmentRound
from models import Initiative as InitiativeRow
from models import Organization as OrganizationRow
from models import Team as TeamRow

StepKey = Literal[
    "urgency", "coalition", "vision", "communicate", "empower", "wins", "consolidate", "anchor"
]
StageStatus = Literal["not_started", "in_progress", "done"]


class Organization(ApiModel):
    id: int
    name: str

    @classmethod
    def of(cls, organization: OrganizationRow) -> Organization:
        return cls(id=organization.id, name=organization.name)


class Initiative(ApiModel):
    """A CRM rollout of an organisation."""

    id: int
    name: str
    crm: str = Field(description="the CRM product")
    start_date: date
    go_live_date: date | None
    licensed_seats: int

    @classmethod
    def of(cls, initiative: InitiativeRow) -> Initiative:
        return cls(
            id=initiative.id,
            name=initiative.name,
            crm=initiative.crm_product,
            start_date=initiative.start_date,
            go_live_date=initiative.go_live_date,
            licensed_seats=initiative.licensed_seats,
        )


class Team(ApiModel):
    id: int
    name: str
    parent_id: int | None
    headcount: int

    @classmethod
    def of(cls, team: TeamRow) -> Team:
        return cls(id=team.id, name=team.name, parent_id=team.parent_id, headcount=team.headcount)


class Stage(ApiModel):
    """One of Kotter's eight steps: its status, evidence, the leaders' latest round, actions."""

    key: StepKey
    position: int = Field(ge=1, le=8)
    name: str
    status: StageStatus
    owner: str | None = Field(description="the owner's name")
    owner_id: int | None
    target_date: date | None
    evidence_done: int
    evidence_total: int
    leader_mean: float | None = Field(description="the latest rated round, 1-5")
    leader_spread: int | None = Field(description="highest minus lowest rating")
    leader_sd: float | None
    leader_n: int
    leader_disagreement: bool
    open_actions: int
    overdue_actions: int


class StageWarning(ApiModel):
    """A later step running ahead of a weak earlier one."""

    stage: StepKey
    earlier: StepKey
    message: str


class RoundRef(ApiModel):
    id: int
    name: str
    held_on: date

    @classmethod
    def of(cls, assessment: AssessmentRound | None) -> RoundRef | None:
        if assessment is None:
            return None
        return cls(id=assessment.id, name=assessment.name, held_on=assessment.held_on)


def _two(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


class Stages(ApiModel):
    """The eight steps in order, the warnings, and the round the ratings come from."""

    stages: list[Stage]
    warnings: list[StageWarning]
    latest_round: RoundRef | None

    @classmethod
    def of(cls, overview: StageOverview) -> Stages:
        rows = [
            Stage(
                key=row.step.key, position=row.step.position, name=row.step.name,
                status=row.stage.status, owner=row.owner_name, owner_id=row.stage.owner_id,
                target_date=row.stage.target_date, evidence_done=row.evidence_done,
                evidence_total=row.evidence_total, leader_mean=_two(row.leaders.mean),
                leader_spread=row.leaders.spread, leader_sd=_two(row.leaders.sd),
                leader_n=row.leaders.n, leader_disagreement=row.leaders.disagreement,
                open_actions=row.open_actions, overdue_actions=row.overdue_actions,
            )
            for row in overview.rows
        ]  # fmt: skip
        warnings = [StageWarning(stage=w.stage, earlier=w.earlier, message=w.message)
                    for w in overview.warnings]  # fmt: skip
        return cls(stages=rows, warnings=warnings, latest_round=RoundRef.of(overview.latest_round))
