"""Pulse surveys: a survey, a campaign at any moment, its links, answers and publication."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from app.services import surveys
from app.services.responses import record_response
from app.services.results import publication
from app.services.results.publication import PUBLISH_GRACE, frozen_tree
from app.services.surveys import CustomItem
from models import Campaign, CampaignTeam, Initiative, PersonalLink, Survey, Team, db
from models.base import utcnow
from survey.instruments import STARTER_PULSE

DAY = date(2026, 6, 3)


def make_survey(
    initiative: Initiative,
    dimension_keys: Sequence[str] = STARTER_PULSE,
    custom: Sequence[CustomItem] = (),
    title: str = "CRM pulse",
) -> Survey:
    survey = surveys.create_survey(initiative, title, "", list(dimension_keys), custom)
    db.session.commit()
    return survey


def make_campaign(
    survey: Survey,
    teams: Sequence[Team] | Mapping[Team, int],
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    recurrence_days: int | None = None,
) -> Campaign:
    """A campaign at any moment (also in the past), bypassing the scheduling rules.

    ``teams`` is the asked teams (each with its current headcount) or a mapping from
    team to the headcount the campaign remembers. By default it opened three days ago
    and runs a week, so it is open now.
    """
    headcounts = teams if isinstance(teams, Mapping) else {t: t.headcount for t in teams}
    opens_at = opens_at or utcnow() - timedelta(days=3)
    closes_at = closes_at or opens_at + timedelta(days=7)
    organization_id = db.session.get_one(Initiative, survey.initiative_id).organization_id
    campaign = Campaign(
        survey_id=survey.id,
        version_id=surveys.latest_version(survey.id).id,
        opens_at=opens_at,
        closes_at=closes_at,
        team_tree=frozen_tree(organization_id, [team.id for team in headcounts]),
    )
    db.session.add(campaign)
    db.session.flush()
    for team, headcount in headcounts.items():
        db.session.add(CampaignTeam(campaign_id=campaign.id, team_id=team.id, headcount=headcount))
    surveys.team_links(survey.id, [team.id for team in headcounts])  # as scheduling does
    survey.recurrence_days = recurrence_days
    survey.campaign_days = (closes_at - opens_at).days or 1
    db.session.commit()
    return campaign


def team_code(survey: Survey, team: Team) -> str:
    code = surveys.team_links(survey.id, [team.id])[team.id].code
    db.session.commit()
    return code


def make_personal_link(campaign: Campaign, team: Team, email: str = "ana@acme.example") -> str:
    link = PersonalLink(
        campaign_id=campaign.id, team_id=team.id, email=email, code=surveys.new_code(12)
    )
    db.session.add(link)
    db.session.commit()
    return link.code


def answer(
    campaign: Campaign,
    team: Team,
    rows: Iterable[Mapping[str, int]],
    comments: Sequence[str | None] = (),
    day: date = DAY,
) -> None:
    """One response per row, through the hot path, then commit."""
    for index, row in enumerate(rows):
        comment = comments[index] if index < len(comments) else None
        record_response(campaign.id, team.id, dict(row), comment, day)
    db.session.commit()


def publish(campaign: Campaign) -> None:
    """Close the campaign (if it is still open) and publish its results, as the tick would."""
    now = utcnow()
    if campaign.closes_at > now:
        campaign.closes_at = now - PUBLISH_GRACE
        db.session.commit()
    publication.publish(campaign.id, max(now, campaign.closes_at + PUBLISH_GRACE))
    db.session.commit()
