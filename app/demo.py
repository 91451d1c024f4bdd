"""The demo organisation, Northwind Mutual: an insurer rolling out a new CRM to sales and service.

Dates are relative to today, so the demo always looks like a rollout in progress.
Later features add their part of the story here, each in its own function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import func, select

from app.services import accounts, organizations, stages
from app.services.accounts import hash_token
from app.services.stages import RatingInput
from insights.kotter import STEP_KEYS
from models import (
    Action,
    Initiative,
    Organization,
    Role,
    StageStatusChange,
    Team,
    User,
    WorkshopParticipant,
    WorkshopSession,
    WorkshopVote,
    db,
)

DEMO_ORGANIZATION = "Northwind Mutual"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str
    password: str


# Published on purpose: these accounts exist only in the demo organisation.
DEMO_LOGINS = (
    DemoLogin("consultant", "consultant@northwind.demo", "Dana Okafor", "demo-consultant-1"),
    DemoLogin("executive", "morgan.hale@northwind.demo", "Morgan Hale", "demo-executive-1"),
    DemoLogin("executive", "priya.raman@northwind.demo", "Priya Raman", "demo-executive-2"),
)

# name, headcount, parent
DEMO_TEAMS = (
    ("Sales", 6, None),
    ("Sales North", 24, "Sales"),
    ("Sales South", 22, "Sales"),
    ("Broker Partnerships", 14, "Sales"),
    ("Sales Operations", 4, "Sales"),
    ("Customer Service", 5, None),
    ("Claims Service", 30, "Customer Service"),
    ("Policy Service", 26, "Customer Service"),
    ("Contact Centre", 38, "Customer Service"),
)


class SeedResult(StrEnum):
    CREATED = "created"
    PRESENT = "present"
    SKIPPED = "skipped"


def demo_start(today: date) -> date:
    """The Monday 28 weeks ago: go-live fell about four months before today."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=28)


def seed_demo(*, only_if_empty: bool = False, today: date | None = None) -> SeedResult:
    if organizations.organization_by_name(DEMO_ORGANIZATION) is not None:
        return SeedResult.PRESENT
    if only_if_empty and db.session.scalar(select(func.count()).select_from(Organization)):
        return SeedResult.SKIPPED
    today = today or date.today()
    organization = organizations.create_organization(DEMO_ORGANIZATION)
    users = _demo_users(organization)
    start = demo_start(today)
    initiative = Initiative(
        organization=organization,
        name="Customer 360 CRM rollout",
        crm_product="Salesforce Financial Services Cloud",
        start_date=start,
        go_live_date=start + timedelta(weeks=10),
        licensed_seats=175,
    )
    db.session.add(initiative)
    _demo_teams(organization)
    db.session.flush()
    _demo_stages(initiative, users, today)
    return SeedResult.CREATED


def _demo_users(organization: Organization) -> dict[str, User]:
    users: dict[str, User] = {}
    for login in DEMO_LOGINS:
        user = accounts.user_by_email(login.email) or accounts.create_user(
            login.email, login.name, login.password
        )
        accounts.add_member(user, organization, Role(login.role))
        users[login.email] = user
    return users


def _demo_teams(organization: Organization) -> dict[str, Team]:
    teams: dict[str, Team] = {}
    for name, headcount, parent in DEMO_TEAMS:
        team = Team(
            organization_id=organization.id,
            name=name,
            headcount=headcount,
            parent=teams[parent] if parent else None,
        )
        db.session.add(team)
        teams[name] = team
    return teams


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


# The leaders' ratings per round (Morgan, Priya): steps 1-3 solid, urgency
# rated high by leaders (staff will disagree), communicate split between the
# two, empower weak (the stall), wins started too early.
KICKOFF_RATINGS = {
    "urgency": (4, 3), "coalition": (3, 3), "vision": (3, 2), "communicate": (2, 2),
    "empower": (2, 2), "wins": (1, 1), "consolidate": (1, 1), "anchor": (1, 1),
}  # fmt: skip
LATEST_RATINGS = {
    "urgency": (5, 4), "coalition": (4, 4), "vision": (4, 3), "communicate": (4, 2),
    "empower": (2, 2), "wins": (3, 2), "consolidate": (1, 2), "anchor": (1, 1),
}  # fmt: skip
# The saved workshop: the two executives and three more leaders in the room.
WORKSHOP_VOTES = {
    "Morgan": (5, 4, 4, 3, 3, 2, 1, 1),
    "Priya": (4, 4, 3, 2, 2, 2, 1, 1),
    "Tom (Sales)": (5, 4, 4, 4, 3, 3, 2, 1),
    "Aisha (Marketing)": (4, 3, 3, 3, 2, 2, 1, 1),
    "Ravi (IT)": (4, 4, 4, 3, 2, 2, 2, 1),
}

# step, title, owner email, due in days from today (negative: past), status
DEMO_ACTIONS = (
    ("urgency", "Share the churn dashboard with the whole sales floor",
     "morgan.hale@northwind.demo", -90, "done"),
    ("communicate", "Give every manager a two-minute talk track on the vision",
     "priya.raman@northwind.demo", -40, "done"),
    ("empower", "Publish the obstacle log to all staff and review it weekly",
     "priya.raman@northwind.demo", -14, "open"),
    ("empower", "Switch off the legacy quote spreadsheet",
     "morgan.hale@northwind.demo", -5, "in_progress"),
    ("empower", "Floor-walker support for Sales North in renewal season",
     "priya.raman@northwind.demo", 10, "open"),
    ("wins", "Plan two 90-day wins with a measure each",
     "morgan.hale@northwind.demo", 14, "open"),
)  # fmt: skip


def _demo_stages(initiative: Initiative, users: dict[str, User], today: date) -> None:
    morgan = users["morgan.hale@northwind.demo"]
    priya = users["priya.raman@northwind.demo"]
    consultant = users["consultant@northwind.demo"]
    start = initiative.start_date
    go_live = initiative.go_live_date or start
    by_key = {stage.key: stage for stage in stages.ensure_stages(initiative)}
    plan = {
        # key: (status, owner, started week, done week, evidence ticked, target)
        "urgency": ("done", morgan, 0, 3, 4, start + timedelta(weeks=3)),
        "coalition": ("done", morgan, 1, 4, 3, start + timedelta(weeks=4)),
        "vision": ("done", morgan, 2, 6, 3, start + timedelta(weeks=6)),
        "communicate": ("in_progress", priya, 5, None, 2, go_live + timedelta(weeks=8)),
        "empower": ("in_progress", priya, 8, None, 1, go_live + timedelta(weeks=6)),
        "wins": ("in_progress", morgan, 12, None, 0, today + timedelta(weeks=6)),
    }
    for key, (status, owner, started, done, ticked, target) in plan.items():
        stage = by_key[key]
        stage.owner_id = owner.id
        stage.target_date = target
        stage.status = status
        history = [("not_started", "in_progress", started)]
        if done is not None:
            history.append(("in_progress", "done", done))
        for old, new, week in history:
            db.session.add(
                StageStatusChange(
                    stage_id=stage.id,
                    from_status=old,
                    to_status=new,
                    changed_by_id=owner.id,
                    changed_at=_at(start + timedelta(weeks=week)),
                )
            )
        for item in stage.evidence[:ticked]:
            item.done_at = _at(start + timedelta(weeks=(done or started + 2)))
            item.done_by_id = owner.id
    by_key["empower"].notes = (
        "Stuck since go-live: the obstacle log exists but staff do not see it, and the "
        "old quote spreadsheet is still in use in Sales North."
    )
    by_key["wins"].notes = "Started early to show progress to the board."

    kickoff = stages.create_round(
        initiative, "Kick-off assessment", start + timedelta(weeks=2), consultant
    )
    latest = stages.create_round(
        initiative, "Leadership review", today - timedelta(days=9), consultant
    )
    for assessment, table in ((kickoff, KICKOFF_RATINGS), (latest, LATEST_RATINGS)):
        for index, leader in enumerate((morgan, priya)):
            stages.save_ratings(
                assessment,
                f"user:{leader.id}",
                leader.name,
                {key: RatingInput(scores[index]) for key, scores in table.items()},
            )
        stages.close_round(assessment)
    _demo_workshop(initiative, consultant, go_live + timedelta(weeks=6))
    for key, title, email, due_in, status in DEMO_ACTIONS:
        db.session.add(
            Action(
                initiative_id=initiative.id,
                stage_key=key,
                title=title,
                owner_id=users[email].id,
                due_date=today + timedelta(days=due_in),
                status=status,
                created_by_id=consultant.id,
            )
        )
    db.session.flush()


def _demo_workshop(initiative: Initiative, facilitator: User, held_on: date) -> None:
    session = WorkshopSession(
        initiative_id=initiative.id,
        code="NWM4K7",
        title="Leadership workshop after go-live",
        facilitator_id=facilitator.id,
        expires_at=_at(held_on, 13),
        closed_at=_at(held_on, 11),
        created_at=_at(held_on, 9),
    )
    db.session.add(session)
    db.session.flush()
    assessment = stages.create_round(initiative, session.title, held_on, facilitator)
    assessment.source = "workshop"
    for name, scores in WORKSHOP_VOTES.items():
        participant = WorkshopParticipant(
            session_id=session.id,
            display_name=name,
            token_hash=hash_token(f"demo-{name}"),
        )
        db.session.add(participant)
        db.session.flush()
        for stage, score in zip(STEP_KEYS, scores, strict=True):
            db.session.add(
                WorkshopVote(
                    session_id=session.id,
                    participant_id=participant.id,
                    stage_key=stage,
                    score=score,
                    voted_at=_at(held_on, 10),
                )
            )
        stages.save_ratings(
            assessment,
            f"participant:{participant.id}",
            name,
            {stage: RatingInput(score) for stage, score in zip(STEP_KEYS, scores, strict=True)},
        )
    stages.close_round(assessment)
    session.round_id = assessment.id
