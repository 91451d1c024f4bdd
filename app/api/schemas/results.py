"""Pulse surveys and their published results.

Figures exist only for published (closed) campaigns and only for groups the
anonymity plan shows: a hidden group carries no count, no score and no eNPS.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from app.api.schemas.base import ApiModel, Timestamp
from app.services.results import CampaignInfo, GroupResult, GroupStatus, hidden_reason
from models import Survey
from survey.scoring import rounded


class CampaignSummary(ApiModel):
    id: int
    number: int = Field(description="1 for the survey's first")
    opens_at: Timestamp
    closes_at: Timestamp = Field(description="exclusive: 00:00 UTC after the last day")
    published: bool = Field(description="results exist only once a closed campaign is published")


class SurveySummary(ApiModel):
    id: int
    title: str
    campaigns: list[CampaignSummary] = Field(description="oldest first")

    @classmethod
    def of(cls, survey: Survey, campaigns: Sequence[CampaignInfo]) -> SurveySummary:
        return cls(
            id=survey.id,
            title=survey.title,
            campaigns=[
                CampaignSummary(
                    id=c.id, number=c.number, opens_at=c.opens_at, closes_at=c.closes_at,
                    published=c.published,
                )
                for c in campaigns
            ],
        )  # fmt: skip


class DimensionFigure(ApiModel):
    key: str = Field(description="a dimension key of the library")
    mean: float = Field(description="1-5 after reverse coding")
    favourable: float = Field(description="% in the top two options")


class ResultGroup(ApiModel):
    """One campaign's figures for the whole organisation (team_id null) or one team, its
    sub-teams included."""

    team_id: int | None = Field(description="null for the whole organisation")
    campaign_id: int
    name: str
    responses: int | None = Field(
        description="null when suppressed: no count below the threshold is revealed"
    )
    suppressed: bool
    status: GroupStatus
    reason: str | None = Field(
        description="why a suppressed group is hidden: 'fewer than N responses', or hidden so "
        "that a smaller group cannot be worked out by subtraction"
    )
    headcount: int = Field(description="people asked (campaign snapshot)")
    response_rate: float | None = Field(description="percent; null if hidden")
    dimensions: list[DimensionFigure] | None = Field(
        description="null when suppressed; resistance drivers read high = more resistance"
    )
    enps: float | None = Field(
        description="% promoters (9-10) minus % detractors (0-6); null when suppressed or not asked"
    )

    @classmethod
    def of(cls, group: GroupResult, min_size: int) -> ResultGroup:
        shown = not group.suppressed
        dimensions = [
            DimensionFigure(key=d.key, mean=round(d.mean, 2), favourable=round(d.favourable, 1))
            for d in group.dimensions
        ]
        return cls(
            team_id=group.team_id,
            campaign_id=group.campaign_id,
            name=group.name,
            responses=group.responses if shown else None,
            suppressed=not shown,
            status=group.status,
            reason=hidden_reason(group, min_size) or None,
            headcount=group.headcount,
            response_rate=rounded(group.response_rate) if shown else None,
            dimensions=dimensions if shown else None,
            enps=round(group.enps, 1) if shown and group.enps is not None else None,
        )


class CampaignResults(ApiModel):
    """One campaign's groups (``?campaign=``)."""

    min_group_size: int = Field(ge=3)
    min_comment_group_size: int
    groups: list[ResultGroup] = Field(description="the whole organisation, then its teams")


class ResultsPage(CampaignResults):
    """A page of published campaigns, newest first, each whole organisation then its teams."""

    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=26)
    campaigns: list[int] = Field(description="ids of this page's published campaigns")
    next: str | None = Field(description="URL of the next page, null on the last")
