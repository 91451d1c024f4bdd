"""Pulse-survey results: the one function family behind every audience.

The results page, its charts and chart data, both CSV exports, the JSON API
and the diagnosis all read ``survey_results``; each audience only chooses
which of its fields to show. So a figure hidden in one place is hidden in
every place, and no filter can show what another view hides.

Results exist only for published campaigns (``app.services.publication``):
when a campaign closes, its groups are computed once over the team tree
frozen at its creation, with the anonymity plan applied, and stored as
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
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask import current_app
from sqlalchemy import or_, select

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
from survey.instruments import (
    AGREE5,
    CUSTOM_DIMENSION,
    DIMENSIONS_BY_KEY,
    FAMILIES,
    RECOMMEND10,
    Item,
    items_from_snapshot,
)

# Participation: 75-80% is healthy; a group under 60% deserves a warning (DOMAIN.md).
LOW_RESPONSE_RATE = 60.0
# The comment threshold when none is configured; vendors use up to 10 (DOMAIN.md).
RECOMMEND_KEY = "recommend"
CUSTOM_FAMILY = "custom"
_MICROSECOND = datetime.resolution


class UnknownFilter(LookupError):
    """A campaign that is not the survey's, or a team outside its organisation."""


class HiddenGroup(LookupError):
    """Figures were asked for a group the anonymity plan hides, or an unpublished campaign."""


class GroupStatus(StrEnum):
    SHOWN = "shown"
    # Fewer respondents than the threshold: "fewer than N responses".
    TOO_FEW = "too_few"
    # Enough respondents, hidden so that a smaller group cannot be worked out.
    PROTECTING = "protecting"


def min_group_size() -> int:
    return int(current_app.config["STEPWISE_MIN_GROUP_SIZE"])


def min_comment_group_size() -> int:
    """The comment threshold: configured or 10, and never below the group threshold."""
    return max(int(current_app.config["STEPWISE_MIN_COMMENT_GROUP_SIZE"]), min_group_size())


# --- what results are made of -----------------------------------------------------


@dataclass(frozen=True)
class DimensionInfo:
    """A scored dimension as results show it.

    ``higher_is_better`` is False for resistance drivers: after reverse coding a
    high mean (and a high "% favourable", the share agreeing) means more
    resistance, and every view has to say so.
    """

    key: str
    name: str
    family: str
    higher_is_better: bool = True

    @property
    def family_name(self) -> str:
        return FAMILIES.get(self.family, "Your own statements")

    @property
    def reading(self) -> str:
        return "higher is better" if self.higher_is_better else "high = more resistance"


def dimension_info(key: str, items: Sequence[Item] = ()) -> DimensionInfo:
    """The library's dimension, or a statement of the survey's own as a dimension of one."""
    known = DIMENSIONS_BY_KEY.get(key)
    if known is not None:
        return DimensionInfo(known.key, known.name, known.family, known.higher_is_better)
    text = items[0].text if items else key
    return DimensionInfo(key, text, CUSTOM_FAMILY)


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    number: int  # 1 for the survey's first campaign
    opens_at: datetime
    closes_at: datetime
    items: tuple[Item, ...]
    # (dimension, its 5-point items) in the order the campaign asked them
    dimensions: tuple[tuple[DimensionInfo, tuple[Item, ...]], ...]
    asks_recommend: bool
    published_at: datetime | None = None

    @property
    def published(self) -> bool:
        return self.published_at is not None

    @property
    def last_day(self) -> date:
        """The campaign's last open day (campaigns close at 00:00 UTC of the next)."""
        return (self.closes_at - _MICROSECOND).date()

    @property
    def adkar_items(self) -> tuple[Item, ...]:
        return tuple(
            item for info, items in self.dimensions if info.family == "adkar" for item in items
        )

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


def campaign_info(
    campaign_id: int,
    number: int,
    opens_at: datetime,
    closes_at: datetime,
    snapshot: Sequence[Mapping[str, Any]],
    published_at: datetime | None = None,
) -> CampaignInfo:
    items = tuple(items_from_snapshot(list(snapshot)))
    return CampaignInfo(
        id=campaign_id,
        number=number,
        opens_at=opens_at,
        closes_at=closes_at,
        items=items,
        dimensions=_campaign_dimensions(items),
        asks_recommend=any(
            item.key == RECOMMEND_KEY and item.scale == RECOMMEND10 for item in items
        ),
        published_at=published_at,
    )


@dataclass(frozen=True)
class TeamNode:
    id: int
    name: str
    parent_id: int | None
    depth: int  # 0 for a team without a parent


def team_nodes(tree: Iterable[Sequence[Any]]) -> list[TeamNode]:
    """``[id, parent_id, name]`` rows as nodes depth-first, each parent before its children.

    Siblings come by name; a parent missing from the rows makes its child a
    top-level team.
    """
    rows = sorted(((int(t), p, str(name)) for t, p, name in tree), key=lambda r: (r[2], r[0]))
    ids = {team_id for team_id, _, _ in rows}
    children: dict[int | None, list[tuple[int, str]]] = defaultdict(list)
    for team_id, parent_id, name in rows:
        children[parent_id if parent_id in ids else None].append((team_id, name))
    ordered: list[TeamNode] = []
    stack: list[tuple[int, str, int | None, int]] = [
        (team_id, name, None, 0) for team_id, name in reversed(children[None])
    ]
    while stack:
        team_id, name, parent_id, depth = stack.pop()
        ordered.append(TeamNode(team_id, name, parent_id, depth))
        stack.extend((k, n, team_id, depth + 1) for k, n in reversed(children.get(team_id, [])))
    return ordered


@dataclass(frozen=True)
class DimensionResult:
    info: DimensionInfo
    mean: float  # 1-5 after reverse coding
    favourable: float  # % in the top two options after reverse coding

    @property
    def key(self) -> str:
        return self.info.key


@dataclass(frozen=True)
class GroupResult:
    """One campaign's figures for one team (its subtree) or, with ``team_id`` None, everyone.

    Hidden groups carry no score, no count and no rate: ``responses`` is None,
    so no view can print what it does not have.
    """

    campaign_id: int
    team_id: int | None
    name: str
    depth: int
    headcount: int
    status: GroupStatus
    responses: int | None = None
    dimensions: tuple[DimensionResult, ...] = ()
    enps: float | None = None
    comments_shown: bool = False
    parent_id: int | None = None  # the parent in the campaign's frozen tree
    # Stored when published (the organisation-wide group): (key, items, respondents, alpha).
    alphas: tuple[tuple[str, int, int, float | None], ...] | None = None
    adkar: tuple[tuple[str, int], ...] | None = None  # likewise: (element or "none", respondents)

    @property
    def suppressed(self) -> bool:
        return self.status is not GroupStatus.SHOWN

    @property
    def response_rate(self) -> float | None:
        """Responses against the campaign's headcount snapshot, in percent."""
        if self.responses is None or not self.headcount:
            return None
        return 100 * self.responses / self.headcount

    @property
    def low_response_rate(self) -> bool:
        rate = self.response_rate
        return rate is not None and rate < LOW_RESPONSE_RATE

    def dimension(self, key: str) -> DimensionResult | None:
        return next((d for d in self.dimensions if d.key == key), None)


@dataclass(frozen=True)
class Plan:
    """Who may be shown in one campaign: figures, comments, and the whole."""

    shown: frozenset[int]
    comments: frozenset[int]
    whole_shown: bool
    whole_comments: bool


@dataclass(frozen=True)
class SurveyResults:
    survey_id: int
    organization: str
    min_group_size: int
    min_comment_group_size: int
    campaigns: tuple[CampaignInfo, ...]  # every campaign of the survey, oldest first
    dimensions: tuple[DimensionInfo, ...]  # every scored dimension asked, in asking order
    teams: tuple[TeamNode, ...]  # every team of a published campaign, newest tree first
    groups: tuple[GroupResult, ...]  # published groups asked for: everyone, then teams
    trees: Mapping[int, tuple[TeamNode, ...]] = field(repr=False, default_factory=dict)
    _index: dict[tuple[int, int | None], GroupResult] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for group in self.groups:
            self._index[(group.campaign_id, group.team_id)] = group

    @property
    def published(self) -> tuple[CampaignInfo, ...]:
        return tuple(c for c in self.campaigns if c.published)

    def campaign(self, campaign_id: int) -> CampaignInfo | None:
        return next((c for c in self.campaigns if c.id == campaign_id), None)

    def team(self, team_id: int) -> TeamNode | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def group(self, campaign_id: int, team_id: int | None) -> GroupResult | None:
        return self._index.get((campaign_id, team_id))

    def groups_of(self, campaign_id: int) -> list[GroupResult]:
        return [g for g in self.groups if g.campaign_id == campaign_id]

    def team_groups(self, campaign_id: int) -> list[GroupResult]:
        return [g for g in self.groups_of(campaign_id) if g.team_id is not None]

    def series(self, team_id: int | None) -> list[tuple[CampaignInfo, GroupResult | None]]:
        """One scope across published campaigns (for trends); None where it was not asked."""
        return [(c, self.group(c.id, team_id)) for c in self.published]

    def previous(self, campaign: CampaignInfo) -> CampaignInfo | None:
        """The published campaign before ``campaign``, for changes between pulses."""
        before = [c for c in self.published if c.number < campaign.number]
        return before[-1] if before else None

    def subtree(self, team_id: int, campaign_id: int) -> frozenset[int]:
        """``team_id`` and every team under it in that campaign's frozen tree."""
        return subtree_of(team_id, self.trees.get(campaign_id, ()))

    def plan(self, campaign_id: int) -> Plan:
        """The published plan of one campaign, read back from its groups."""
        groups = self.groups_of(campaign_id)
        whole = self.group(campaign_id, None)
        return Plan(
            shown=frozenset(g.team_id for g in groups if g.team_id and not g.suppressed),
            comments=frozenset(g.team_id for g in groups if g.team_id and g.comments_shown),
            whole_shown=whole is not None and not whole.suppressed,
            whole_comments=whole is not None and whole.comments_shown,
        )


def subtree_of(team_id: int, teams: Iterable[TeamNode]) -> frozenset[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for team in teams:
        children[team.parent_id].append(team.id)
    members = {team_id}
    stack = [team_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in members:
                members.add(child)
                stack.append(child)
    return frozenset(members)


# --- the one results function --------------------------------------------------------


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


def _is_team_of(team_id: int, organization_id: int) -> bool:
    found = db.session.scalar(
        select(Team.id).where(Team.id == team_id, Team.organization_id == organization_id)
    )
    return found is not None


def _campaign_dimensions(
    items: Sequence[Item],
) -> tuple[tuple[DimensionInfo, tuple[Item, ...]], ...]:
    """The 5-point dimensions of a version; each statement of the survey's own stands alone."""
    grouped: dict[str, list[Item]] = {}
    for item in items:
        if item.scale != AGREE5:
            continue
        key = item.key if item.dimension == CUSTOM_DIMENSION else item.dimension
        grouped.setdefault(key, []).append(item)
    return tuple((dimension_info(key, found), tuple(found)) for key, found in grouped.items())


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
    conditions = [PublishedGroup.campaign_id.in_(every)] if every else []
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
            PublishedGroup.adkar,
        )
        .where(PublishedGroup.campaign_id.in_(sorted(wanted)), or_(*conditions))
        .order_by(PublishedGroup.campaign_id, PublishedGroup.id)
    )  # fmt: skip
    infos = {key: dimension_info(key) for key in DIMENSIONS_BY_KEY}
    groups = []
    for (campaign_id, team_id, name, depth, headcount, status, responses, dimensions, enps,
         comments_shown, parent_id, alphas, adkar) in db.session.execute(query):  # fmt: skip
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
        for info, _ in _campaign_dimensions(items_from_snapshot(snapshot)):
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


def hidden_reason(group: GroupResult, min_size: int) -> str:
    """Why a group shows no figures, in words that give away no count."""
    return reason_for(group.status, min_size)


def reason_for(status: GroupStatus, min_size: int) -> str:
    if status is GroupStatus.TOO_FEW:
        return f"fewer than {min_size} responses"
    if status is GroupStatus.PROTECTING:
        return "hidden so that a smaller group cannot be worked out"
    return ""


# --- for the diagnosis -------------------------------------------------------------------


def _campaign_for(
    initiative: Initiative, campaign: Campaign | None, family: str | None
) -> Campaign | None:
    """``campaign``, or the newest published one of the initiative with an organisation-wide figure.

    With ``family``, the newest that asked a dimension of that family.
    """
    if campaign is not None:
        return campaign
    candidates = db.session.execute(
        select(Campaign, SurveyVersion.items)
        .join(Survey, Survey.id == Campaign.survey_id)
        .join(SurveyVersion, SurveyVersion.id == Campaign.version_id)
        .join(PublishedGroup, PublishedGroup.campaign_id == Campaign.id)
        .where(
            Survey.initiative_id == initiative.id,
            PublishedGroup.team_id.is_(None),
            PublishedGroup.status == GroupStatus.SHOWN.value,
        )
        .order_by(Campaign.opens_at.desc(), Campaign.id.desc())
    ).all()
    for found, snapshot in candidates:
        dimensions = {item["dimension"] for item in snapshot}
        if family is None or any(
            DIMENSIONS_BY_KEY[key].family == family for key in dimensions & DIMENSIONS_BY_KEY.keys()
        ):
            return found
    return None


def _results_for(
    initiative: Initiative, campaign: Campaign | None, family: str | None
) -> tuple[SurveyResults, int] | None:
    chosen = _campaign_for(initiative, campaign, family)
    if chosen is None:
        return None
    survey = db.session.get_one(Survey, chosen.survey_id)
    if survey.initiative_id != initiative.id:
        return None
    return survey_results(survey, campaign_id=chosen.id), chosen.id


def kotter_staff_means(
    initiative: Initiative, campaign: Campaign | None = None
) -> dict[str, tuple[float, int]]:
    """Staff's view of Kotter's steps: step key -> (organisation-wide mean 1-5, respondents).

    From the "kotter" family of the newest campaign with an organisation-wide
    figure (or ``campaign``); only steps that campaign asked. Empty when no
    campaign qualifies or its whole is under the threshold.
    """
    found = _results_for(initiative, campaign, "kotter")
    if found is None:
        return {}
    results, campaign_id = found
    whole = results.group(campaign_id, None)
    if whole is None or whole.suppressed or whole.responses is None:
        return {}
    means: dict[str, tuple[float, int]] = {}
    for result in whole.dimensions:
        known = DIMENSIONS_BY_KEY.get(result.key)
        if known is not None and known.family == "kotter" and known.kotter_step:
            means[known.kotter_step] = (result.mean, whole.responses)
    return means


def team_dimension_means(
    initiative: Initiative, campaign: Campaign | None = None
) -> dict[int, dict[str, float]]:
    """team id -> library dimension key -> mean (1-5, after reverse coding), shown teams only.

    A team's mean covers its subtree. Resistance drivers read the other way
    (``DIMENSIONS_BY_KEY[key].higher_is_better`` is False). From the newest
    campaign with an organisation-wide figure, or ``campaign``.
    """
    found = _results_for(initiative, campaign, None)
    if found is None:
        return {}
    results, campaign_id = found
    return {
        group.team_id: {d.key: d.mean for d in group.dimensions if d.key in DIMENSIONS_BY_KEY}
        for group in results.team_groups(campaign_id)
        if group.team_id is not None and not group.suppressed
    }


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
