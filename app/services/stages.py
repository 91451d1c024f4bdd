"""The Kotter step tracker of an initiative: steps, evidence, actions and assessment rounds.

``stage_overview`` is the one summary the tracker page, the dashboard and the
JSON API all use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

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
    Membership,
    Stage,
    StageStatusChange,
    User,
    db,
)
from models.base import utcnow

ACTION_STATUSES = ("open", "in_progress", "done")


class StageError(ValueError):
    """A change to the tracker that cannot be made; the message is for a person.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def ensure_stages(initiative: Initiative, *, commit_new: bool = False) -> list[Stage]:
    """The eight steps of the initiative, created with suggested evidence on first use.

    ``commit_new`` is for pages that link to the new rows by id (evidence
    items): steps created on first view are kept at once, whatever the
    request does next.
    """
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
        if commit_new:
            db.session.commit()
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
            .options(selectinload(StageStatusChange.changed_by))
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


def evidence_of(stage: Stage) -> list[EvidenceItem]:
    """The step's checklist in order, with who ticked each item loaded in the same round trip."""
    return list(
        db.session.scalars(
            select(EvidenceItem)
            .options(selectinload(EvidenceItem.done_by))
            .where(EvidenceItem.stage_id == stage.id)
            .order_by(EvidenceItem.position, EvidenceItem.id)
        )
    )


def evidence_item(item_id: int) -> EvidenceItem | None:
    return db.session.get(EvidenceItem, item_id)


def edit_evidence(item: EvidenceItem, text: str) -> None:
    text = text.strip()
    if not text:
        raise StageError("Describe the evidence.", "text")
    item.text = text
    db.session.flush()


def remove_evidence(item: EvidenceItem) -> None:
    db.session.delete(item)
    db.session.flush()


# --- owners --------------------------------------------------------------


def member_owner(organization_id: int, user_id: int | None) -> User | None:
    """The member chosen as owner; nobody for 0 or None.

    Anyone else is refused without saying whether such a person exists, so
    the owner list of one client never reveals the people of another.
    """
    if not user_id:
        return None
    owner = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == organization_id, User.id == user_id)
    )
    if owner is None:
        raise StageError("Choose an owner from the members of this organisation.", "owner_id")
    return owner


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
        raise StageError(f"There is no step {stage_key!r}.", "stage_key")
    if status not in ACTION_STATUSES:
        raise StageError(f"Status {status!r} is not one of: open, in progress, done.", "status")
    if not title.strip():
        raise StageError("Give the action a title.", "title")
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


def action_by_id(action_id: int) -> Action | None:
    return db.session.get(Action, action_id)


def is_overdue(action: Action, today: date) -> bool:
    return action.status != "done" and action.due_date is not None and action.due_date < today


def actions_query(
    initiative: Initiative,
    *,
    owner_id: int | None = None,
    status: str | None = None,
    stage_key: str | None = None,
    today: date | None = None,
) -> Select[tuple[Action]]:
    """Actions of the initiative, overdue and soonest due first, with their owners."""
    query = (
        select(Action)
        .options(selectinload(Action.owner))
        .where(Action.initiative_id == initiative.id)
    )
    if owner_id is not None:
        query = query.where(Action.owner_id == owner_id)
    if stage_key is not None:
        query = query.where(Action.stage_key == stage_key)
    if status == "overdue":
        query = query.where(Action.status != "done", Action.due_date < (today or date.today()))
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


def rater_key(user: User) -> str:
    """How a logged-in leader is known within a round (workshop participants differ)."""
    return f"user:{user.id}"


def round_by_id(round_id: int) -> AssessmentRound | None:
    return db.session.get(AssessmentRound, round_id)


def ratings_by(assessment: AssessmentRound, rater: str) -> dict[str, AssessmentRating]:
    """One rater's current ratings in a round, by step key."""
    return {
        rating.stage_key: rating
        for rating in db.session.scalars(
            select(AssessmentRating).where(
                AssessmentRating.round_id == assessment.id, AssessmentRating.rater == rater
            )
        )
    }


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


def rater_counts(round_ids: list[int]) -> dict[int, int]:
    """How many people rated in each round (any step)."""
    if not round_ids:
        return {}
    return {
        round_id: int(raters)
        for round_id, raters in db.session.execute(
            select(AssessmentRating.round_id, func.count(func.distinct(AssessmentRating.rater)))
            .where(AssessmentRating.round_id.in_(round_ids))
            .group_by(AssessmentRating.round_id)
        ).all()
    }


@dataclass(frozen=True)
class StepResult:
    """One step in one round, and how its mean moved since the step was last rated."""

    step: Step
    summary: RatingSummary
    movement: float | None


@dataclass(frozen=True)
class RoundResult:
    round: AssessmentRound
    raters: int
    steps: list[StepResult]

    @property
    def disagreements(self) -> list[Step]:
        return [result.step for result in self.steps if result.summary.disagreement]


def round_history(initiative: Initiative) -> list[RoundResult]:
    """Every round of the initiative, newest first, in three queries whatever their number.

    Movement compares a step's mean with the same step in the nearest older
    round in which anybody rated it, so a round started but not yet rated
    does not break the line.
    """
    rounds = rounds_of(initiative)
    ids = [assessment.id for assessment in rounds]
    summaries = round_summaries(ids)
    raters = rater_counts(ids)
    empty = RatingSummary(0, None, None, None, None)
    results: list[RoundResult] = []
    for index, assessment in enumerate(rounds):
        steps = []
        for step in STEPS:
            summary = summaries[assessment.id].get(step.key, empty)
            previous = next(
                (
                    summaries[older.id][step.key]
                    for older in rounds[index + 1 :]
                    if step.key in summaries[older.id]
                ),
                None,
            )
            movement = (
                summary.mean - previous.mean
                if summary.mean is not None and previous is not None and previous.mean is not None
                else None
            )
            steps.append(StepResult(step, summary, movement))
        results.append(RoundResult(assessment, raters.get(assessment.id, 0), steps))
    return results


@dataclass(frozen=True)
class RatingComment:
    rater_name: str
    score: int
    comment: str


def round_comments(assessment: AssessmentRound) -> dict[str, list[RatingComment]]:
    """The comments of a round by step key, attributed: leaders assess openly, by name."""
    comments: dict[str, list[RatingComment]] = {}
    for rater_name, key, score, comment in db.session.execute(
        select(
            AssessmentRating.rater_name,
            AssessmentRating.stage_key,
            AssessmentRating.score,
            AssessmentRating.comment,
        )
        .where(AssessmentRating.round_id == assessment.id, AssessmentRating.comment != "")
        .order_by(AssessmentRating.rater_name, AssessmentRating.id)
    ):
        comments.setdefault(key, []).append(RatingComment(rater_name, score, comment))
    return comments


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
