"""The list of an initiative's surveys, each with its campaigns and their progress."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select

from app.services.results.participation import progress_of_campaigns
from app.services.surveys.instruments import scored_items
from app.services.surveys.timing import Status, last_day_of, minutes_for, status_of
from models import Campaign, CampaignTeam, Survey, SurveyVersion, db


@dataclass(frozen=True)
class CampaignRow:
    id: int
    opens_at: datetime
    closes_at: datetime
    status: Status
    version_number: int
    teams: int
    headcount: int
    progress: str  # participation while unpublished, then the published whole
    published: bool = False

    @property
    def last_day(self) -> date:
        return last_day_of(self.closes_at)


@dataclass(frozen=True)
class SurveyRow:
    survey: Survey
    version: SurveyVersion
    statements: int
    campaigns: list[CampaignRow]

    @property
    def minutes(self) -> int:
        return minutes_for(self.statements)


def surveys_of(initiative_id: int, now: datetime) -> list[SurveyRow]:
    """Every survey of an initiative with its campaigns, newest first, in five queries."""
    surveys = list(
        db.session.scalars(
            select(Survey)
            .where(Survey.initiative_id == initiative_id)
            .order_by(Survey.created_at.desc(), Survey.id.desc())
        )
    )
    ids = [survey.id for survey in surveys]
    latest = _latest_versions(ids)
    campaigns = db.session.execute(
        select(Campaign, SurveyVersion.number)
        .join(SurveyVersion, SurveyVersion.id == Campaign.version_id)
        .where(Campaign.survey_id.in_(ids))
        .order_by(Campaign.opens_at.desc(), Campaign.id.desc())
    ).all()
    campaign_ids = [campaign.id for campaign, _ in campaigns]
    teams = {
        campaign_id: (count, headcount or 0)
        for campaign_id, count, headcount in db.session.execute(
            select(CampaignTeam.campaign_id, func.count(), func.sum(CampaignTeam.headcount))
            .where(CampaignTeam.campaign_id.in_(campaign_ids))
            .group_by(CampaignTeam.campaign_id)
        )
    }
    progress = progress_of_campaigns([campaign for campaign, _ in campaigns])
    rows: dict[int, list[CampaignRow]] = {survey_id: [] for survey_id in ids}
    for campaign, number in campaigns:
        count, headcount = teams.get(campaign.id, (0, 0))
        rows[campaign.survey_id].append(
            CampaignRow(
                id=campaign.id,
                opens_at=campaign.opens_at,
                closes_at=campaign.closes_at,
                status=status_of(campaign.opens_at, campaign.closes_at, now),
                version_number=number,
                teams=count,
                headcount=headcount,
                progress=progress[campaign.id],
                published=campaign.published_at is not None,
            )
        )
    return [
        SurveyRow(
            survey=survey,
            version=latest[survey.id],
            statements=len(scored_items(latest[survey.id])),
            campaigns=rows[survey.id],
        )
        for survey in surveys
    ]


def _latest_versions(survey_ids: Sequence[int]) -> dict[int, SurveyVersion]:
    newest = (
        select(SurveyVersion.survey_id, func.max(SurveyVersion.number).label("number"))
        .where(SurveyVersion.survey_id.in_(survey_ids))
        .group_by(SurveyVersion.survey_id)
        .subquery()
    )
    return {
        version.survey_id: version
        for version in db.session.scalars(
            select(SurveyVersion).join(
                newest,
                and_(
                    SurveyVersion.survey_id == newest.c.survey_id,
                    SurveyVersion.number == newest.c.number,
                ),
            )
        )
    }
