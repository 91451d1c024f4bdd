"""The demo closes the loop (#16): an action that worked, one that did not, the digest,
reminders due and team leaders (app/demo_loop.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import Flask
from sqlalchemy import select

from app.demo import DEMO_ORGANIZATION, seed_demo
from app.demo_loop import LEADERS, LIFTED_TEAMS, LOOP_ACTIONS, MORGAN
from app.services import reminders
from app.services.digest import digest_key, send_digests
from app.services.effects import effect_of_action, effects_for_initiative
from models import (
    Action,
    Initiative,
    Membership,
    Metric,
    Observation,
    Organization,
    PersonalLink,
    SentMail,
    Team,
    User,
    db,
)

TODAY = date(2026, 11, 25)  # a Wednesday
WORKED, DID_NOT = (title for _, title, *_ in LOOP_ACTIONS)


def _demo() -> Initiative:
    seed_demo(today=TODAY)
    db.session.commit()
    return db.session.scalars(
        select(Initiative).join(Organization).where(Organization.name == DEMO_ORGANIZATION)
    ).one()


def _adoption(title: str) -> tuple[str, float | None, str]:
    action = db.session.scalars(select(Action).where(Action.title == title)).one()
    found = effect_of_action(action, TODAY)
    assert found is not None
    (line,) = [line for line in found.lines if line.kind == "metric"]
    return line.effect.state, line.effect.low, line.words


def test_the_floor_walkers_worked_and_the_weekly_tip_did_not(app: Flask) -> None:
    initiative = _demo()

    state, low, words = _adoption(WORKED)
    assert state == "better" and low is not None and low > 0
    assert words.startswith("Adoption rate rose") and "2 teams against 4" in words
    state, _, words = _adoption(DID_NOT)
    assert state == "noise"
    assert words.startswith("No effect distinguishable from noise")

    # Both are among the done actions whose effect is known, the worked one newest.
    known = [e.title for e in effects_for_initiative(initiative, TODAY) if e.known]
    assert known.index(WORKED) < known.index(DID_NOT)


def test_only_the_floor_walkers_teams_rose_after_they_came(app: Flask) -> None:
    """The data behind the estimate: the touched teams end where their peers levelled off."""
    initiative = _demo()
    action = db.session.scalars(select(Action).where(Action.title == WORKED)).one()
    assert action.done_at is not None
    touched = {row.team_id for row in action.teams}
    names = set(db.session.scalars(select(Team.name).where(Team.id.in_(touched))))
    assert names == set(LIFTED_TEAMS)
    series = _adoption_by_team(initiative)
    done_week = action.done_at.date() - timedelta(days=action.done_at.weekday())

    first = done_week - timedelta(weeks=6)

    def change(name: str) -> float:
        before = [v for p, v in series[name].items() if first <= p < done_week]
        after = [v for p, v in series[name].items() if p > done_week]
        return sum(after) / len(after) - sum(before) / len(before)

    lifted = [change(name) for name in LIFTED_TEAMS]
    others = [change(name) for name in ("Sales South", "Claims Service")]
    assert min(lifted) > max(others) + 8


def _adoption_by_team(initiative: Initiative) -> dict[str, dict[date, float]]:
    rows = db.session.execute(
        select(Team.name, Observation.period, Observation.value)
        .join(Observation, Observation.team_id == Team.id)
        .join(Metric, Metric.id == Observation.metric_id)
        .where(Metric.initiative_id == initiative.id, Metric.key == "adoption_rate")
    )
    found: dict[str, dict[date, float]] = {}
    for name, period, value in rows:
        found.setdefault(name, {})[period] = value
    return found


def test_morgan_gets_the_digest_and_last_weeks_waits_in_the_outbox(app: Flask) -> None:
    initiative = _demo()
    opted_in = db.session.scalars(
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == initiative.organization_id)
        .where(Membership.weekly_digest.is_(True))
    ).all()
    assert opted_in == [MORGAN]

    (mail,) = db.session.scalars(select(SentMail)).all()
    morgan = db.session.scalars(select(User).where(User.email == MORGAN)).one()
    last_week = TODAY - timedelta(weeks=1)
    assert (mail.kind, mail.recipient, mail.via) == ("digest", MORGAN, "outbox")
    assert mail.key == digest_key(morgan.id, initiative.id, last_week)
    assert mail.subject.startswith("Stepwise — Customer 360 CRM rollout, week 47")
    assert mail.body_text is not None and "Stalled at step 5" in mail.body_text
    assert mail.body_html is not None and "<html" in mail.body_html

    # Last week's is not sent again; this week's goes out.
    assert send_digests(last_week).count("already sent") == 1
    report = send_digests(TODAY)
    assert report.count("sent") == 1
    assert db.session.scalar(select(SentMail.key).order_by(SentMail.id.desc()).limit(1)) == (
        digest_key(morgan.id, initiative.id, TODAY)
    )


def test_the_next_tick_reminds_only_the_people_whose_link_is_unused(app: Flask) -> None:
    _demo()
    links = db.session.scalars(select(PersonalLink)).all()
    unused = {link.email for link in links if link.used_on is None}
    assert len(links) == 12 and len(unused) == 6

    now = datetime.combine(TODAY, time(7), tzinfo=UTC)  # the tick's first run of the day
    events = reminders.send_due(now)
    assert len(events) == 1 and "Reminded 6 people" in events[0]
    sent = db.session.scalars(select(SentMail.recipient).where(SentMail.kind == "reminder"))
    assert set(sent) == unused
    assert reminders.send_due(now + timedelta(minutes=5)) == []  # once per step


def test_teams_name_their_leaders(app: Flask) -> None:
    initiative = _demo()
    led = db.session.execute(
        select(Team.name, User.email)
        .join(User, User.id == Team.leader_id)
        .where(Team.organization_id == initiative.organization_id)
    ).all()
    assert dict(led) == LEADERS
