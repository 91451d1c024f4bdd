"""The demo organisation, Northwind Mutual: an insurer rolling out a new CRM to sales and service.

Dates are relative to today, so the demo always looks like a rollout in progress.
Later features add their part of the story here, each in its own function.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import cast

from sqlalchemy import Table, func, insert, select

from app import demo_loop
from app.services import (
    accounts,
    metrics,
    organizations,
    outlooks,
    practices,
    stages,
    surveys,
)
from app.services.accounts import hash_token
from app.services.results import publication
from app.services.stages import RatingInput
from app.services.transaction import one_transaction
from insights.kotter import STEP_KEYS
from models import (
    Action,
    Answer,
    AnswerTally,
    Campaign,
    CampaignTeam,
    Initiative,
    Observation,
    Organization,
    Response,
    ResponseTally,
    Role,
    StageStatusChange,
    Survey,
    SurveyAction,
    Team,
    User,
    WorkshopParticipant,
    WorkshopSession,
    WorkshopVote,
    db,
)
from survey.instruments import RECOMMEND10, SCALES, STARTER_PULSE, Item, items_from_snapshot
from survey.practices import BEHAVIOURS

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
# The service centre in Leipzig: its people answer the pulse in German.
DEMO_GERMAN_TEAM = "Claims Service"


class SeedResult(StrEnum):
    CREATED = "created"
    PRESENT = "present"
    SKIPPED = "skipped"


def demo_start(today: date) -> date:
    """The Monday 28 weeks ago: go-live fell about four months before today."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=28)


def seed_demo(*, only_if_empty: bool = False, today: date | None = None) -> SeedResult:
    """Load the demo organisation in one transaction, committed; nothing if it is there."""
    if organizations.organization_by_name(DEMO_ORGANIZATION) is not None:
        return SeedResult.PRESENT
    if only_if_empty and db.session.scalar(select(func.count()).select_from(Organization)):
        return SeedResult.SKIPPED
    today = today or date.today()
    with one_transaction():  # the services' own commits become flushes: all or nothing
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
        teams = _demo_teams(organization)
        db.session.flush()
        _demo_stages(initiative, users, today)
        _demo_practices(initiative, users, today)
        _demo_surveys(initiative, teams, users, today)
        _demo_metrics(initiative, today)
        demo_loop.close_the_loop(initiative, teams, users, today)
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
        due = today + timedelta(days=due_in)
        db.session.add(
            Action(
                initiative_id=initiative.id,
                stage_key=key,
                title=title,
                owner_id=users[email].id,
                due_date=due,
                status=status,
                # Done two days before it was due, for every team (no teams listed).
                done_at=_at(due - timedelta(days=2), 16) if status == "done" else None,
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


# The leadership 360s. Per practice (model, inspire, challenge, enable, encourage):
# Morgan rates himself high on encouraging the heart while his ten observers
# rate him low there (a clear over-rating), and lower than they do on
# challenging the process (an under-rating). Priya's 360 is still open (two
# observers so far), so only that count is shown: observer figures appear when
# a 360 is closed.
MORGAN_SELF = {"model": 8, "inspire": 7, "challenge": 6, "enable": 6, "encourage": 9}
MORGAN_OBSERVED = {"model": 8, "inspire": 7, "challenge": 8, "enable": 6, "encourage": 4}
# Manager 1 and others 2 are too few on their own: they are shown combined.
MORGAN_OBSERVERS = ("manager", "peer", "peer", "peer", "direct_report", "direct_report",
                    "direct_report", "direct_report", "other", "other")  # fmt: skip
PRIYA_SELF = {"model": 7, "inspire": 6, "challenge": 7, "enable": 8, "encourage": 7}
PRIYA_OBSERVED = {"model": 7, "inspire": 5, "challenge": 6, "enable": 8, "encourage": 7}
PRIYA_OBSERVERS = ("peer", "direct_report")


def _demo_ratings(base: dict[str, int], person: int) -> dict[str, int]:
    """Ratings around a per-practice level, the same on every run: each behaviour tilts by
    -1..+1 (evening out within a practice) and each person by a fixed -2..+2 pattern."""
    return {
        b.key: max(
            1,
            min(
                10, base[b.practice] + (b.number * 5) % 3 - 1 + (person * 3 + b.number * 7) % 5 - 2
            ),
        )
        for b in BEHAVIOURS
    }


def _demo_practices(initiative: Initiative, users: dict[str, User], today: date) -> None:
    consultant = users["consultant@northwind.demo"]
    plan = (
        # leader, opened days ago, closed days ago, self, observers' level, relationships
        ("morgan.hale@northwind.demo", 42, 7, MORGAN_SELF, MORGAN_OBSERVED, MORGAN_OBSERVERS),
        ("priya.raman@northwind.demo", 10, None, PRIYA_SELF, PRIYA_OBSERVED, PRIYA_OBSERVERS),
    )
    for email, opened, closed, own, observed, relationships in plan:
        leader = users[email]
        start = today - timedelta(days=opened)
        cycle = practices.open_cycle(initiative, leader.id, consultant, now=_at(start))
        self_ratings = {
            b.key: max(1, min(10, own[b.practice] + b.number % 3 - 1)) for b in BEHAVIOURS
        }
        practices.save_self_response(cycle, leader, self_ratings, start + timedelta(days=1))
        for person, relationship in enumerate(relationships):
            day = start + timedelta(days=2 + person % 5)
            ratings = _demo_ratings(observed, person)
            practices.save_observer_response(cycle, relationship, ratings, day)
        if closed is not None:
            practices.close_cycle(cycle, now=_at(today - timedelta(days=closed)))
    db.session.flush()


# Adoption and customer metrics: 26 weekly periods ending last week. Go-live falls
# in week 8 of them. Each adopting team follows a Bass S-curve up to near its ceiling;
# Sales North rises to half the 80 % target and stays there: its reps log in (they must)
# but keep their customer notes out of the CRM — they feel it puts a system between them
# and the customer ("lost personal touch"). Claims Service's data completeness falls at
# go-live, when its claims move from the old system. Customer measures improve, a few
# weeks later, where people adopted. Policy Service and the Contact Centre stay below
# their ceilings until floor-walkers arrive five weeks ago (app/demo_loop.py). A fixed
# seed keeps every run the same.
METRIC_WEEKS = 26
METRIC_SEED = 20260601
# team: (adoption ceiling %, sales team, service team)
METRIC_TEAMS = {
    "Sales North": (40.0, True, False),
    "Sales South": (78.0, True, False),
    "Broker Partnerships": (76.0, True, False),
    "Sales Operations": (86.0, True, False),
    "Claims Service": (77.0, False, True),
    "Policy Service": (80.0, False, True),
    "Contact Centre": (82.0, False, True),
}
MEETINGS_LOGGED = (
    "meetings_logged",
    "Customer meetings logged in the CRM",
    "Share of customer meetings with a visit report in the CRM. Sales North's reps keep "
    "their notes in their own notebooks: logging a meeting, they say, puts a system between "
    "them and the customer (“lost personal touch”).",
)


def _bass(weeks_since_go_live: float, q: float = 0.38) -> float:
    """Share of eventual adopters reached (Bass: p = 0.03, q = 0.38 unless given, per week)."""
    if weeks_since_go_live < 0:
        return 0.0
    t, p = weeks_since_go_live + 1, 0.03
    decay = math.exp(-(p + q) * t)
    return (1 - decay) / (1 + q / p * decay)


def _demo_team_week(name: str, t: int, rng: random.Random) -> dict[str, float]:
    """One team's values in the week ``t`` weeks after go-live (negative: before)."""
    ceiling, sales, service = METRIC_TEAMS[name]
    adopted = name != "Sales North"
    # Sales North's few willing users came on board at once; then nobody else did.
    share = _bass(t) if adopted else _bass(t, q=0.9)
    lagged = _bass(t - 4)  # customers notice a few weeks later

    def noisy(value: float, spread: float, high: float = 100.0) -> float:
        return round(min(high, max(0.0, value + rng.gauss(0, spread))), 1)

    values = {
        "adoption_rate": noisy(max(2.0, ceiling * share), 1.2),
        "stickiness": noisy(40 + (32 if adopted else 8) * share, 2.0) if t >= 0 else None,
        "logins_per_active_user": noisy(2.4 + (2.6 if adopted else 1.3) * share, 0.15, 20),
        "records_per_active_user": noisy(5 + (17 if adopted else 2) * share, 0.8, 200),
        "data_completeness": noisy(72 + 18 * share, 1.0),
        "csat": noisy(78 + (8 if adopted else 0.5) * lagged, 0.8),
        "retention": noisy(86 + (4 if adopted else 0) * lagged, 0.4),
        "nps": noisy(14 + (16 if adopted else 1) * lagged, 1.5, 100),
    }
    if name == "Claims Service":  # the old system's data was fuller than what is keyed now
        values["data_completeness"] = noisy(88.0 if t < 0 else 63.0, 1.0)
    if sales:
        values["pipeline_hygiene"] = noisy(50 + (32 if adopted else -5) * share, 1.5)
        values["meetings_logged"] = noisy(25 + (60 if adopted else 2) * share, 2.0)
    if service:
        values["first_contact_resolution"] = noisy(63 + 12 * lagged, 1.0)
    return {key: value for key, value in values.items() if value is not None}


def _demo_metrics(initiative: Initiative, today: date) -> None:
    catalogue = {metric.key: metric for metric in metrics.ensure_catalogue(initiative)}
    key, name, description = MEETINGS_LOGGED
    catalogue[key] = metrics.add_metric(
        initiative,
        metrics.MetricFields(key, name, "%", "higher", "usage", 90.0, None, description),
    )
    teams = {team.name: team for team in metrics.teams_of(initiative) if team.name in METRIC_TEAMS}
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=METRIC_WEEKS)
    go_live = initiative.go_live_date or initiative.start_date
    rng = random.Random(METRIC_SEED)  # noqa: S311 - demo noise, not a secret
    rows: list[dict[str, object]] = []
    for week in range(METRIC_WEEKS):
        period = first + timedelta(weeks=week)
        t = (period - go_live).days // 7
        by_team = {name: _demo_team_week(name, t, rng) for name in METRIC_TEAMS}
        for name, values in by_team.items():  # the floor-walkers' part (app/demo_loop.py)
            values["adoption_rate"] = demo_loop.adoption_rate(
                name, values["adoption_rate"], METRIC_TEAMS[name][0], period, today
            )
        for name, values in by_team.items():
            rows += [
                {"metric_id": catalogue[k].id, "team_id": teams[name].id, "period": period,
                 "value": v}
                for k, v in values.items()
            ]  # fmt: skip
        rows += [
            {"metric_id": catalogue[k].id, "team_id": None, "period": period, "value": v}
            for k, v in _demo_whole(by_team, initiative.licensed_seats).items()
        ]
    db.session.execute(insert(Observation), rows)
    outlooks.refresh(initiative.id)


def _demo_whole(by_team: dict[str, dict[str, float]], seats: int) -> dict[str, float]:
    """Whole-initiative values: active users over the licensed seats, other measures
    weighted by the teams' headcounts."""
    headcount = {name: size for name, size, _ in DEMO_TEAMS}
    active = sum(v["adoption_rate"] / 100 * headcount[name] for name, v in by_team.items())
    whole = {"adoption_rate": round(active / seats * 100, 1)}
    keys = {key for values in by_team.values() for key in values} - {"adoption_rate"}
    for key in sorted(keys):
        weights = [(v[key], headcount[name]) for name, v in by_team.items() if key in v]
        whole[key] = round(sum(v * w for v, w in weights) / sum(w for _, w in weights), 1)
    return whole


# --- Pulse surveys ------------------------------------------------------------------------
# Six fortnightly campaigns of the recommended first pulse plus Kotter's urgency,
# for every team. The story: staff rate urgency far lower (about 2.6 of 5) than the
# leaders do (4.5), obstacles are not removed (empower about 2.3) and communication
# is middling (about 3.2). Sales North resists: the CRM takes the personal touch out
# of renewals and its eNPS falls campaign after campaign. Claims Service improves
# after a "you said, we did" action posted after campaign 3. Sales Operations (4
# people, 3 answers a campaign) is too small to report. Customer Service's five
# managers all answer; at four of five, Policy Service would have to be hidden as
# well, so that the managers' answers could not be worked out from the parent.
DEMO_SURVEY_DIMENSIONS = ("kotter_urgency", *STARTER_PULSE)
DEMO_CAMPAIGNS = 6
# Share of each team that has answered the open campaign so far.
DEMO_OPEN_SHARE = 0.5
DEMO_SEED = 20_260_601
# Staff's view, for every team (recoded scores 1-5; recommend on 0-10).
DEMO_BASE = {
    "kotter_urgency": 2.6, "kotter_vision": 3.0, "kotter_communicate": 3.15,
    "kotter_empower": 2.0, "resistance_unknown": 3.1, "resistance_personal_touch": 2.7,
    "adkar_awareness": 4.0, "adkar_desire": 3.8, "adkar_knowledge": 3.5,
    "adkar_ability": 3.0, "adkar_reinforcement": 2.7, "recommend": 7.2,
}  # fmt: skip
DEMO_COMMENTS = {
    "Sales North": (
        "During renewal calls I look at the screen instead of the client.",
        "The old way I knew my clients; now I fill in fields.",
        "Logging every call takes the time I used to spend on a personal word.",
        "My best clients notice that I read from a screen now.",
        "The CRM was built for call centres, not for people who visit farms.",
        "Nobody asked us how a renewal conversation really goes.",
    ),
    "Claims Service": (
        "Problems with the claims screens are reported and nothing happens.",
        "Nobody tells us what happened to the issues we raised.",
        "The duplicate-claim bug costs me an hour a day.",
        "We were told to log problems in a form that nobody reads.",
    ),
    "Claims Service, later": (
        "The Tuesday CRM clinic fixed the duplicate-claim problem in a week.",
        "Good to see our fixes listed on the team board.",
        "Finally someone from IT sits with us and watches how we work.",
        "Still slow to attach photos to a claim, but it is on the list.",
    ),
    "everyone": (
        "I still do not really know why we had to change system.",
        "Seeing the whole customer history in one place helps.",
        "The training was too short for the real cases.",
        "Managers rarely mention the CRM change in our team meetings.",
        "Too many fields are compulsory for a simple change of address.",
        "Search is much faster than in the old system.",
        "I would like a short guide for the ten things we do most.",
        "It is unclear who decides what gets fixed first.",
        "The reports for my manager take longer than before.",
        "Customers like getting the confirmation email straight away.",
    ),
}


def _demo_profile(team: str, campaign: int) -> dict[str, float]:
    """Target means of one team in one campaign (1-based)."""
    profile = dict(DEMO_BASE)
    if team == "Sales North":
        profile |= {
            "resistance_personal_touch": 4.3, "resistance_unknown": 3.6,
            "adkar_desire": 2.8, "kotter_empower": 1.9,
            "recommend": 7.6 - 0.8 * (campaign - 1),
        }  # fmt: skip
    elif team == "Claims Service":
        after = max(0, campaign - 3)  # the clinic started after campaign 3
        profile |= {
            "kotter_empower": 1.7 + 0.6 * after, "resistance_unknown": 3.8 - 0.45 * after,
            "adkar_ability": 2.4 + 0.5 * after, "adkar_reinforcement": 2.3 + 0.45 * after,
            "recommend": 5.6 + 0.9 * after,
        }  # fmt: skip
    return profile


def _demo_answers(
    rng: random.Random, items: list[Item], profile: dict[str, float]
) -> dict[str, int]:
    """One respondent: a personal level per dimension, each statement near it."""
    answers: dict[str, int] = {}
    levels: dict[str, float] = {}
    for item in items:
        target = profile.get(item.dimension, 3.0)
        if item.scale == RECOMMEND10:
            answers[item.key] = max(0, min(10, round(rng.gauss(target, 2.0))))
            continue
        level = levels.setdefault(item.dimension, rng.gauss(target, 0.75))
        score = max(1, min(5, round(level + rng.gauss(0, 0.45))))
        answers[item.key] = 6 - score if item.reverse else score
    return answers


def _demo_comment(rng: random.Random, team: str, campaign: int, used: set[str]) -> str | None:
    """About one in five writes something; nobody repeats a comment within a campaign."""
    if rng.random() > 0.22:
        return None
    pool = DEMO_COMMENTS["everyone"]
    if team == "Claims Service":
        pool = DEMO_COMMENTS["Claims Service, later" if campaign > 3 else "Claims Service"]
    elif team == "Sales North" and rng.random() < 0.7:
        pool = DEMO_COMMENTS["Sales North"]
    fresh = [comment for comment in pool if comment not in used]
    if not fresh:
        return None
    comment = rng.choice(fresh)
    used.add(comment)
    return comment


def _demo_respondents(rng: random.Random, name: str, headcount: int) -> int:
    if name == "Sales Operations":
        return 3
    if name == "Customer Service":
        return headcount
    return round(headcount * rng.uniform(0.70, 0.85))


def _demo_surveys(
    initiative: Initiative, teams: dict[str, Team], users: dict[str, User], today: date
) -> None:
    survey = surveys.create_survey(
        initiative,
        "Fortnightly CRM pulse",
        "Two minutes, every other week: how the CRM change is going for you.",
        list(DEMO_SURVEY_DIMENSIONS),
        created_by=users["consultant@northwind.demo"],
    )
    survey.recurrence_days, survey.campaign_days = 14, 7
    version = surveys.latest_version(survey.id)
    items = [item for item in items_from_snapshot(version.items) if item.scale in SCALES]
    rng = random.Random(DEMO_SEED)  # noqa: S311 - demo data, the same on every run
    last_opens = today - timedelta(days=12)  # the last published one closed five days ago
    tree = publication.frozen_tree(initiative.organization_id, [t.id for t in teams.values()])
    campaigns: list[Campaign] = []
    # Six published campaigns, and a seventh open now that shows participation only.
    for number in range(1, DEMO_CAMPAIGNS + 2):
        opens_on = last_opens - timedelta(days=14 * (DEMO_CAMPAIGNS - number))
        if number > DEMO_CAMPAIGNS:
            opens_on = today - timedelta(days=2)
        campaign = Campaign(
            survey_id=survey.id,
            version_id=version.id,
            opens_at=surveys.day_start(opens_on),
            closes_at=surveys.day_start(opens_on + timedelta(days=7)),
            followed_up=number <= DEMO_CAMPAIGNS,  # the tick schedules the eighth
            team_tree=tree,
        )
        db.session.add(campaign)
        db.session.flush()
        db.session.execute(
            insert(CampaignTeam),
            [
                {"campaign_id": campaign.id, "team_id": team.id, "headcount": team.headcount}
                for team in teams.values()
            ],
        )
        responses = _demo_responses(rng, teams, items, number, opens_on)
        if number > DEMO_CAMPAIGNS:  # open for three days: about half have answered
            responses = [
                (team_id, min(day, today), answers, comment)
                for team_id, day, answers, comment in responses
                if rng.random() < DEMO_OPEN_SHARE
            ]
        _demo_record(campaign.id, responses, german_team_id=teams[DEMO_GERMAN_TEAM].id)
        campaigns.append(campaign)
    surveys.team_links(survey.id, [team.id for team in teams.values()])
    _demo_survey_actions(survey, campaigns, teams, users)
    db.session.flush()
    for campaign in campaigns[:DEMO_CAMPAIGNS]:
        publication.publish(campaign.id, surveys.day_start(today))


def _demo_responses(
    rng: random.Random, teams: dict[str, Team], items: list[Item], number: int, opens_on: date
) -> list[tuple[int, date, dict[str, int], str | None]]:
    """(team, day, answers, comment) of everyone answering campaign ``number``."""
    responses = []
    used: set[str] = set()
    for name, team in teams.items():
        profile = _demo_profile(name, number)
        for _ in range(_demo_respondents(rng, name, team.headcount)):
            day = opens_on + timedelta(days=rng.randint(0, 6))
            answers = _demo_answers(rng, items, profile)
            responses.append((team.id, day, answers, _demo_comment(rng, name, number, used)))
    return responses


def _demo_record(
    campaign_id: int,
    responses: list[tuple[int, date, dict[str, int], str | None]],
    german_team_id: int | None = None,
) -> None:
    """What ``record_response`` writes for each response, in four statements per campaign.

    The answer and response tallies are counted here from the very rows
    inserted, so they are exact as the hot path keeps them; about 130
    responses a campaign one by one would slow every ``make run`` and test
    that seeds the demo by seconds.
    """
    # Core tables, not the ORM's bulk path: a third of the time for 11,000 answers.
    responses_table = cast(Table, Response.__table__)
    ids = db.session.scalars(
        insert(responses_table).returning(responses_table.c.id, sort_by_parameter_order=True),
        [
            {
                "campaign_id": campaign_id,
                "team_id": team_id,
                "submitted_on": day,
                "comment": comment,
                "language": "de" if team_id == german_team_id else "en",
            }
            for team_id, day, _, comment in responses
        ],
    ).all()
    answer_rows = []
    values: Counter[tuple[int, str, int]] = Counter()
    people: Counter[int] = Counter()
    comments: Counter[int] = Counter()
    for response_id, (team_id, _, answers, comment) in zip(ids, responses, strict=True):
        people[team_id] += 1
        comments[team_id] += comment is not None
        for key, value in answers.items():
            answer_rows.append({"response_id": response_id, "item_key": key, "value": value})
            values[(team_id, key, value)] += 1
    db.session.execute(insert(cast(Table, Answer.__table__)), answer_rows)
    db.session.execute(
        insert(cast(Table, AnswerTally.__table__)),
        [
            {"campaign_id": campaign_id, "team_id": team, "item_key": key, "value": value, "n": n}
            for (team, key, value), n in values.items()
        ],
    )
    db.session.execute(
        insert(cast(Table, ResponseTally.__table__)),
        [
            {
                "campaign_id": campaign_id,
                "team_id": team,
                "responses": n,
                "comments": comments[team],
            }
            for team, n in people.items()
        ],
    )


def _demo_survey_actions(
    survey: Survey, campaigns: list[Campaign], teams: dict[str, Team], users: dict[str, User]
) -> None:
    priya = users["priya.raman@northwind.demo"]
    morgan = users["morgan.hale@northwind.demo"]
    entries = (
        # after campaign, team, dimension, you said, we did, author
        (3, "Claims Service", "kotter_empower",
         "Problems you report with the new claims screens are not fixed, and nobody tells "
         "you what happened to them.",
         "Since then a 30-minute CRM clinic runs in Claims every Tuesday with the product "
         "owner. Every issue raised goes on the team board with its status; 14 fixes have "
         "shipped so far.", priya),
        (5, None, "kotter_urgency",
         "Many of you do not see why we had to change how we work with customers.",
         "Morgan shared the churn figures behind the change at every team meeting this "
         "month: one in six customers who left last year said we were slow to answer.", morgan),
    )  # fmt: skip
    for after, team, dimension, you_said, we_did, author in entries:
        campaign = campaigns[after - 1]
        db.session.add(
            SurveyAction(
                survey_id=survey.id,
                team_id=teams[team].id if team else None,
                campaign_id=campaign.id,
                dimension_key=dimension,
                you_said=you_said,
                we_did=we_did,
                created_by_id=author.id,
                created_at=campaign.closes_at + timedelta(days=2, hours=9),
                done_on=(campaign.closes_at + timedelta(days=2)).date(),
            )
        )
