"""Fill a database with a large organisation, for the server-time benchmark.

``--size large``: 20,000 staff in 200 teams (20 parent teams of 9 child teams
each), one initiative, one fortnightly pulse survey with the starter
dimensions, 26 campaigns at about 60 % response (about 310,000 responses, 3
million answers), 26 weeks of adoption observations per team and for the
whole initiative, a leaders' assessment round and step statuses.
``--size small``: a tenth of that (2,000 staff in 20 teams, ~31,000 responses).

Responses, answers and their exact tallies are written with SQLAlchemy Core in
a few statements per campaign (``app.demo._demo_record``, the demo's own
writer, which keeps ``AnswerTally``/``ResponseTally`` equal to the answers);
every campaign carries its frozen team tree and all but the newest are
published with ``app.services.results.publication.publish``. A fixed seed.

    DATABASE_URL=sqlite:////tmp/bench.db .venv/bin/python bench/generate.py --size small
    .venv/bin/python bench/generate.py --size large --database-url postgresql://...

It refuses a database that already holds the bench organisation.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.demo import DEMO_BASE, _bass, _demo_answers, _demo_record  # noqa: E402
from app.services import (  # noqa: E402
    accounts,
    metrics,
    organizations,
    outlooks,
    stages,
    surveys,
)
from app.services.results import publication  # noqa: E402
from app.services.stages import RatingInput  # noqa: E402
from config import settings_from_env  # noqa: E402
from insights.kotter import STEP_KEYS  # noqa: E402
from models import (  # noqa: E402
    Answer,
    Campaign,
    CampaignTeam,
    Initiative,
    Observation,
    Response,
    Role,
    Team,
    User,
    db,
)
from survey.instruments import SCALES, STARTER_PULSE, items_from_snapshot  # noqa: E402

SEED = 20_261_128
ORGANIZATION = "Bench Holdings"
EXECUTIVE = ("bench.executive@bench.example", "Bench Executive", "bench-executive-1")
CONSULTANT = ("bench.consultant@bench.example", "Bench Consultant", "bench-consultant-1")
CAMPAIGNS = 26
WEEKS = 26
RESPONSE_RATE = (0.50, 0.70)  # per team and campaign: about 60 % overall
# size: (parent teams, child teams per parent, staff)
SIZES = {"large": (20, 9, 20_000), "small": (2, 9, 2_000)}
PARENT_HEADCOUNT = (4, 12)  # the parent teams' own managers
STEP_STATUSES = ("done",) * 3 + ("in_progress",) * 3 + ("not_started",) * 2


def _settings(database_url: str | None) -> dict[str, object]:
    env = dict(os.environ)
    if database_url:
        env["DATABASE_URL"] = database_url
    env.setdefault("SECRET_KEY", "bench")
    return settings_from_env(ROOT / "instance", env)


def _teams(rng: random.Random, organization_id: int, size: str) -> list[Team]:
    parents, children, staff = SIZES[size]
    own = [rng.randint(*PARENT_HEADCOUNT) for _ in range(parents)]
    rest = staff - sum(own)
    weights = [rng.uniform(0.5, 1.5) for _ in range(parents * children)]
    sizes = [max(3, int(rest * w / sum(weights))) for w in weights]
    sizes[-1] += rest - sum(sizes)  # headcounts sum to exactly ``staff``
    teams: list[Team] = []
    for p in range(parents):
        parent = Team(organization_id=organization_id, name=f"Division {p + 1:02d}",
                      headcount=own[p])  # fmt: skip
        db.session.add(parent)
        teams.append(parent)
        for c in range(children):
            teams.append(
                Team(
                    organization_id=organization_id,
                    name=f"Division {p + 1:02d} / Team {c + 1}",
                    headcount=sizes[p * children + c],
                    parent=parent,
                )
            )
            db.session.add(teams[-1])
    db.session.flush()
    return teams


def _stages(initiative: Initiative, executive: User, consultant: User, today: date) -> None:
    by_key = {stage.key: stage for stage in stages.ensure_stages(initiative)}
    for key, status in zip(STEP_KEYS, STEP_STATUSES, strict=True):
        by_key[key].status = status
        by_key[key].owner_id = executive.id
    assessment = stages.create_round(
        initiative, "Leadership review", today - timedelta(days=9), consultant
    )
    for index, leader in enumerate((executive, consultant)):
        stages.save_ratings(
            assessment,
            f"user:{leader.id}",
            leader.name,
            {key: RatingInput(max(1, 5 - n // 2 - index)) for n, key in enumerate(STEP_KEYS)},
        )
    stages.close_round(assessment)


def _profile(rng: random.Random) -> dict[str, float]:
    """A team's own tilt around the staff's usual view."""
    return {key: value + rng.uniform(-0.5, 0.5) for key, value in DEMO_BASE.items()}


COMMENTS = (
    "The training was too short for the real cases.",
    "Seeing the whole customer history in one place helps.",
    "Too many fields are compulsory for a simple change of address.",
    "Search is much faster than in the old system.",
    "It is unclear who decides what gets fixed first.",
)


def _campaigns(
    initiative: Initiative, teams: list[Team], consultant: User, today: date, rng: random.Random
) -> tuple[int, int, int, int]:
    survey = surveys.create_survey(
        initiative,
        "Fortnightly CRM pulse",
        "Two minutes, every other week: how the CRM change is going for you.",
        list(STARTER_PULSE),
        created_by=consultant,
    )
    survey.recurrence_days, survey.campaign_days = 14, 7
    version = surveys.latest_version(survey.id)
    items = [item for item in items_from_snapshot(version.items) if item.scale in SCALES]
    tree = publication.frozen_tree(initiative.organization_id, [t.id for t in teams])
    profiles = {team.id: _profile(rng) for team in teams}
    newest_opens = today - timedelta(days=2)
    campaign_ids: list[int] = []
    for number in range(CAMPAIGNS):
        opens_on = newest_opens - timedelta(days=14 * (CAMPAIGNS - 1 - number))
        campaign = Campaign(
            survey_id=survey.id,
            version_id=version.id,
            opens_at=surveys.day_start(opens_on),
            closes_at=surveys.day_start(opens_on + timedelta(days=7)),
            followed_up=number < CAMPAIGNS - 1,
            team_tree=tree,
        )
        db.session.add(campaign)
        db.session.flush()
        db.session.execute(
            insert(CampaignTeam),
            [{"campaign_id": campaign.id, "team_id": t.id, "headcount": t.headcount}
             for t in teams],
        )  # fmt: skip
        last_day = min(6, (today - opens_on).days)
        responses = []
        for team in teams:
            for _ in range(round(team.headcount * rng.uniform(*RESPONSE_RATE))):
                day = opens_on + timedelta(days=rng.randint(0, last_day))
                comment = rng.choice(COMMENTS) if rng.random() < 0.1 else None
                responses.append((team.id, day, _demo_answers(rng, items, profiles[team.id]),
                                  comment))  # fmt: skip
        _demo_record(campaign.id, responses)
        db.session.commit()
        campaign_ids.append(campaign.id)
        print(f"  campaign {number + 1:2d}/{CAMPAIGNS}: {len(responses):,} responses", flush=True)
    links = surveys.team_links(survey.id, [team.id for team in teams])
    db.session.commit()
    now = surveys.day_start(today)
    for campaign_id in campaign_ids[:-1]:
        publication.publish(campaign_id, now)
        db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(Response))
    answers = db.session.scalar(select(func.count()).select_from(Answer))
    return survey.id, count or 0, answers or 0, len(links)


def _observations(
    initiative: Initiative, teams: list[Team], today: date, rng: random.Random
) -> int:
    catalogue = {metric.key: metric for metric in metrics.ensure_catalogue(initiative)}
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=WEEKS)
    go_live = initiative.go_live_date or initiative.start_date
    ceilings = {team.id: rng.uniform(35, 90) for team in teams}
    rows: list[dict[str, object]] = []
    for week in range(WEEKS):
        period = first + timedelta(weeks=week)
        share = _bass((period - go_live).days // 7)
        whole: dict[str, list[float]] = {}
        for team in teams:
            values = {
                "adoption_rate": round(max(2.0, ceilings[team.id] * share + rng.gauss(0, 1.2)), 1),
                "logins_per_active_user": round(2.4 + 2.6 * share + rng.gauss(0, 0.15), 1),
                "records_per_active_user": round(5 + 17 * share + rng.gauss(0, 0.8), 1),
                "data_completeness": round(72 + 18 * share + rng.gauss(0, 1.0), 1),
            }
            for key, value in values.items():
                if key in catalogue:
                    rows.append({"metric_id": catalogue[key].id, "team_id": team.id,
                                 "period": period, "value": value})  # fmt: skip
                    whole.setdefault(key, []).append(value)
        rows += [
            {"metric_id": catalogue[key].id, "team_id": None, "period": period,
             "value": round(sum(v) / len(v), 1)}
            for key, v in whole.items()
        ]  # fmt: skip
    db.session.execute(insert(Observation), rows)
    outlooks.refresh(initiative.id)  # as an import does
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--database-url", help="default: the DATABASE_URL environment variable")
    args = parser.parse_args()
    started = time.perf_counter()
    app = create_app(_settings(args.database_url))
    with app.app_context():
        upgrade()
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
        if organizations.organization_by_name(ORGANIZATION) is not None:
            sys.exit(f"{ORGANIZATION} is already in this database: use an empty one")
        rng = random.Random(SEED)  # noqa: S311 - bench data, the same on every run
        today = date.today()
        organization = organizations.create_organization(ORGANIZATION)
        people = {}
        for role, (email, name, password) in (("executive", EXECUTIVE),
                                              ("consultant", CONSULTANT)):  # fmt: skip
            user = accounts.user_by_email(email) or accounts.create_user(email, name, password)
            accounts.add_member(user, organization, Role(role))
            people[role] = user
        start = today - timedelta(weeks=56)
        initiative = Initiative(
            organization=organization,
            name="CRM rollout at scale",
            crm_product="Salesforce",
            start_date=start,
            go_live_date=start + timedelta(weeks=10),
            licensed_seats=SIZES[args.size][2],
        )
        db.session.add(initiative)
        teams = _teams(rng, organization.id, args.size)
        _stages(initiative, people["executive"], people["consultant"], today)
        observations = _observations(initiative, teams, today, rng)
        db.session.commit()
        print(f"organisation: {len(teams)} teams, {sum(t.headcount for t in teams):,} staff")
        survey_id, responses, answers, links = _campaigns(
            initiative, teams, people["consultant"], today, rng
        )
        initiative_id = initiative.id
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"initiative:   {initiative_id}  survey: {survey_id}  ({CAMPAIGNS} campaigns, "
          f"{CAMPAIGNS - 1} published, the newest open; {links} team links)")  # fmt: skip
    print(f"responses:    {responses:,}  answers: {answers:,}")
    print(f"observations: {observations:,} ({WEEKS} weeks, per team and whole)")
    print(f"executive:    {EXECUTIVE[0]} / {EXECUTIVE[2]}")
    print(f"time:         {elapsed:.1f} s   peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
