"""Reading published results: ``survey_results``, the one function behind every audience.

The results page, its charts and chart data, both CSV exports, the JSON API
and the diagnosis all read ``survey_results``; each audience only chooses
which of its fields to show. So a figure hidden in one place is hidden in
every place, and no filter can show what another view hides.

Results exist only for published campaigns (``publication``): when a
campaign closes, its groups are computed once over the team tree frozen at
its creation, with the anonymity plan applied, and stored as
``PublishedGroup`` rows. This module reads those rows and nothing else for
figures, so no view changes while a campaign runs, and no later change to
the teams changes a past campaign.

- A team's figures cover its whole subtree (in the campaign's frozen tree);
  the organisation-wide group covers everybody.
- Anonymity: the tree is planned with ``survey.anonymity.plan_hierarchy``
  on the respondents per team and ``STEPWISE_MIN_GROUP_SIZE``. A hidden group
  carries no score, no count and no response rate, only why it is hidden.
- Comments need ``STEPWISE_MIN_COMMENT_GROUP_SIZE`` respondents (default 10)
  and their own plan at that threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from sqlalchemy import ColumnElement, or_, select

from app.services.results.groups import (
    CUSTOM_FAMILY,
    CampaignInfo,
    DimensionInfo,
    DimensionResult,
    GroupResult,
    GroupStatus,
    SurveyResults,
    TeamNode,
    UnknownFilter,
    campaign_dimensions,
    campaign_info,
    dimension_info,
    min_comment_group_size,
    min_group_size,
    subtree_of,
    team_nodes,
)
from models import (
    Campaign,
    Initiative,
    Organization,
    PublishedGroup,
    Survey,
    SurveyVersion,
    Team,
    db,
)
from survey.instruments import DIMENSIONS_BY_KEY, items_from_snapshot


def survey_results(
    survey: Survey,
    campaign_id: int | None = None,
    team_id: int | None = None,
    *,
    campaign_ids: Collection[int] | None = None,
    team_groups_of: Collection[int] | None = None,
    every_team: bool = True,
) -> SurveyResults:
    """Every published campaign's figures per team and for everyone, as published.

    Campaigns that are not published yet are listed (``campaigns``) with no
    groups. ``campaign_id`` keeps one campaign's groups, ``campaign_ids``
    those of several (a page of the API: only their rows are read; both
    given, the campaigns in both); ``team_id`` keeps that team's group and
    its sub-teams' (the organisation-wide group goes). Every campaign stays
    listed in ``campaigns`` whatever is loaded. Filters only choose among
    published groups, so every filter combination shows exactly what the
    unfiltered results show for it. Raises ``UnknownFilter`` for a campaign
    of another survey or a team of another organisation. With
    ``team_groups_of``, only those campaigns' team groups are read (every
    loaded campaign keeps its organisation-wide group): enough for trends
    of everyone and one campaign's teams; with ``team_id`` as well, the other
    campaigns keep only that team's own group. The frozen trees (and so
    ``teams`` and ``subtree``) are always complete: they come from a light
    query of every loaded campaign's group names (with ``every_team`` False
    and no ``team_id``, only those of ``team_groups_of``: ``teams`` is then
    the teams of those campaigns). Five queries, whatever the number of teams.
    """
    organization_id, organization = db.session.execute(
        select(Organization.id, Organization.name)
        .join(Initiative, Initiative.organization_id == Organization.id)
        .where(Initiative.id == survey.initiative_id)
    ).one()
    campaigns = _campaigns(survey.id)
    known = {c.id for c in campaigns}
    wanted = None if campaign_ids is None else set(campaign_ids)
    if campaign_id is not None and campaign_id not in known:
        raise UnknownFilter(f"campaign {campaign_id} is not a campaign of this survey")
    if wanted is not None and not wanted <= known:
        raise UnknownFilter("campaign_ids hold a campaign that is not of this survey")
    if team_id is not None and not _is_team_of(team_id, organization_id):
        raise UnknownFilter(f"team {team_id} is not a team of this organisation")
    loaded = [
        c.id
        for c in campaigns
        if c.published
        and (campaign_id is None or c.id == campaign_id)
        and (wanted is None or c.id in wanted)
    ]
    partial = not every_team and team_id is None and team_groups_of is not None
    trees = _trees([c for c in loaded if not partial or c in (team_groups_of or ())])
    scopes = {
        campaign: _scope(team_id, trees.get(campaign, ()), full=team_groups_of is None
                         or campaign in team_groups_of)
        for campaign in loaded
    }  # fmt: skip
    groups = _published_groups(scopes)
    return SurveyResults(
        survey_id=survey.id,
        organization=organization,
        min_group_size=min_group_size(),
        min_comment_group_size=min_comment_group_size(),
        campaigns=tuple(campaigns),
        dimensions=_all_dimensions(campaigns),
        teams=_all_teams(trees, [c.id for c in campaigns]),
        groups=tuple(groups),
        trees=trees,
    )


def published_campaign_ids(survey_id: int) -> list[int]:
    """The survey's published campaigns, newest first (by first day, then id): one light query.

    The same order as ``SurveyResults.campaigns`` reversed, so callers can
    page through campaigns before loading any of their groups.
    """
    return list(
        db.session.scalars(
            select(Campaign.id)
            .where(Campaign.survey_id == survey_id, Campaign.published_at.is_not(None))
            .order_by(Campaign.opens_at.desc(), Campaign.id.desc())
        )
    )


def newest_shown_campaign(survey_id: int, team_id: int | None = None) -> int | None:
    """The newest published campaign of a survey showing figures for everyone (or a team)."""
    return db.session.scalar(
        select(Campaign.id)
        .join(PublishedGroup, PublishedGroup.campaign_id == Campaign.id)
        .where(
            Campaign.survey_id == survey_id,
            PublishedGroup.team_id.is_(None)
            if team_id is None
            else PublishedGroup.team_id == team_id,
            PublishedGroup.status == GroupStatus.SHOWN.value,
        )
        .order_by(Campaign.opens_at.desc(), Campaign.id.desc())
        .limit(1)
    )


def surveys_with_campaigns(initiative_id: int) -> list[tuple[Survey, list[CampaignInfo]]]:
    """The initiative's surveys (oldest first), each with its campaigns numbered oldest first."""
    found = list(
        db.session.scalars(
            select(Survey)
            .where(Survey.initiative_id == initiative_id)
            .order_by(Survey.created_at, Survey.id)
        )
    )
    rows = db.session.execute(
        select(
            Campaign.survey_id,
            Campaign.id,
            Campaign.opens_at,
            Campaign.closes_at,
            Campaign.published_at,
        )
        .where(Campaign.survey_id.in_([survey.id for survey in found]))
        .order_by(Campaign.opens_at, Campaign.id)
    ).all()
    campaigns: dict[int, list[CampaignInfo]] = defaultdict(list)
    for survey_id, campaign_id, opens_at, closes_at, published_at in rows:
        number = len(campaigns[survey_id]) + 1
        campaigns[survey_id].append(
            CampaignInfo(campaign_id, number, opens_at, closes_at, (), (), False, published_at)
        )
    return [(survey, campaigns[survey.id]) for survey in found]


def _is_team_of(team_id: int, organization_id: int) -> bool:
    found = db.session.scalar(
        select(Team.id).where(Team.id == team_id, Team.organization_id == organization_id)
    )
    return found is not None


def _campaigns(survey_id: int) -> list[CampaignInfo]:
    rows = db.session.execute(
        select(
            Campaign.id,
            Campaign.opens_at,
            Campaign.closes_at,
            SurveyVersion.items,
            Campaign.published_at,
        )
        .join(SurveyVersion, SurveyVersion.id == Campaign.version_id)
        .where(Campaign.survey_id == survey_id)
        .order_by(Campaign.opens_at, Campaign.id)
    ).all()
    return [
        campaign_info(campaign_id, number, opens_at, closes_at, snapshot, published_at)
        for number, (campaign_id, opens_at, closes_at, snapshot, published_at) in enumerate(
            rows, start=1
        )
    ]


def _all_dimensions(campaigns: Sequence[CampaignInfo]) -> tuple[DimensionInfo, ...]:
    """Dimensions in the order the newest campaign asks them, then older ones."""
    seen: dict[str, DimensionInfo] = {}
    for campaign in reversed(campaigns):
        for info, _ in campaign.dimensions:
            seen.setdefault(info.key, info)
    return tuple(seen.values())


def _scope(team_id: int | None, tree: Sequence[TeamNode], *, full: bool) -> frozenset[int | None]:
    """The groups to read of one campaign: a scope (everyone, or a team), with its teams if full."""
    if team_id is None:
        return frozenset([None, *(node.id for node in tree)]) if full else frozenset([None])
    if not any(node.id == team_id for node in tree):
        return frozenset()
    return frozenset(subtree_of(team_id, tree)) if full else frozenset([team_id])


def _published_groups(scopes: Mapping[int, frozenset[int | None]]) -> list[GroupResult]:
    """The published groups named per campaign, in stored order; one query of plain rows."""
    wanted = {campaign: teams for campaign, teams in scopes.items() if teams}
    if not wanted:
        return []
    # Whole campaigns by campaign; the rest by the organisation-wide group or by team id.
    every = [c for c, teams in wanted.items() if len(teams) > 1 and None in teams]
    whole = [c for c, teams in wanted.items() if teams == {None}]
    team_ids = sorted(
        {t for c, teams in wanted.items() if c not in every for t in teams if t is not None}
    )
    conditions: list[ColumnElement[bool]] = [PublishedGroup.campaign_id.in_(every)] if every else []
    if whole:
        conditions.append(PublishedGroup.team_id.is_(None) & PublishedGroup.campaign_id.in_(whole))
    if team_ids:
        conditions.append(PublishedGroup.team_id.in_(team_ids))
    query = (
        select(
            PublishedGroup.campaign_id, PublishedGroup.team_id, PublishedGroup.name,
            PublishedGroup.depth, PublishedGroup.headcount, PublishedGroup.status,
            PublishedGroup.responses, PublishedGroup.dimensions, PublishedGroup.enps,
            PublishedGroup.comments_shown, PublishedGroup.parent_id, PublishedGroup.alphas,
            PublishedGroup.adkar, PublishedGroup.languages,
        )
        .where(PublishedGroup.campaign_id.in_(sorted(wanted)), or_(*conditions))
        .order_by(PublishedGroup.campaign_id, PublishedGroup.id)
    )  # fmt: skip
    infos = {key: dimension_info(key) for key in DIMENSIONS_BY_KEY}
    groups = []
    for (campaign_id, team_id, name, depth, headcount, status, responses, dimensions, enps,
         comments_shown, parent_id, alphas, adkar,
         languages) in db.session.execute(query):  # fmt: skip
        if team_id not in wanted[campaign_id]:
            continue
        groups.append(
            GroupResult(
                campaign_id=campaign_id,
                team_id=team_id,
                name=name,
                depth=depth,
                headcount=headcount,
                status=GroupStatus(status),
                responses=responses,
                dimensions=tuple(
                    DimensionResult(infos.get(key) or _custom_info(key), mean, favourable)
                    for key, mean, favourable in dimensions
                ),
                enps=enps,
                comments_shown=comments_shown,
                parent_id=parent_id,
                alphas=None if alphas is None else tuple(tuple(row) for row in alphas),
                adkar=None if adkar is None else tuple((str(e), int(n)) for e, n in adkar),
                languages=None
                if languages is None
                else tuple((str(c), int(n)) for c, n in languages),
            )
        )
    return _with_custom_names(groups, list(wanted))


def _custom_info(key: str) -> DimensionInfo:
    return DimensionInfo(key, key, CUSTOM_FAMILY)


def _with_custom_names(groups: list[GroupResult], campaign_ids: Sequence[int]) -> list[GroupResult]:
    """Statements of the survey's own are stored by key; give them their text back."""
    if all(d.info.family != CUSTOM_FAMILY for g in groups for d in g.dimensions):
        return groups
    texts: dict[str, DimensionInfo] = {}
    for (snapshot,) in db.session.execute(
        select(SurveyVersion.items)
        .join(Campaign, Campaign.version_id == SurveyVersion.id)
        .where(Campaign.id.in_(campaign_ids))
    ):
        for info, _ in campaign_dimensions(items_from_snapshot(snapshot)):
            texts.setdefault(info.key, info)
    return [
        replace(
            g,
            dimensions=tuple(
                DimensionResult(texts.get(d.key, d.info), d.mean, d.favourable)
                for d in g.dimensions
            ),
        )
        for g in groups
    ]


def _trees(campaign_ids: Sequence[int]) -> dict[int, tuple[TeamNode, ...]]:
    """Each published campaign's frozen tree as far as its published groups reach."""
    if not campaign_ids:
        return {}
    rows: dict[int, list[tuple[int, int | None, str]]] = defaultdict(list)
    for campaign_id, team_id, parent_id, name in db.session.execute(
        select(
            PublishedGroup.campaign_id, PublishedGroup.team_id, PublishedGroup.parent_id,
            PublishedGroup.name,
        ).where(PublishedGroup.campaign_id.in_(campaign_ids), PublishedGroup.team_id.is_not(None))
    ):  # fmt: skip
        assert team_id is not None  # the organisation-wide group has no place in a tree
        rows[campaign_id].append((team_id, parent_id, name))
    return {campaign_id: tuple(team_nodes(tree)) for campaign_id, tree in rows.items()}


def _all_teams(
    trees: Mapping[int, tuple[TeamNode, ...]], campaign_order: Sequence[int]
) -> tuple[TeamNode, ...]:
    """Every team of any published campaign, placed and named as in the newest that had it."""
    latest: dict[int, tuple[int, int | None, str]] = {}
    for campaign_id in reversed(campaign_order):
        for node in trees.get(campaign_id, ()):
            latest.setdefault(node.id, (node.id, node.parent_id, node.name))
    return tuple(team_nodes(latest.values()))
