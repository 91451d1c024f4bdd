"""The eight steps of an initiative: status, owner, evidence checklist and actions.

The steps are created with the initiative (:func:`ensure_stages`, called by
``organizations.save_initiative``); everything else here only reads them, so
no page view writes. Each function that completes a person's change commits.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import Select, case, select
from sqlalchemy.orm import selectinload

from app.services import audit
from app.services.errors import ServiceError
from app.services.transaction import commit
from insights.kotter import STEPS, STEPS_BY_KEY
from insights.stages import STATUSES
from models import (
    Action,
    ActionTeam,
    EvidenceItem,
    Initiative,
    Membership,
    Stage,
    StageStatusChange,
    Team,
    User,
    db,
)
from models.base import utcnow

ACTION_STATUSES = ("open", "in_progress", "done")


def ensure_stages(initiative: Initiative) -> list[Stage]:
    """Create whichever of the eight steps the initiative lacks, with suggested evidence.

    Part of creating an initiative: it flushes and the caller commits. Safe to
    call again; steps that exist are left as they are.
    """
    stages = stages_of(initiative)
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


def stages_of(initiative: Initiative) -> list[Stage]:
    """The initiative's steps in order (read only)."""
    return list(
        db.session.scalars(
            select(Stage).where(Stage.initiative_id == initiative.id).order_by(Stage.position)
        )
    )


def find_stage(initiative: Initiative, key: str) -> Stage | None:
    if key not in STEPS_BY_KEY:
        return None
    return db.session.scalar(
        select(Stage).where(Stage.initiative_id == initiative.id, Stage.key == key)
    )


def stage_for(initiative: Initiative, key: str) -> Stage:
    """The step ``key`` of the initiative; refused for a key that is not one of the eight."""
    stage = find_stage(initiative, key)
    if stage is None:
        raise ServiceError(_("There is no step %(key)s.", key=repr(key)), "stage_key")
    return stage


def update_stage(
    stage: Stage,
    *,
    status: str,
    owner: User | None,
    target_date: date | None,
    notes: str,
    by: User,
) -> None:
    """Save a step's status, owner, date and notes; a status change is kept in its history."""
    if status not in STATUSES:
        raise ServiceError(
            _(
                "Status %(status)s is not one of: not started, in progress, done.",
                status=repr(status),
            ),
            "status",
        )
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
    commit()


def status_history(stage: Stage) -> list[StageStatusChange]:
    return list(
        db.session.scalars(
            select(StageStatusChange)
            .options(selectinload(StageStatusChange.changed_by))
            .where(StageStatusChange.stage_id == stage.id)
            .order_by(StageStatusChange.changed_at.desc(), StageStatusChange.id.desc())
        )
    )


# --- the evidence checklist ------------------------------------------------------------


def _evidence_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ServiceError(_("Describe the evidence."), "text")
    return text


def add_evidence(stage: Stage, text: str) -> EvidenceItem:
    text = _evidence_text(text)
    position = max((item.position for item in stage.evidence), default=-1) + 1
    item = EvidenceItem(stage=stage, position=position, text=text)
    db.session.add(item)
    commit()
    return item


def tick_evidence(item: EvidenceItem, done: bool, by: User) -> None:
    item.done_at = utcnow() if done else None
    item.done_by_id = by.id if done else None
    commit()


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
    item.text = _evidence_text(text)
    commit()


def remove_evidence(item: EvidenceItem, *, actor: User | None = None) -> None:
    step = STEPS_BY_KEY[item.stage.key]
    audit.record(
        "evidence.removed",
        f"Removed evidence {item.text!r} from step {step.position}, {step.name}",
        actor=actor,
        organization=audit.organization_of(item.stage.initiative_id),
        details={"stage_id": item.stage_id},
    )
    db.session.delete(item)
    commit()


# --- owners ----------------------------------------------------------------------------


def member_owner(organization_id: int, user_id: int | None) -> User | None:
    """The member chosen as owner; nobody for 0 or None.

    Anyone else is refused without saying whether such a person exists, so
    the owner list of one client never reveals the people of another.
    """
    if not user_id:
        return None
    owner: User | None = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == organization_id, User.id == user_id)
    )
    if owner is None:
        raise ServiceError(_("Choose an owner from the members of this organisation."), "owner_id")
    return owner


# --- actions ---------------------------------------------------------------------------


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
    teams: Collection[int] | None = None,
    done_on: date | None = None,
    today: date | None = None,
) -> Action:
    """Create an action (or change ``action``); every problem is named before anything is saved.

    ``teams`` are the teams it touched (none: every team; None leaves them as they
    are). Marked done, it records when: ``done_on`` if given (not in the future, not
    before the initiative started), else the moment it was first marked done; reopened,
    it forgets it. Its effect is measured from that day.
    """
    today = today or date.today()
    problems = {}
    if stage_key not in STEPS_BY_KEY:
        problems["stage_key"] = _("There is no step %(key)s.", key=repr(stage_key))
    if status not in ACTION_STATUSES:
        problems["status"] = _(
            "Status %(status)s is not one of: open, in progress, done.", status=repr(status)
        )
    if not title.strip():
        problems["title"] = _("Give the action a title.")
    if status == "done" and done_on is not None:
        if done_on > today:
            problems["done_on"] = _("“Done on” cannot be in the future.")
        elif done_on < initiative.start_date:
            started = initiative.start_date.isoformat()
            problems["done_on"] = _(
                "“Done on” cannot be before the initiative started (%(date)s).", date=started
            )
    chosen = None if teams is None else set(teams)
    if chosen and chosen - _allowed_teams(initiative, action):
        problems["teams"] = _("Choose teams of this organisation.")
    if problems:
        raise ServiceError(problems)
    if action is None:
        action = Action(initiative_id=initiative.id, created_by_id=by.id)
        db.session.add(action)
    action.stage_key = stage_key
    action.title = title.strip()
    action.owner_id = owner.id if owner else None
    action.due_date = due_date
    action.status = status
    action.done_at = _done_at(action, status, done_on, today)
    if chosen is not None:
        action.teams = [row for row in action.teams if row.team_id in chosen] + [
            ActionTeam(team_id=team_id)
            for team_id in sorted(chosen - {row.team_id for row in action.teams})
        ]
    commit()
    return action


def _done_at(action: Action, status: str, done_on: date | None, today: date) -> datetime | None:
    """When a done action was done: kept while its day is unchanged, cleared when reopened."""
    if status != "done":
        return None
    now = utcnow()
    if done_on is None:
        return action.done_at or now
    if action.done_at is not None and action.done_at.date() == done_on:
        return action.done_at
    if done_on == today and now.date() == today:
        return now
    return datetime.combine(done_on, time(12), tzinfo=UTC)


def _allowed_teams(initiative: Initiative, action: Action | None) -> set[int]:
    """The organisation's active teams, and any (since archived) the action already names."""
    allowed = set(
        db.session.scalars(
            select(Team.id).where(
                Team.organization_id == initiative.organization_id, Team.archived_at.is_(None)
            )
        )
    )
    return allowed | {row.team_id for row in action.teams} if action else allowed


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
) -> Select[Action]:
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
