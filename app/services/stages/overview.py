"""The one summary of the eight steps that the tracker, the dashboard and the JSON API share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from app.services.stages.rounds import NOT_RATED, latest_rated_round, round_summaries
from app.services.stages.steps import stages_of
from insights.kotter import STEPS_BY_KEY, Step
from insights.stages import RatingSummary, SkippedStepWarning, StepState, skipped_step_warnings
from models import Action, AssessmentRound, EvidenceItem, Initiative, Stage, User, db


@dataclass(frozen=True)
class StageRow:
    step: Step
    stage: Stage
    owner_name: str | None
    evidence_done: int
    evidence_total: int
    leaders: RatingSummary
    open_actions: int
    overdue_actions: int


@dataclass(frozen=True)
class StageOverview:
    rows: list[StageRow]
    warnings: list[SkippedStepWarning]
    latest_round: AssessmentRound | None


def _evidence_counts(stage_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per step: (items done, items in all)."""
    return {
        stage_id: (int(done or 0), int(total))
        for stage_id, done, total in db.session.execute(
            select(
                EvidenceItem.stage_id,
                func.sum(case((EvidenceItem.done_at.is_not(None), 1), else_=0)),
                func.count(),
            )
            .where(EvidenceItem.stage_id.in_(stage_ids))
            .group_by(EvidenceItem.stage_id)
        ).all()
    }


def _action_counts(initiative: Initiative, today: date) -> dict[str, tuple[int, int]]:
    """Per step key: (actions not done, of which overdue)."""
    not_done = Action.status != "done"
    return {
        key: (int(open_count or 0), int(overdue or 0))
        for key, open_count, overdue in db.session.execute(
            select(
                Action.stage_key,
                func.sum(case((not_done, 1), else_=0)),
                func.sum(case((not_done & (Action.due_date < today), 1), else_=0)),
            )
            .where(Action.initiative_id == initiative.id)
            .group_by(Action.stage_key)
        ).all()
    }


def stage_overview(initiative: Initiative, today: date | None = None) -> StageOverview:
    """Everything the tracker shows about the eight steps, in a fixed number of queries."""
    today = today or date.today()
    stages = stages_of(initiative)
    evidence = _evidence_counts([stage.id for stage in stages])
    actions = _action_counts(initiative, today)
    owners = dict(
        db.session.execute(
            select(User.id, User.name).where(
                User.id.in_([s.owner_id for s in stages if s.owner_id])
            )
        ).all()
    )
    latest = latest_rated_round(initiative)
    ratings = round_summaries([latest.id]).get(latest.id, {}) if latest else {}
    rows = [
        StageRow(
            step=STEPS_BY_KEY[stage.key],
            stage=stage,
            owner_name=owners.get(stage.owner_id) if stage.owner_id else None,
            evidence_done=evidence.get(stage.id, (0, 0))[0],
            evidence_total=evidence.get(stage.id, (0, 0))[1],
            leaders=ratings.get(stage.key, NOT_RATED),
            open_actions=actions.get(stage.key, (0, 0))[0],
            overdue_actions=actions.get(stage.key, (0, 0))[1],
        )
        for stage in stages
    ]
    warnings = skipped_step_warnings(
        [StepState(row.stage.key, row.stage.status, row.leaders.mean) for row in rows]
    )
    return StageOverview(rows=rows, warnings=warnings, latest_round=latest)
