"""The demo closes the loop (#16): did the actions work, who leads which team, the digest
and the reminders.

Two completed step actions against the teams they did not touch:

- **Floor-walkers** on the Policy Service and Contact Centre floors (step 5, empower),
  done five weeks ago. Both teams had stopped short of their peers (adoption about 14
  points below where the others levelled off: agents kept the old screens open beside
  the new ones); in the week the floor-walkers arrived they caught up. Against the
  other teams, their adoption rose about 15 points more (95% interval about 4 to 27):
  "better". The open action "Floor-walker support for Sales North" follows from it.
- **A weekly CRM tip** in the Sales South huddle (step 4, communicate), done seven weeks
  ago: Sales South went on along the shared curve, so the estimate says "no effect
  distinguishable from noise".

Why five weeks ago and two teams: the estimate compares each team's six weeks before
with its weeks after (``insights.effects``), and its interval comes from how much the
untouched teams' changes differ. Those changes are alike only once the shared S-curve
has flattened, except Sales North's, which flattened at go-live: the earlier the action,
the steeper the curve in its "before" weeks and the wider the interval. Five weeks is the
earliest that leaves the four weeks the estimate needs afterwards with an interval
narrow enough for a 14-point lift; two touched teams narrow it further.

Besides: Morgan Hale has opted in to the Monday digest and last week's is in the outbox;
the open pulse campaign has personal links, some used and several due a reminder at the
next ``surveys tick``; four teams name their leader.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update

from app.services.diagnosis import diagnose
from app.services.digest import digest_key, render
from app.services.digest.content import Links, build, known_effects
from app.services.surveys.links import insert_personal_links
from models import (
    Action,
    ActionTeam,
    Campaign,
    Initiative,
    Membership,
    PersonalLink,
    SentMail,
    Survey,
    Team,
    User,
    db,
)

MORGAN = "morgan.hale@northwind.demo"
PRIYA = "priya.raman@northwind.demo"
CONSULTANT = "consultant@northwind.demo"

# The floor-walkers: the teams they touched, the lift in points and when.
LIFTED_TEAMS = ("Policy Service", "Contact Centre")
ADOPTION_LIFT = 14.0
WORKED_DAYS_AGO = 35
# step, title, owner, teams touched, done (days ago)
LOOP_ACTIONS = (
    ("empower", "Floor-walkers on the Policy Service and Contact Centre floors",
     PRIYA, LIFTED_TEAMS, WORKED_DAYS_AGO),
    ("communicate", "A weekly CRM tip in the Sales South Monday huddle",
     MORGAN, ("Sales South",), 49),
)  # fmt: skip
# Who leads which team (the consultant leads none).
LEADERS = {
    "Sales": MORGAN,
    "Sales North": MORGAN,
    "Customer Service": PRIYA,
    "Claims Service": PRIYA,
}
# Personal links in the open campaign: (team, people, how many have answered).
LINK_PEOPLE = {
    "Claims Service": (("amara", "osei"), ("ben", "fischer"), ("chloe", "martin"),
                       ("dev", "patel"), ("elena", "rossi"), ("finn", "walsh")),
    "Contact Centre": (("grace", "kim"), ("hugo", "lefevre"), ("isla", "murray"),
                       ("jonas", "berg"), ("kavya", "nair"), ("liam", "byrne")),
}  # fmt: skip
LINKS_USED = 3  # per team: the first three answered; the other three are due a reminder
REMINDER_AFTER_DAYS = 2  # the open campaign opened two days ago: the first reminder is due
REMINDER_LIMIT = 2


def adoption_rate(team: str, value: float, ceiling: float, period: date, today: date) -> float:
    """``team``'s adoption rate in the week of ``period``, with the floor-walkers' part.

    The lifted teams follow the shared curve towards a ceiling ``ADOPTION_LIFT`` lower
    until the floor-walkers came, half-way in that week, and their own ceiling after.
    """
    if team not in LIFTED_TEAMS:
        return value
    done_week = _monday(today - timedelta(days=WORKED_DAYS_AGO))
    missing = 0.0 if period > done_week else 0.5 if period == done_week else 1.0
    return round(max(0.0, value * (1 - missing * ADOPTION_LIFT / ceiling)), 1)


def close_the_loop(
    initiative: Initiative, teams: dict[str, Team], users: dict[str, User], today: date
) -> None:
    """The demo's part of #16; see the module docstring. Runs after stages, surveys and
    metrics, inside the demo's one transaction."""
    _loop_actions(initiative, teams, users, today)
    for name, email in LEADERS.items():
        teams[name].leader_id = users[email].id
    db.session.execute(
        update(Membership)
        .where(
            Membership.user_id == users[MORGAN].id,
            Membership.organization_id == initiative.organization_id,
        )
        .values(weekly_digest=True)
    )
    _personal_links(initiative, teams, today)
    db.session.flush()
    _last_weeks_digest(initiative, users[MORGAN], today)


def _loop_actions(
    initiative: Initiative, teams: dict[str, Team], users: dict[str, User], today: date
) -> None:
    for step, title, email, touched, days_ago in LOOP_ACTIONS:
        done = today - timedelta(days=days_ago)
        db.session.add(
            Action(
                initiative_id=initiative.id,
                stage_key=step,
                title=title,
                owner_id=users[email].id,
                due_date=done,
                status="done",
                done_at=datetime.combine(done, time(16), tzinfo=UTC),
                created_by_id=users[CONSULTANT].id,
                teams=[ActionTeam(team_id=teams[name].id) for name in touched],
            )
        )


def _personal_links(initiative: Initiative, teams: dict[str, Team], today: date) -> None:
    """Links for twelve people in the open campaign: half answered, half due a reminder.

    Used links get only their day: answers never point back to a link (the responses
    of the open campaign are already there, from the team links' simulation).
    """
    survey = db.session.scalars(select(Survey).where(Survey.initiative_id == initiative.id)).one()
    survey.reminder_after_days, survey.reminder_limit = REMINDER_AFTER_DAYS, REMINDER_LIMIT
    campaign = db.session.scalars(
        select(Campaign).where(Campaign.survey_id == survey.id).order_by(Campaign.opens_at.desc())
    ).first()
    assert campaign is not None and campaign.opens_at.date() < today < campaign.closes_at.date()
    people = [
        (_email(*name), teams[team].id) for team, names in LINK_PEOPLE.items() for name in names
    ]
    insert_personal_links(campaign.id, people)
    # Handed out when the campaign opened (a link is reminded only once it is that old).
    db.session.execute(
        update(PersonalLink)
        .where(PersonalLink.campaign_id == campaign.id)
        .values(created_at=campaign.opens_at)
    )
    used = [_email(*name) for names in LINK_PEOPLE.values() for name in names[:LINKS_USED]]
    db.session.execute(
        update(PersonalLink)
        .where(PersonalLink.campaign_id == campaign.id, PersonalLink.email.in_(used))
        .values(used_on=min(today, campaign.opens_at.date() + timedelta(days=1)))
    )


def _last_weeks_digest(initiative: Initiative, morgan: User, today: date) -> None:
    """Last Monday's digest to Morgan, as the outbox keeps it when no SMTP server is set.

    Built and rendered by the digest's own code for last week's day; stored directly
    rather than through ``app.mail.Postbox``, which commits (the demo is one
    transaction) and would send it if an SMTP server were set.
    """
    day = _monday(today) - timedelta(weeks=1)
    digest = build(
        initiative,
        diagnose(initiative, day, every_team_series=False),
        known_effects(initiative, day),
        Links(),
    )
    text, html = render(digest)
    db.session.add(
        SentMail(
            key=digest_key(morgan.id, initiative.id, day),
            kind="digest",
            recipient=morgan.email,
            subject=digest.subject,
            via="outbox",
            organization_id=initiative.organization_id,
            created_at=datetime.combine(day, time(7), tzinfo=UTC),
            body_text=text,
            body_html=html,
        )
    )


def _email(first: str, last: str) -> str:
    return f"{first}.{last}@northwind.demo"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
