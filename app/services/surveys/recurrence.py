"""Repeating surveys: the tick creates each next campaign once the latest has opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, insert, or_, select, update
from sqlalchemy.orm import aliased

from app.services.results.publication import frozen_tree
from app.services.surveys.instruments import latest_version
from app.services.surveys.links import insert_personal_links, team_links
from app.services.surveys.timing import last_day_of
from app.services.transaction import commit
from models import Campaign, CampaignTeam, Initiative, PersonalLink, Survey, Team, db


@dataclass(frozen=True)
class FollowUp:
    """A campaign the tick created."""

    survey_title: str
    initiative_name: str
    campaign_id: int
    opens_at: datetime
    closes_at: datetime
    teams: int
    personal_links: int

    def __str__(self) -> str:
        links = f", {self.personal_links} personal links" if self.personal_links else ""
        return (
            f"Created campaign {self.campaign_id} of “{self.survey_title}” "
            f"({self.initiative_name}): {self.opens_at:%Y-%m-%d} to "
            f"{last_day_of(self.closes_at):%Y-%m-%d}, {self.teams} teams{links}."
        )


def tick(now: datetime) -> list[FollowUp]:
    """Create every campaign that repetition makes due; commits each one on its own.

    Safe to run every minute and from several processes at once: each
    follow-up is claimed by one process (``_claim``). One run brings every
    survey up to date, so a second run at the same moment does nothing. The
    next campaign asks the survey's latest version of the same teams (with
    today's headcounts), and every person with a personal link in the previous
    campaign gets a fresh one-use link in the next.
    """
    done: list[FollowUp] = []
    # A follow-up that is itself already open (after a pause of the tick) is
    # due at once; two rounds reach a campaign in the future.
    for _round in range(3):
        due = _due(now)
        commit()  # end the read before claiming: the claim starts the write
        if not due:
            break
        for campaign_id in due:
            if not _claim(campaign_id):
                db.session.rollback()
                continue
            follow_up = _create_next(campaign_id, now)
            commit()
            if follow_up is not None:
                done.append(follow_up)
    return done


def _due(now: datetime) -> list[int]:
    """Latest campaigns of repeating surveys whose follow-up should exist by ``now``.

    The next campaign is created once the latest one has opened, i.e. once the
    next opening is at most one recurrence away (and so, too, once the latest
    has closed): staff, posters and the mail merge get a full period's notice.
    """
    later = aliased(Campaign)
    return list(
        db.session.scalars(
            select(Campaign.id)
            .join(Survey, Survey.id == Campaign.survey_id)
            .where(
                Survey.recurrence_days.is_not(None),
                Campaign.followed_up.is_(False),
                Campaign.opens_at <= now,
                ~exists().where(
                    later.survey_id == Campaign.survey_id,
                    or_(
                        later.opens_at > Campaign.opens_at,
                        and_(later.opens_at == Campaign.opens_at, later.id > Campaign.id),
                    ),
                ),
            )
            .order_by(Campaign.id)
        )
    )


def _claim(campaign_id: int) -> bool:
    """Mark a campaign followed up; True only for the one process that did it.

    The claim is the transaction's first statement, an UPDATE ... WHERE
    followed_up = false: of two processes only one sees a row count of 1 (on
    PostgreSQL the second waits for the first's commit, on SQLite for its
    write lock).
    """
    claimed = db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.followed_up.is_(False))
        .values(followed_up=True)
        .execution_options(synchronize_session=False)
    )
    rowcount: int = claimed.rowcount  # type: ignore[attr-defined]
    return rowcount == 1


def _create_next(campaign_id: int, now: datetime) -> FollowUp | None:
    """The successor of a claimed campaign; None when there is nothing left to repeat."""
    previous, survey, initiative_name, organization_id = db.session.execute(
        select(Campaign, Survey, Initiative.name, Initiative.organization_id)
        .join(Survey, Survey.id == Campaign.survey_id)
        .join(Initiative, Initiative.id == Survey.initiative_id)
        .where(Campaign.id == campaign_id)
        .execution_options(populate_existing=True)
    ).one()
    if survey.recurrence_days is None:
        return None
    step = timedelta(days=survey.recurrence_days)
    length = timedelta(days=survey.campaign_days)
    opens_at = previous.opens_at + step
    if opens_at + length <= now:
        # The tick did not run for a while: skip the periods that are already over.
        opens_at += ((now - opens_at - length) // step + 1) * step
    teams = db.session.execute(
        select(Team.id, Team.headcount)
        .join(CampaignTeam, CampaignTeam.team_id == Team.id)
        .where(CampaignTeam.campaign_id == previous.id, Team.archived_at.is_(None))
    ).all()
    if not teams:
        return None
    campaign = Campaign(
        survey_id=survey.id,
        version_id=latest_version(survey.id).id,
        opens_at=opens_at,
        closes_at=opens_at + length,
        followed_up=False,
        team_tree=frozen_tree(organization_id, [team_id for team_id, _ in teams]),
    )
    db.session.add(campaign)
    db.session.flush()
    db.session.execute(
        insert(CampaignTeam),
        [
            {"campaign_id": campaign.id, "team_id": team_id, "headcount": headcount}
            for team_id, headcount in teams
        ],
    )
    team_links(survey.id, [team_id for team_id, _ in teams])
    roster = db.session.execute(
        select(PersonalLink.email, PersonalLink.team_id).where(
            PersonalLink.campaign_id == previous.id
        )
    ).all()
    asked = {team_id for team_id, _ in teams}
    people = [(email, team_id) for email, team_id in roster if team_id in asked]
    insert_personal_links(campaign.id, people)
    return FollowUp(
        survey_title=survey.title,
        initiative_name=initiative_name,
        campaign_id=campaign.id,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        teams=len(teams),
        personal_links=len(people),
    )
