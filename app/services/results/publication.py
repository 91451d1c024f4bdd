"""Publishing pulse results: a closed campaign's figures, computed once and stored for good.

Why publish at all: a result recomputed live leaks. An insider who saves the
results page after every answer subtracts two snapshots and gets one
person's answers; one who moves a team and looks again subtracts two trees.
So nothing of a campaign's answers is shown until it closes. Then the tick
(``surveys tick``) computes every group's figures once, over the team tree
frozen when the campaign was created (``Campaign.team_tree``), applies the
anonymity plan and stores the result (``PublishedGroup``). Every page,
export, API answer and the diagnosis read only those rows; the answers of a
published campaign never change, so neither does anything derived from them.

While a campaign is open, people see participation only: the overall response
rate, and a coarse band per asked team of at least the reporting threshold
(``participation``). Knowing who has answered reveals no answer.

Publication waits ``PUBLISH_GRACE`` after the close: a submission checks that
its campaign is open when it starts and commits within moments, so a
straggler cannot land after the figures are fixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update

from app.services.results.detail import adkar_distribution, dimension_alphas
from app.services.results.groups import GroupResult, min_group_size
from app.services.results.published import survey_results
from app.services.results.suppression import compute_campaign
from app.services.transaction import commit
from models import Campaign, Initiative, PublishedGroup, Response, Survey, Team, db
from survey.anonymity import language_buckets

PUBLISH_GRACE = timedelta(minutes=2)


def frozen_tree(organization_id: int, team_ids: Iterable[int]) -> list[list[Any]]:
    """``[id, parent_id, name]`` of every team in ``team_ids`` and of its ancestors, now."""
    rows = db.session.execute(
        select(Team.id, Team.parent_id, Team.name).where(Team.organization_id == organization_id)
    ).all()
    teams = {team_id: (parent_id, name) for team_id, parent_id, name in rows}
    tree: dict[int, list[Any]] = {}
    for team_id in team_ids:
        node: int | None = team_id
        while node is not None and node in teams and node not in tree:
            parent_id, name = teams[node]
            tree[node] = [node, parent_id, name]
            node = parent_id
    return sorted(tree.values())


@dataclass(frozen=True)
class Published:
    """A campaign the tick published."""

    campaign_id: int
    survey_title: str
    initiative_name: str
    shown_groups: int

    def __str__(self) -> str:
        return (
            f"Published the results of campaign {self.campaign_id} of “{self.survey_title}” "
            f"({self.initiative_name}): {self.shown_groups} groups shown."
        )


def due_for_publication(now: datetime) -> list[int]:
    """Closed campaigns, past the grace period, whose results are not stored yet."""
    return list(
        db.session.scalars(
            select(Campaign.id)
            .where(Campaign.published_at.is_(None), Campaign.closes_at <= now - PUBLISH_GRACE)
            .order_by(Campaign.closes_at, Campaign.id)
        )
    )


def publish(campaign_id: int, now: datetime) -> Published | None:
    """Compute and store one closed campaign's results; the caller commits.

    The claim is the first statement (UPDATE ... WHERE published_at IS NULL),
    so of two ticks publishing at once only one writes the rows. None when
    the campaign is not due or someone else published it first.
    """
    claimed = db.session.execute(
        update(Campaign)
        .where(
            Campaign.id == campaign_id,
            Campaign.published_at.is_(None),
            Campaign.closes_at <= now - PUBLISH_GRACE,
        )
        .values(published_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    campaign = db.session.get_one(Campaign, campaign_id, populate_existing=True)
    groups = compute_campaign(campaign)
    db.session.execute(insert(PublishedGroup), [_row(group) for group in groups])
    _store_details(campaign)
    title, initiative_name = db.session.execute(
        select(Survey.title, Initiative.name)
        .join(Initiative, Initiative.id == Survey.initiative_id)
        .where(Survey.id == campaign.survey_id)
    ).one()
    shown = sum(1 for group in groups if not group.suppressed)
    return Published(campaign_id, title, initiative_name, shown)


def publish_due(now: datetime) -> list[Published]:
    """Publish every campaign that is due, each in its own transaction."""
    done: list[Published] = []
    due = due_for_publication(now)
    commit()  # end the read before claiming: the claim starts the write
    for campaign_id in due:
        published = publish(campaign_id, now)
        commit()
        if published is not None:
            done.append(published)
    return done


def _store_details(campaign: Campaign) -> None:
    """Alpha and ADKAR barriers need every answer of the organisation-wide group: count once."""
    survey = db.session.get_one(Survey, campaign.survey_id)
    found = survey_results(survey, campaign.id, team_groups_of=())
    whole = found.group(campaign.id, None)
    if whole is None or whole.suppressed:
        return
    alphas = dimension_alphas(found, campaign.id, None)
    adkar = adkar_distribution(found, campaign.id, None)
    languages = _language_counts(campaign.id)
    db.session.execute(
        update(PublishedGroup)
        .where(PublishedGroup.campaign_id == campaign.id, PublishedGroup.team_id.is_(None))
        .values(
            alphas=[[r.dimension.key, r.items, r.respondents, r.alpha] for r in alphas],
            adkar=[list(pair) for pair in adkar.counts] if adkar is not None else None,
            languages=[list(pair) for pair in languages] if languages is not None else None,
        )
        .execution_options(synchronize_session=False)
    )


def _language_counts(campaign_id: int) -> list[tuple[str, int]] | None:
    """Responses per language of the organisation-wide group, folded as anonymity allows.

    Only for everyone: a team's counts could be subtracted from its parent's to
    single out a few people in a sub-team who answered in another language.
    """
    counts: dict[str | None, int] = {
        language: n
        for language, n in db.session.execute(
            select(Response.language, func.count())
            .where(Response.campaign_id == campaign_id)
            .group_by(Response.language)
        )
    }
    return language_buckets(counts, min_group_size())


def _row(group: GroupResult) -> dict[str, Any]:
    return {
        "campaign_id": group.campaign_id,
        "team_id": group.team_id,
        "parent_id": group.parent_id,
        "name": group.name,
        "depth": group.depth,
        "headcount": group.headcount,
        "status": group.status.value,
        "responses": group.responses,
        "enps": group.enps,
        "comments_shown": group.comments_shown,
        "dimensions": [[d.key, d.mean, d.favourable] for d in group.dimensions],
    }
