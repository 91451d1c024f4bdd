"""The Kotter step tracker of an initiative: steps, evidence, actions and assessment rounds.

``stage_overview`` is the one summary the tracker page, the dashboard and the
JSON API all use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, select

from insights.kotter import STEPS, STEPS_BY_KEY, Step
from insights.stages import (
    STATUSES,
    RatingSummary,
    SkippedStepWarning,
    StepState,
    skipped_step_warnings,
)
from models import (
    Action,
    AssessmentRating,
    AssessmentRound,
    EvidenceItem,
    Initiative,
    Stage,
    StageStatusChange,
    User,
    db,
)
from models.base import utcnow

ACTION_STATUSES = ("open", "in_progress", "done")


class StageError(ValueError):
    """A change to the tracker that cannot be made; the message is for a person."""


def ensure_stages(initiative: Initiative) -> list[Stage]:
    """The eight steps of the initiative, created with suggested evidence on first use."""
    stages = list(
        db.session.scalars(
            select(Stage).where(Stage.initiative_id == initiative.id).order_by(Stage.position)
        )
    )
    present = {stage.key for stage in stages}
    for step in STEPS:
        if step.key in present:
            continue
        stage = Stage(initiative_id=initiative.id, key=step.key, position=step.position, notes="")
        stage.evidence = [
            EvidenceItem(position=index, text=text) for index, text in enumerate(step.evidence)
        ]
        db.session.add(stage)
        stages.append(stage)
    if len(present) < len(STEPS):
        db.session.flush()
    return sorted(stages, key=lambda stage: stage.position)


def stage_for(initiative: Initiative, key: str) -> Stage:
    if key not in STEPS_BY_KEY:
        raise StageError(f"There is no step {key!r}.")
    return next(stage for stage in ensure_stages(initiative) if stage.key == key)


def update_stage(
    stage: Stage,
    *,
    status: str,
    owner: User | None,
    target_date: date | None,
    notes: str,
    by: User,
) -> None:
    if status not in STATUSES:
        raise StageError(f"Status {status!r} is not one of: not started, in progress, done.")
    if status != stage.status:
        db.session.add(
            StageStatusChange(
                stage_id=stage.id, from_status=stage.status, to_status=status, changed_by_id=by.id
            )
        )
        stage.status = status
    stage.owner_id = owner.id if owner else None
    stage.target_date = target_date
    stage.notes = notes.strip()
    db.session.flush()


def status_history(stage: Stage) -> list[StageStatusChange]:
    return list(
        db.session.scalars(
            select(StageStatusChange)
            .where(StageStatusChange.stage_id == stage.id)
            .order_by(StageStatusChange.changed_at.desc(), StageStatusChange.id.desc())
        )
    )


def add_evidence(stage: Stage, text: str) -> EvidenceItem:
    text = text.strip()
    if not text:
        raise StageError("Describe the evidence.")
    position = max((item.position for item in stage.evidence), default=-1) + 1
    item = EvidenceItem(stage=stage, position=position, text=text)
    db.session.add(item)
    db.session.flush()
    return item


def tick_evidence(item: EvidenceItem, done: bool, by: User) -> None:
    item.done_at = utcnow() if done else None
    item.done_by_id = by.id if done else None
    db.session.flush()


# --- actions -------------------------------------------------------------


def save_action(
    initiative: Initiative,
    *,
    stage_key: str,
    title: str,
    owner: User | None,
    due_date: date | None,
    status: str,
    by: User,
    action: Action | None = None,
) -> Action:
    if stage_key not in STEPS_BY_KEY:
        raise StageError(f"There is no step {stage_key!r}.")
    if status not in ACTION_STATUSES:
        raise StageError(f"Status {status!r} is not one of: open, in progress, done.")
    if not title.strip():
        raise StageError("Give the action a title.")
    if action is None:
        action = Action(initiative_id=initiative.id, created_by_id=by.id)
        db.session.add(action)
    action.stage_key = stage_key
    action.title = title.strip()
    action.owner_id = owner.id if owner else None
    action.due_date = due_date
    action.status = status
    db.session.flush()
    return action


def is_overdue(action: Action, today: date) -> bool:
    return action.status != "done" and action.due_date is not None and action.due_date < today


def actions_query(
    initiative: Initiative, *, owner_id: int | None = None, status: str | None = None
) -> Select[tuple[Action]]:
    """Actions of the initiative, overdue and soonest due first."""
    query = select(Action).where(Action.initiative_id == initiative.id)
    if owner_id is not None:
        query = query.where(Action.owner_id == owner_id)
    if status == "overdue":
        query = query.where(Action.status != "done", Action.due_date < date.today())
    elif status:
        query = query.where(Action.status == status)
    return query.order_by(
        case((Action.status == "done", 1), else_=0),
        Action.due_date.is_(None),
        Action.due_date,
        Action.id,
    )


# --- assessment rounds ---------------------------------------------------


def create_round(initiative: Initiative, name: str, held_on: date, by: User) -> AssessmentRound:
    assessment = AssessmentRound(
        initiative_id=initiative.id, name=name.strip(), held_on=held_on, created_by_id=by.id
    )
    db.session.add(assessment)
    db.session.flush()
    return assessment


@dataclass(frozen=True)
class RatingInput:
    score: int
    comment: str = ""


def save_ratings(
    assessment: AssessmentRound,
    rater: str,
    rater_name: str,
    ratings: Mapping[str, RatingInput],
) -> None:
    """Store (or replace) one rater's ratings in a round; all steps checked before any is saved."""
    if assessment.closed_at is not None:
        raise StageError("This round is closed; it accepts no more ratings.")
    for key, rating in ratings.items():
        if key not in STEPS_BY_KEY:
            raise StageError(f"There is no step {key!r}.")
        if not 1 <= rating.score <= 5:
            raise StageError(f"Ratings go from 1 to 5; {rating.score} is not possible.")
    existing = {
        rating.stage_key: rating
        for rating in db.session.scalars(
            select(AssessmentRating).where(
                AssessmentRating.round_id == assessment.id, AssessmentRating.rater == rater
            )
        )
    }
    for key, rating in ratings.items():
        row = existing.get(key) or AssessmentRating(
            round_id=assessment.id, rater=rater, stage_key=key
        )
        row.rater_name = rater_name
        row.score = rating.score
        row.comment = rating.comment.strip()
        db.session.add(row)
    db.session.flush()


def close_round(assessment: AssessmentRound) -> None:
    assessment.closed_at = assessment.closed_at or utcnow()
    db.session.flush()


def rounds_of(initiative: Initiative) -> list[AssessmentRound]:
    return list(
        db.session.scalars(
            select(AssessmentRound)
            .where(AssessmentRound.initiative_id == initiative.id)
            .order_by(AssessmentRound.held_on.desc(), AssessmentRound.id.desc())
        )
    )


def round_summaries(round_ids: list[int]) -> dict[int, dict[str, RatingSummary]]:
    """Per round and step: n, mean, range and sample SD, aggregated in the database."""
    if not round_ids:
        return {}
    score = AssessmentRating.score
    rows = db.session.execute(
        select(
            AssessmentRating.round_id,
            AssessmentRating.stage_key,
            func.count(score),
            func.avg(score * 1.0),
            func.min(score),
            func.max(score),
            func.sum(score * score),
            func.sum(score),
        )
        .where(AssessmentRating.round_id.in_(round_ids))
        .group_by(AssessmentRating.round_id, AssessmentRating.stage_key)
    ).all()
    summaries: dict[int, dict[str, RatingSummary]] = {round_id: {} for round_id in round_ids}
    for round_id, key, n, mean, low, high, sum_sq, total in rows:
        sd = None
        if n >= 2:
            variance = (float(sum_sq) - float(total) ** 2 / n) / (n - 1)
            sd = max(variance, 0.0) ** 0.5
        summaries[round_id][key] = RatingSummary(int(n), float(mean), int(low), int(high), sd)
    return summaries


def latest_rated_round(initiative: Initiative) -> AssessmentRound | None:
    return db.session.scalar(
        select(AssessmentRound)
        .where(
            AssessmentRound.initiative_id == initiative.id,
            AssessmentRound.id.in_(select(AssessmentRating.round_id)),
        )
        .order_by(AssessmentRound.held_on.desc(), AssessmentRound.id.desc())
        .limit(1)
    )


# --- the overview --------------------------------------------------------


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


def stage_overview(initiative: Initiative, today: date | None = None) -> StageOverview:
    """Everything the tracker shows about the eight steps, in a fixed number of queries."""
    today = today or date.today()
    stages = ensure_stages(initiative)
    stage_ids = [stage.id for stage in stages]
    evidence = {
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
    actions = {
        key: (int(open_count or 0), int(overdue or 0))
        for key, open_count, overdue in db.session.execute(
            select(
                Action.stage_key,
                func.sum(case((Action.status != "done", 1), else_=0)),
                func.sum(
                    case(
                        (Action.status != "done", case((Action.due_date < today, 1), else_=0)),
                        else_=0,
                    )
                ),
            )
            .where(Action.initiative_id == initiative.id)
            .group_by(Action.stage_key)
        ).all()
    }
    owners = dict(
        db.session.execute(
            select(User.id, User.name).where(
                User.id.in_([s.owner_id for s in stages if s.owner_id])
            )
        ).all()
    )
    latest = latest_rated_round(initiative)
    ratings = round_summaries([latest.id]).get(latest.id, {}) if latest else {}
    empty = RatingSummary(0, None, None, None, None)
    rows = [
        StageRow(
            step=STEPS_BY_KEY[stage.key],
            stage=stage,
            owner_name=owners.get(stage.owner_id) if stage.owner_id else None,
            evidence_done=evidence.get(stage.id, (0, 0))[0],
            evidence_total=evidence.get(stage.id, (0, 0))[1],
            leaders=ratings.get(stage.key, empty),
            open_actions=actions.get(stage.key, (0, 0))[0],
            overdue_actions=actions.get(stage.key, (0, 0))[1],
        )
        for stage in stages
    ]
    warnings = skipped_step_warnings(
        [StepState(row.stage.key, row.stage.status, row.leaders.mean) for row in rows]
    )
    return StageOverview(rows=rows, warnings=warnings, latest_round=latest)
