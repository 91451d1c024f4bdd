"""Builders for pulse-survey tests: a survey, a campaign, its links."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from app.services import surveys
from app.services.publication import frozen_tree
from app.services.surveys import CustomItem
from models import Campaign, CampaignTeam, Initiative, PersonalLink, Survey, Team, db
from models.base import utcnow
from survey.instruments import STARTER_PULSE


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
    teams: Sequence[Team],
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    recurrence_days: int | None = None,
) -> Campaign:
    """A campaign at any moment (also in the past), bypassing the scheduling rules."""
    opens_at = opens_at or utcnow() - timedelta(days=1)
    closes_at = closes_at or opens_at + timedelta(days=7)
    campaign = Campaign(
        survey_id=survey.id,
        version_id=surveys.latest_version(survey.id).id,
        opens_at=opens_at,
        closes_at=closes_at,
        team_tree=frozen_tree(
            db.session.get_one(Initiative, survey.initiative_id).organization_id,
            [team.id for team in teams],
        ),
    )
    db.session.add(campaign)
    db.session.flush()
    for team in teams:
        db.session.add(CampaignTeam(campaign_id=campaign.id, team_id=team.id, headcount=12))
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
