"""Campaigns: scheduling one for some teams, closing it early, cancelling it, its teams.

A survey runs one campaign at a time, so a team link always opens at most
one campaign. Each of these is a whole action and commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.services import audit
from app.services.errors import ServiceError
from app.services.organizations import teams_of
from app.services.results.participation import progress_of_teams
from app.services.results.publication import frozen_tree
from app.services.surveys.instruments import latest_version
from app.services.surveys.links import team_links
from app.services.surveys.timing import Status, day_start, last_day_of, status_of
from app.services.transaction import commit
from app.templating import format_date
from models import (
    Campaign,
    CampaignTeam,
    Initiative,
    PersonalLink,
    Survey,
    Team,
    TeamLink,
    User,
    db,
)

# A campaign is a pulse, not a census: a quarter at the very most.
MAX_CAMPAIGN_DAYS = 92


MAX_REPEAT_DAYS = 366


@dataclass(frozen=True)
class Schedule:
    """A campaign as the consultant asks for it: whole days, teams, optional repetition."""

    opens_on: date
    last_day: date
    team_ids: Sequence[int]
    repeat_days: int | None = None

    @property
    def days(self) -> int:
        return (self.last_day - self.opens_on).days + 1

    @property
    def opens_at(self) -> datetime:
        return day_start(self.opens_on)

    @property
    def closes_at(self) -> datetime:
        return day_start(self.last_day + timedelta(days=1))


def get_campaign(campaign_id: int) -> Campaign | None:
    return db.session.get(Campaign, campaign_id)


def schedule_campaign(survey: Survey, schedule: Schedule, now: datetime) -> Campaign:
    """A campaign of the survey's latest version for some teams of its organisation.

    Each team's headcount is copied now, so response rates stay those of the
    day. Repetition is a property of the survey: the schedule's ``repeat_days``
    (None for a one-off) replaces what was set before. Every team gets its
    link now (pages only read them). Committed.
    """
    problems = _schedule_problems(survey, schedule, now)
    initiative = db.session.get_one(Initiative, survey.initiative_id)
    wanted = set(schedule.team_ids)
    teams = [team for team in teams_of(initiative.organization_id) if team.id in wanted]
    if len(teams) != len(wanted) and "team_ids" not in problems:
        problems["team_ids"] = _("Choose teams of this organisation.")
    if problems:
        raise ServiceError(problems)
    campaign = Campaign(
        survey_id=survey.id,
        version_id=latest_version(survey.id).id,
        opens_at=schedule.opens_at,
        closes_at=schedule.closes_at,
        followed_up=False,
        team_tree=frozen_tree(initiative.organization_id, [team.id for team in teams]),
    )
    db.session.add(campaign)
    db.session.flush()
    db.session.add_all(
        CampaignTeam(campaign_id=campaign.id, team_id=team.id, headcount=team.headcount)
        for team in teams
    )
    survey.recurrence_days = schedule.repeat_days
    survey.campaign_days = schedule.days
    db.session.flush()
    team_links(survey.id, [team.id for team in teams])
    commit()
    return campaign


def stop_repeating(survey: Survey) -> None:
    """No more follow-up campaigns; those that exist stay. Committed."""
    survey.recurrence_days = None
    commit()


def close_campaign(campaign: Campaign, now: datetime, *, actor: User | None = None) -> None:
    """Close an open campaign now; its results are published by the next tick after the grace.

    A closed campaign never reopens: its results, once published, are final. Committed.
    """
    if status_of(campaign.opens_at, campaign.closes_at, now) is not Status.OPEN:
        raise ServiceError(_("Only an open campaign can be closed early."), "campaign")
    campaign.closes_at = now
    _audit("campaign.closed", "Closed", campaign, actor)
    commit()


def cancel_campaign(campaign: Campaign, now: datetime, *, actor: User | None = None) -> None:
    """Delete a campaign that has not opened; repetition stops (schedule again to restart).

    Committed.
    """
    if status_of(campaign.opens_at, campaign.closes_at, now) is not Status.SCHEDULED:
        raise ServiceError(_("Only a campaign that has not opened can be cancelled."), "campaign")
    survey = db.session.get_one(Survey, campaign.survey_id)
    survey.recurrence_days = None
    _audit("campaign.cancelled", "Cancelled", campaign, actor)
    db.session.delete(campaign)
    commit()


def _audit(action: str, verb: str, campaign: Campaign, actor: User | None) -> None:
    survey = db.session.get_one(Survey, campaign.survey_id)
    audit.record(
        action,
        f"{verb} campaign #{campaign.id} (opening {campaign.opens_at:%Y-%m-%d}) "
        f"of survey {survey.title!r}",
        actor=actor,
        organization=audit.organization_of(survey.initiative_id),
        details={"campaign_id": campaign.id, "survey_id": survey.id},
    )


@dataclass(frozen=True)
class CampaignTeamRow:
    team_id: int
    name: str
    headcount: int
    progress: str  # a band while unpublished, then the published group (never a hidden count)
    code: str
    personal_links: int


def campaign_teams(campaign: Campaign) -> list[CampaignTeamRow]:
    """The campaign's teams with their link and participation (never scores, never a hidden count).

    Reads only: links are made when a campaign is scheduled or created by the
    tick. A team without one (made some other way) is left out of the list.
    """
    teams = db.session.execute(
        select(Team.id, Team.name, CampaignTeam.headcount)
        .join(CampaignTeam, CampaignTeam.team_id == Team.id)
        .where(CampaignTeam.campaign_id == campaign.id)
        .order_by(Team.name)
    ).all()
    links = dict(
        db.session.execute(
            select(TeamLink.team_id, TeamLink.code).where(
                TeamLink.survey_id == campaign.survey_id,
                TeamLink.team_id.in_([team[0] for team in teams]),
            )
        ).all()
    )
    progress = progress_of_teams(campaign)
    personal = dict(
        db.session.execute(
            select(PersonalLink.team_id, func.count())
            .where(PersonalLink.campaign_id == campaign.id)
            .group_by(PersonalLink.team_id)
        ).all()
    )
    return [
        CampaignTeamRow(
            team_id=team_id,
            name=name,
            headcount=headcount,
            progress=progress.get(team_id, ""),
            code=links[team_id],
            personal_links=personal.get(team_id, 0),
        )
        for team_id, name, headcount in teams
        if team_id in links
    ]


def _day(value: date) -> str:
    return format_date(value)


def _overlapping(survey_id: int, opens_at: datetime, closes_at: datetime) -> Campaign | None:
    return db.session.scalars(
        select(Campaign)
        .where(
            Campaign.survey_id == survey_id,
            Campaign.opens_at < closes_at,
            Campaign.closes_at > opens_at,
        )
        .limit(1)
    ).first()


def _schedule_problems(survey: Survey, schedule: Schedule, now: datetime) -> dict[str, str]:
    problems: dict[str, str] = {}
    if schedule.last_day < schedule.opens_on:
        problems["last_day"] = _("The last day is before the first day.")
    elif schedule.closes_at <= now:
        problems["last_day"] = _(
            "That campaign would already be over; choose a last day from today."
        )
    elif schedule.days > MAX_CAMPAIGN_DAYS:
        problems["last_day"] = _(
            "A campaign stays open at most %(count)s days.", count=MAX_CAMPAIGN_DAYS
        )
    elif (other := _overlapping(survey.id, schedule.opens_at, schedule.closes_at)) is not None:
        problems["opens_on"] = _(
            "This overlaps the campaign of %(first)s to %(last)s; a survey runs one campaign"
            " at a time.",
            first=_day(other.opens_at.date()),
            last=_day(last_day_of(other.closes_at)),
        )
    if not schedule.team_ids:
        problems["team_ids"] = _("Choose at least one team.")
    repeat = schedule.repeat_days
    if repeat is not None and "last_day" not in problems:
        if repeat < schedule.days:
            problems["repeat_days"] = _(
                "Repeat every %(days)s days or more: a campaign lasts %(days)s days and the"
                " next one must not start before it closes.",
                days=schedule.days,
            )
        elif repeat > MAX_REPEAT_DAYS:
            problems["repeat_days"] = _(
                "Repeat at most every %(count)s days.", count=MAX_REPEAT_DAYS
            )
    return problems
