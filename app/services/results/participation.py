"""Participation: what an open campaign shows, and the one-line progress of campaigns and teams.

While a campaign is open, people see participation only: the overall response
rate, and a coarse band per asked team of at least the reporting threshold.
Knowing who has answered reveals no answer. Once published, the lines read
the published groups, so they never show a count the results hide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, select

from app.services.results.groups import GroupStatus, min_group_size, shown_reason_for
from insights.translation import ngettext
from models import Campaign, CampaignTeam, PublishedGroup, ResponseTally, Team, db
from survey.languages import N_

# Participation bands of an open campaign: (upper bound in percent, words), the words
# marked for the catalogues and given in the page's language.
BANDS: tuple[tuple[float, str], ...] = ((30.0, N_("under 30%")), (60.0, N_("30–60%")))


TOP_BAND = N_("over 60%")


@dataclass(frozen=True)
class TeamParticipation:
    team_id: int
    name: str
    headcount: int
    band: str | None  # in the page's language; None: too few people asked to show even a band


@dataclass(frozen=True)
class Participation:
    """What an open campaign shows: how many answered overall, and bands per team."""

    headcount: int
    responses: int
    teams: tuple[TeamParticipation, ...]
    min_size: int

    @property
    def rate(self) -> int | None:
        """The overall response rate in whole percent; None before N answered (or no headcount)."""
        if not self.headcount or self.responses < self.min_size:
            return None
        return round(100 * min(self.responses, self.headcount) / self.headcount)


def band_of(responses: int, headcount: int) -> str:
    rate = 100 * responses / headcount if headcount else 0.0
    return str(gettext(next((words for upper, words in BANDS if rate < upper), TOP_BAND)))


def participation(campaign_id: int) -> Participation:
    """Participation of a campaign: overall count, and a band per team of at least N people.

    A team asked with fewer people than the reporting threshold gets no
    band at all: even a band would narrow down a handful of people.
    """
    rows = db.session.execute(
        select(CampaignTeam.team_id, Team.name, CampaignTeam.headcount, ResponseTally.responses)
        .join(Team, Team.id == CampaignTeam.team_id)
        .outerjoin(
            ResponseTally,
            (ResponseTally.campaign_id == CampaignTeam.campaign_id)
            & (ResponseTally.team_id == CampaignTeam.team_id),
        )
        .where(CampaignTeam.campaign_id == campaign_id)
        .order_by(Team.name)
    ).all()
    n = min_group_size()
    teams = tuple(
        TeamParticipation(
            team_id, name, headcount, band_of(responses or 0, headcount) if headcount >= n else None
        )
        for team_id, name, headcount, responses in rows
    )
    return Participation(
        headcount=sum(headcount for _, _, headcount, _ in rows),
        responses=sum(responses or 0 for _, _, _, responses in rows),
        teams=teams,
        min_size=n,
    )


def progress_of_campaigns(campaigns: Sequence[Campaign]) -> dict[int, str]:
    """One line per campaign for lists, in the page's language: participation while
    unpublished, then the whole's count.

    Before publication only the overall rate shows, and only once at least
    the reporting threshold answered; after it, the published whole (or why
    it is hidden). Never a team's count.
    """
    ids = [campaign.id for campaign in campaigns]
    if not ids:
        return {}
    n = min_group_size()
    totals = dict(
        db.session.execute(
            select(ResponseTally.campaign_id, func.sum(ResponseTally.responses))
            .where(ResponseTally.campaign_id.in_(ids))
            .group_by(ResponseTally.campaign_id)
        ).all()
    )
    headcounts = dict(
        db.session.execute(
            select(CampaignTeam.campaign_id, func.sum(CampaignTeam.headcount))
            .where(CampaignTeam.campaign_id.in_(ids))
            .group_by(CampaignTeam.campaign_id)
        ).all()
    )
    wholes = {
        row.campaign_id: row
        for row in db.session.scalars(
            select(PublishedGroup).where(
                PublishedGroup.campaign_id.in_(ids), PublishedGroup.team_id.is_(None)
            )
        )
    }
    lines: dict[int, str] = {}
    for campaign in campaigns:
        whole = wholes.get(campaign.id)
        if campaign.published_at is None:
            lines[campaign.id] = _so_far(
                int(totals.get(campaign.id) or 0), int(headcounts.get(campaign.id) or 0), n
            )
        elif whole is None or whole.responses is None:
            lines[campaign.id] = shown_reason_for(GroupStatus.TOO_FEW, n)
        else:
            lines[campaign.id] = ngettext("%(num)s response", "%(num)s responses", whole.responses)
    return lines


def progress_of_teams(campaign: Campaign) -> dict[int, str]:
    """Each asked team's line on the campaign page, in the page's language: a band while
    unpublished, then as published.

    A published team line covers the team with its sub-teams, as its results
    do; a hidden team says why, with no count.
    """
    n = min_group_size()
    if campaign.published_at is None:
        return {
            team.team_id: str(gettext("%(band)s answered so far", band=team.band))
            if team.band
            else str(gettext("participation not shown (fewer than %(n)s asked)", n=n))
            for team in participation(campaign.id).teams
        }
    lines: dict[int, str] = {}
    for row in db.session.scalars(
        select(PublishedGroup).where(
            PublishedGroup.campaign_id == campaign.id, PublishedGroup.team_id.is_not(None)
        )
    ):
        assert row.team_id is not None
        if row.responses is None:
            lines[row.team_id] = shown_reason_for(GroupStatus(row.status), n)
        else:
            lines[row.team_id] = ngettext(
                "%(num)s response (with sub-teams)",
                "%(num)s responses (with sub-teams)",
                row.responses,
            )
    return lines


def _so_far(responses: int, headcount: int, n: int) -> str:
    if responses < n:
        return str(gettext("fewer than %(n)s responses so far", n=n))
    if not headcount:
        return ngettext("%(num)s response so far", "%(num)s responses so far", responses)
    rate = round(100 * min(responses, headcount) / headcount)
    return str(gettext("%(rate)s%% answered so far", rate=rate))
