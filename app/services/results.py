"""Pulse-survey results: the one function family behind every audience.

The results page, its charts and chart data, both CSV exports, the JSON API
and the diagnosis all read ``survey_results``; each audience only chooses
which of its fields to show. So a figure hidden in one place is hidden in
every place, and no filter can show what another view hides.

How a figure comes about:

- Means, % favourable, eNPS and response counts come from the exact tallies
  (``AnswerTally``, ``ResponseTally``), never from scanning answers: a handful
  of queries for any number of teams and campaigns.
- A team's figures cover its whole subtree (its own respondents and every
  sub-team's); the organisation-wide group covers everybody.
- Anonymity, per campaign: the organisation's team tree (``Team.parent_id``)
  is planned with ``survey.anonymity.plan_hierarchy`` on the respondents per
  team and ``STEPWISE_MIN_GROUP_SIZE``. A team is shown only when the plan
  says so, never just because its own count is large enough: a team large
  enough on its own may be hidden so that a smaller sibling cannot be worked
  out by subtracting it from the parent. A hidden group carries no score, no
  count and no response rate, only why it is hidden.
- Comments need ``STEPWISE_MIN_COMMENT_GROUP_SIZE`` respondents (default 10)
  and their own plan at that threshold, so that the comments of a group
  below it cannot be had by setting the comments of a parent against those
  of its sub-teams.
- Cronbach's alpha and the ADKAR barrier points need individual answers; they
  are computed in SQL for one shown group at a time (sums of products and a
  per-response barrier), and only counts and sums come back.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import aliased

from models import (
    Answer,
    AnswerTally,
    Campaign,
    CampaignTeam,
    Initiative,
    Organization,
    Response,
    ResponseTally,
    Survey,
    SurveyVersion,
    Team,
    db,
)
from survey.anonymity import is_reportable, plan_hierarchy
from survey.instruments import (
    AGREE5,
    CUSTOM_DIMENSION,
    DIMENSIONS_BY_KEY,
    FAMILIES,
    RECOMMEND10,
    SCALES,
    Item,
    items_from_snapshot,
)
from survey.scoring import (
    ADKAR_BARRIER_AT,
    ADKAR_ORDER,
    alpha_verdict,
    cronbach_alpha_from_covariance,
    dimension_score,
    enps,
)

# Participation: 75-80% is healthy; a group under 60% deserves a warning (DOMAIN.md).
LOW_RESPONSE_RATE = 60.0
# The comment threshold when none is configured; vendors use up to 10 (DOMAIN.md).
DEFAULT_MIN_COMMENT_GROUP_SIZE = 10
RECOMMEND_KEY = "recommend"
ADKAR_PREFIX = "adkar_"
NO_BARRIER = "none"
CUSTOM_FAMILY = "custom"
# Spreadsheets run cells starting with these as formulas ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MICROSECOND = datetime.resolution


class UnknownFilter(LookupError):
    """A campaign that is not the survey's, or a team outside its organisation."""


class HiddenGroup(LookupError):
    """Figures were asked for a group the anonymity plan hides."""


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
    configured = current_app.config.get(
        "STEPWISE_MIN_COMMENT_GROUP_SIZE", DEFAULT_MIN_COMMENT_GROUP_SIZE
    )
    return max(int(configured), min_group_size())


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

    @property
    def last_day(self) -> date:
        """The campaign's last open day (campaigns close at 00:00 UTC of the next)."""
        return (self.closes_at - _MICROSECOND).date()

    @property
    def adkar_items(self) -> tuple[Item, ...]:
        return tuple(
            item for info, items in self.dimensions if info.family == "adkar" for item in items
        )


@dataclass(frozen=True)
class TeamNode:
    id: int
    name: str
    parent_id: int | None
    depth: int  # 0 for a team without a parent


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
class _Plan:
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
    teams: tuple[TeamNode, ...]  # the organisation's teams, parents before children
    groups: tuple[GroupResult, ...]  # the groups asked for, per campaign: everyone, then teams
    plans: Mapping[int, _Plan] = field(repr=False, default_factory=dict)

    def campaign(self, campaign_id: int) -> CampaignInfo | None:
        return next((c for c in self.campaigns if c.id == campaign_id), None)

    def team(self, team_id: int) -> TeamNode | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def group(self, campaign_id: int, team_id: int | None) -> GroupResult | None:
        return next(
            (g for g in self.groups if g.campaign_id == campaign_id and g.team_id == team_id),
            None,
        )

    def groups_of(self, campaign_id: int) -> list[GroupResult]:
        return [g for g in self.groups if g.campaign_id == campaign_id]

    def team_groups(self, campaign_id: int) -> list[GroupResult]:
        return [g for g in self.groups_of(campaign_id) if g.team_id is not None]

    def series(self, team_id: int | None) -> list[tuple[CampaignInfo, GroupResult | None]]:
        """One scope across campaigns (for trends); None where it was not asked."""
        return [(c, self.group(c.id, team_id)) for c in self.campaigns]

    def subtree(self, team_id: int) -> frozenset[int]:
        return _subtree_of(team_id, self.teams)


def _subtree_of(team_id: int, teams: Iterable[TeamNode]) -> frozenset[int]:
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
    survey: Survey, campaign_id: int | None = None, team_id: int | None = None
) -> SurveyResults:
    """Every campaign's figures per team and for everyone, with suppression applied.

    ``campaign_id`` keeps one campaign's groups; ``team_id`` keeps that team's
    group and its sub-teams' (the organisation-wide group goes). Filters only
    choose among groups planned over the whole organisation, so every filter
    combination shows exactly what the unfiltered results show for it.
    Raises ``UnknownFilter`` for a campaign of another survey or a team of
    another organisation. Six queries, whatever the number of teams.
    """
    organization_id, organization = db.session.execute(
        select(Organization.id, Organization.name)
        .join(Initiative, Initiative.organization_id == Organization.id)
        .where(Initiative.id == survey.initiative_id)
    ).one()
    campaigns = _campaigns(survey.id)
    teams = _teams(organization_id)
    if campaign_id is not None and campaign_id not in {c.id for c in campaigns}:
        raise UnknownFilter(f"campaign {campaign_id} is not a campaign of this survey")
    if team_id is not None and team_id not in {t.id for t in teams}:
        raise UnknownFilter(f"team {team_id} is not a team of this organisation")
    loaded = [c for c in campaigns if campaign_id is None or c.id == campaign_id]
    tallies = _Tallies.load([c.id for c in loaded])
    n, comment_n = min_group_size(), min_comment_group_size()
    groups: list[GroupResult] = []
    plans: dict[int, _Plan] = {}
    for campaign in loaded:
        plans[campaign.id] = _plan(tallies.responses.get(campaign.id, {}), teams, n, comment_n)
        groups.extend(_campaign_groups(campaign, teams, tallies, plans[campaign.id], n))
    if team_id is not None:
        keep = _subtree_of(team_id, teams)
        groups = [g for g in groups if g.team_id in keep]
    return SurveyResults(
        survey_id=survey.id,
        organization=organization,
        min_group_size=n,
        min_comment_group_size=comment_n,
        campaigns=tuple(campaigns),
        dimensions=_all_dimensions(campaigns),
        teams=tuple(teams),
        groups=tuple(groups),
        plans=plans,
    )


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
        select(Campaign.id, Campaign.opens_at, Campaign.closes_at, SurveyVersion.items)
        .join(SurveyVersion, SurveyVersion.id == Campaign.version_id)
        .where(Campaign.survey_id == survey_id)
        .order_by(Campaign.opens_at, Campaign.id)
    ).all()
    campaigns = []
    for number, (campaign_id, opens_at, closes_at, snapshot) in enumerate(rows, start=1):
        items = tuple(items_from_snapshot(snapshot))
        campaigns.append(
            CampaignInfo(
                id=campaign_id,
                number=number,
                opens_at=opens_at,
                closes_at=closes_at,
                items=items,
                dimensions=_campaign_dimensions(items),
                asks_recommend=any(
                    item.key == RECOMMEND_KEY and item.scale == RECOMMEND10 for item in items
                ),
            )
        )
    return campaigns


def _all_dimensions(campaigns: Sequence[CampaignInfo]) -> tuple[DimensionInfo, ...]:
    """Dimensions in the order the newest campaign asks them, then older ones."""
    seen: dict[str, DimensionInfo] = {}
    for campaign in reversed(campaigns):
        for info, _ in campaign.dimensions:
            seen.setdefault(info.key, info)
    return tuple(seen.values())


def _teams(organization_id: int) -> list[TeamNode]:
    """The organisation's teams depth-first, each parent before its children, by name."""
    rows = db.session.execute(
        select(Team.id, Team.name, Team.parent_id)
        .where(Team.organization_id == organization_id)
        .order_by(Team.name, Team.id)
    ).all()
    ids = {team_id for team_id, _, _ in rows}
    children: dict[int | None, list[tuple[int, str]]] = defaultdict(list)
    for team_id, name, parent_id in rows:
        children[parent_id if parent_id in ids else None].append((team_id, name))
    ordered: list[TeamNode] = []

    def visit(parent: int | None, depth: int) -> None:
        for team_id, name in children.get(parent, []):
            ordered.append(TeamNode(team_id, name, parent, depth))
            visit(team_id, depth + 1)

    visit(None, 0)
    return ordered


@dataclass
class _Tallies:
    """The tallies of some campaigns, keyed by campaign and team (three queries)."""

    headcounts: dict[int, dict[int, int]]
    responses: dict[int, dict[int, int]]
    answers: dict[int, dict[int, dict[str, Counter[int]]]]

    @classmethod
    def load(cls, campaign_ids: Sequence[int]) -> _Tallies:
        headcounts: dict[int, dict[int, int]] = defaultdict(dict)
        for campaign_id, team_id, headcount in db.session.execute(
            select(CampaignTeam.campaign_id, CampaignTeam.team_id, CampaignTeam.headcount).where(
                CampaignTeam.campaign_id.in_(campaign_ids)
            )
        ):
            headcounts[campaign_id][team_id] = headcount
        responses: dict[int, dict[int, int]] = defaultdict(dict)
        for campaign_id, team_id, count in db.session.execute(
            select(ResponseTally.campaign_id, ResponseTally.team_id, ResponseTally.responses).where(
                ResponseTally.campaign_id.in_(campaign_ids), ResponseTally.responses > 0
            )
        ):
            responses[campaign_id][team_id] = count
        answers: dict[int, dict[int, dict[str, Counter[int]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(Counter))
        )
        for campaign_id, team_id, item_key, value, n in db.session.execute(
            select(
                AnswerTally.campaign_id,
                AnswerTally.team_id,
                AnswerTally.item_key,
                AnswerTally.value,
                AnswerTally.n,
            ).where(AnswerTally.campaign_id.in_(campaign_ids), AnswerTally.n > 0)
        ):
            answers[campaign_id][team_id][item_key][value] += n
        return cls(headcounts, responses, answers)


def _plan(
    respondents: Mapping[int, int], teams: Sequence[TeamNode], n: int, comment_n: int
) -> _Plan:
    """The anonymity plan of one campaign over the whole team tree.

    Comments get their own plan at the comment threshold, kept inside the
    figures' plan (hiding more never lets anything new be derived).
    """
    counts = {str(t.id): respondents.get(t.id, 0) for t in teams}
    parents = {str(t.id): str(t.parent_id) if t.parent_id is not None else None for t in teams}
    shown = frozenset(int(key) for key in plan_hierarchy(counts, parents, n))
    comments = frozenset(int(key) for key in plan_hierarchy(counts, parents, comment_n)) & shown
    total = sum(counts.values())
    return _Plan(shown, comments, is_reportable(total, n), is_reportable(total, comment_n))


def _campaign_groups(
    campaign: CampaignInfo,
    teams: Sequence[TeamNode],
    tallies: _Tallies,
    plan: _Plan,
    n: int,
) -> list[GroupResult]:
    """The whole and every team asked (or with an asked sub-team), each over its subtree."""
    headcount = tallies.headcounts.get(campaign.id, {})
    direct = tallies.responses.get(campaign.id, {})
    answers = tallies.answers.get(campaign.id, {})
    sub_people: dict[int, int] = {}
    sub_headcount: dict[int, int] = {}
    sub_asked: dict[int, bool] = {}
    sub_counts: dict[int, dict[str, Counter[int]]] = {}
    children: dict[int | None, list[int]] = defaultdict(list)
    for team in teams:
        children[team.parent_id].append(team.id)
    for team in reversed(teams):  # children come after parents, so reversed is bottom-up
        kids = children.get(team.id, [])
        sub_people[team.id] = direct.get(team.id, 0) + sum(sub_people[k] for k in kids)
        sub_headcount[team.id] = headcount.get(team.id, 0) + sum(sub_headcount[k] for k in kids)
        sub_asked[team.id] = team.id in headcount or any(sub_asked[k] for k in kids)
        sub_counts[team.id] = _merge([answers.get(team.id, {}), *(sub_counts[k] for k in kids)])
    whole_people = sum(direct.values())
    whole = _group(
        campaign,
        None,
        "All teams",
        0,
        sum(headcount.values()),
        whole_people,
        plan.whole_shown,
        plan.whole_comments,
        _merge(answers.values()),
        n,
    )
    groups = [whole]
    for team in teams:
        if not sub_asked[team.id] and not sub_people[team.id]:
            continue
        groups.append(
            _group(
                campaign,
                team.id,
                team.name,
                team.depth + 1,
                sub_headcount[team.id],
                sub_people[team.id],
                team.id in plan.shown,
                team.id in plan.comments,
                sub_counts[team.id],
                n,
            )
        )
    return groups


def _merge(parts: Iterable[Mapping[str, Counter[int]]]) -> dict[str, Counter[int]]:
    merged: dict[str, Counter[int]] = defaultdict(Counter)
    for part in parts:
        for item_key, counts in part.items():
            merged[item_key].update(counts)
    return merged


def _group(
    campaign: CampaignInfo,
    team_id: int | None,
    name: str,
    depth: int,
    headcount: int,
    people: int,
    shown: bool,
    comments: bool,
    counts: Mapping[str, Mapping[int, int]],
    n: int,
) -> GroupResult:
    if not shown:
        status = GroupStatus.TOO_FEW if people < n else GroupStatus.PROTECTING
        return GroupResult(campaign.id, team_id, name, depth, headcount, status)
    dimensions = []
    for info, items in campaign.dimensions:
        score = dimension_score(items, counts)
        if score.mean is not None and score.favourable is not None:
            dimensions.append(DimensionResult(info, score.mean, score.favourable))
    recommend = enps(counts.get(RECOMMEND_KEY, {})) if campaign.asks_recommend else None
    return GroupResult(
        campaign.id,
        team_id,
        name,
        depth,
        headcount,
        GroupStatus.SHOWN,
        responses=people,
        dimensions=tuple(dimensions),
        enps=recommend,
        comments_shown=comments,
    )


def hidden_reason(group: GroupResult, min_size: int) -> str:
    """Why a group shows no figures, in words that give away no count."""
    if group.status is GroupStatus.TOO_FEW:
        return f"fewer than {min_size} responses"
    if group.status is GroupStatus.PROTECTING:
        return "hidden so that a smaller group cannot be worked out"
    return ""


# --- comments and the consultant's extras (one shown group at a time) --------------


def _shown_group(results: SurveyResults, campaign_id: int, team_id: int | None) -> GroupResult:
    group = results.group(campaign_id, team_id)
    if group is None or group.suppressed:
        raise HiddenGroup("this group's figures may not be shown")
    return group


def _in_group(results: SurveyResults, campaign_id: int, team_id: int | None) -> ColumnElement[bool]:
    condition = Response.campaign_id == campaign_id
    if team_id is None:
        return condition
    return and_(condition, Response.team_id.in_(sorted(results.subtree(team_id))))


def group_comments(results: SurveyResults, campaign_id: int, team_id: int | None) -> list[str]:
    """A shown group's comments, when it has enough respondents; alphabetical, not by time."""
    group = results.group(campaign_id, team_id)
    if group is None or not group.comments_shown:
        return []
    return list(
        db.session.scalars(
            select(Response.comment)
            .where(_in_group(results, campaign_id, team_id), Response.comment.is_not(None))
            .order_by(Response.comment)
        )
    )


@dataclass(frozen=True)
class AlphaRow:
    dimension: DimensionInfo
    items: int
    respondents: int  # who answered every item of the dimension
    alpha: float | None
    verdict: str


def dimension_alphas(
    results: SurveyResults, campaign_id: int, team_id: int | None
) -> list[AlphaRow]:
    """Cronbach's alpha of each multi-item dimension, for one shown group (consultants).

    One query: answers of the group's complete cases (everyone who answered
    all of a dimension's items) are joined to themselves on the response, and
    only n, the sums and the sums of products per item pair come back. The
    covariance of reverse-worded items is that of the raw answers with the
    sign flipped (x' = 6 - x), so SQL works on raw values.
    """
    _shown_group(results, campaign_id, team_id)
    campaign = results.campaign(campaign_id)
    assert campaign is not None
    dims = [(info, items) for info, items in campaign.dimensions if len(items) >= 2]
    if not dims:
        return []
    dim_of = {item.key: info.key for info, items in dims for item in items}
    size = {info.key: len(items) for info, items in dims}
    answers = (
        select(
            Answer.response_id,
            Answer.item_key,
            Answer.value,
            case(dim_of, value=Answer.item_key).label("dim"),
        )
        .join(Response, Response.id == Answer.response_id)
        .where(_in_group(results, campaign_id, team_id), Answer.item_key.in_(sorted(dim_of)))
        .cte("group_answers")
    )
    complete = (
        select(answers.c.response_id, answers.c.dim)
        .group_by(answers.c.response_id, answers.c.dim)
        .having(func.count() == case(size, value=answers.c.dim))
        .subquery("complete")
    )
    a, b = aliased(answers, name="a"), aliased(answers, name="b")
    rows = db.session.execute(
        select(
            a.c.dim,
            a.c.item_key,
            b.c.item_key,
            func.count(),
            func.sum(a.c.value),
            func.sum(b.c.value),
            func.sum(a.c.value * b.c.value),
        )
        .select_from(a)
        .join(complete, and_(complete.c.response_id == a.c.response_id, complete.c.dim == a.c.dim))
        .join(b, and_(b.c.response_id == a.c.response_id, b.c.dim == a.c.dim))
        .group_by(a.c.dim, a.c.item_key, b.c.item_key)
    ).all()
    sums: dict[str, dict[tuple[str, str], tuple[int, int, int, int]]] = defaultdict(dict)
    for dim, key_a, key_b, count, sum_a, sum_b, sum_ab in rows:
        sums[dim][(key_a, key_b)] = (int(count), int(sum_a), int(sum_b), int(sum_ab))
    return [_alpha_row(info, items, sums.get(info.key, {})) for info, items in dims]


def _alpha_row(
    info: DimensionInfo, items: Sequence[Item], sums: Mapping[tuple[str, str], tuple[int, ...]]
) -> AlphaRow:
    respondents = sums[(items[0].key, items[0].key)][0] if sums else 0
    if respondents < 2:
        return AlphaRow(info, len(items), respondents, None, alpha_verdict(None, respondents))
    sign = {item.key: -1 if item.reverse else 1 for item in items}

    def covariance(i: Item, j: Item) -> float:
        n, sum_i, sum_j, sum_ij = sums[(i.key, j.key)]
        return sign[i.key] * sign[j.key] * (sum_ij - sum_i * sum_j / n) / (n - 1)

    cov = [[covariance(i, j) for j in items] for i in items]
    alpha = cronbach_alpha_from_covariance(cov)
    return AlphaRow(info, len(items), respondents, alpha, alpha_verdict(alpha, respondents))


@dataclass(frozen=True)
class AdkarDistribution:
    """How many respondents of a shown group are stuck at each ADKAR element."""

    respondents: int
    counts: tuple[tuple[str, int], ...]  # each element in A-D-K-A-R order, then "none"

    def share(self, count: int) -> float:
        return 100 * count / self.respondents if self.respondents else 0.0


def adkar_distribution(
    results: SurveyResults, campaign_id: int, team_id: int | None
) -> AdkarDistribution | None:
    """The barrier-point distribution of one shown group, computed per response in SQL.

    A respondent's barrier point is the first element, in A-D-K-A-R order,
    scored 3 or lower (``survey.scoring.adkar_barrier``); an element asked by
    several statements scores their mean after reverse coding. SQL finds each
    response's barrier and counts them: a handful of rows come back. None when
    the campaign asked no ADKAR statement.
    """
    _shown_group(results, campaign_id, team_id)
    campaign = results.campaign(campaign_id)
    assert campaign is not None
    items = campaign.adkar_items
    if not items:
        return None
    position = {
        item.key: ADKAR_ORDER.index(item.dimension.removeprefix(ADKAR_PREFIX)) for item in items
    }
    low, high = SCALES[AGREE5]
    reversed_keys = sorted(item.key for item in items if item.reverse)
    recoded = (
        case((Answer.item_key.in_(reversed_keys), low + high - Answer.value), else_=Answer.value)
        if reversed_keys
        else Answer.value
    )
    per_element = (
        select(
            Answer.response_id,
            case(position, value=Answer.item_key).label("element"),
            recoded.label("score"),
        )
        .join(Response, Response.id == Answer.response_id)
        .where(_in_group(results, campaign_id, team_id), Answer.item_key.in_(sorted(position)))
        .subquery("adkar_answers")
    )
    scores = (
        select(
            per_element.c.response_id,
            per_element.c.element,
            func.avg(per_element.c.score).label("score"),
        )
        .group_by(per_element.c.response_id, per_element.c.element)
        .subquery("adkar_scores")
    )
    barriers = (
        select(
            scores.c.response_id,
            func.min(case((scores.c.score <= ADKAR_BARRIER_AT, scores.c.element))).label("barrier"),
        )
        .group_by(scores.c.response_id)
        .subquery("adkar_barriers")
    )
    found = dict(
        db.session.execute(
            select(barriers.c.barrier, func.count()).group_by(barriers.c.barrier)
        ).all()
    )
    counts = [(element, int(found.get(index, 0))) for index, element in enumerate(ADKAR_ORDER)]
    counts.append((NO_BARRIER, int(found.get(None, 0))))
    return AdkarDistribution(sum(count for _, count in counts), tuple(counts))


# --- exports -----------------------------------------------------------------------------


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _number(value: float | None, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"


def aggregates_csv(results: SurveyResults) -> str:
    """The groups of ``results`` as CSV, one row per campaign and group, hidden ones blank.

    The same groups as the page and the API: a hidden group's row names why
    it is hidden and carries no count, rate or score.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "campaign_id", "campaign_first_day", "campaign_last_day", "team_id", "team",
            "shown", "note", "responses", "headcount", "response_rate", "enps",
            *[f"{d.key}_{part}" for d in results.dimensions for part in ("mean", "favourable")],
        ]
    )  # fmt: skip
    campaigns = {c.id: c for c in results.campaigns}
    for group in results.groups:
        campaign = campaigns[group.campaign_id]
        note = hidden_reason(group, results.min_group_size)
        if group.low_response_rate:
            note = f"response rate under {LOW_RESPONSE_RATE:.0f}%"
        scores: list[str] = []
        for info in results.dimensions:
            result = group.dimension(info.key)
            scores += [
                _number(result.mean if result else None, 2),
                _number(result.favourable if result else None, 1),
            ]
        writer.writerow(
            [
                campaign.id, campaign.opens_at.date().isoformat(), campaign.last_day.isoformat(),
                group.team_id if group.team_id is not None else "", csv_cell(group.name),
                "no" if group.suppressed else "yes", note,
                group.responses if group.responses is not None else "", group.headcount,
                _number(group.response_rate, 1), _number(group.enps, 1), *scores,
            ]
        )  # fmt: skip
    return out.getvalue()


def _label_group(
    team_id: int, shown: frozenset[int], results: SurveyResults
) -> tuple[int | None, frozenset[int]]:
    """The finest shown group a team's respondents can be put in, and the teams it holds.

    That is the nearest shown team at or above ``team_id`` (or the whole),
    less its shown sub-teams: by the plan it holds nobody or at least the
    threshold, so labelling a raw answer with it reveals no smaller group.
    """
    by_id = {t.id: t for t in results.teams}
    anchor: int | None = team_id
    while anchor is not None and anchor not in shown:
        anchor = by_id[anchor].parent_id if anchor in by_id else None
    if anchor is None:
        members = {t.id for t in results.teams}
        kids = [t.id for t in results.teams if t.parent_id is None and t.id in shown]
    else:
        members = set(results.subtree(anchor))
        kids = [t.id for t in results.teams if t.parent_id == anchor and t.id in shown]
    for kid in kids:
        members -= results.subtree(kid)
    return anchor, frozenset(members)


def _label_text(anchor: int | None, members: frozenset[int], results: SurveyResults) -> str:
    if anchor is None:
        return "All teams" if len(members) == len(results.teams) else "Other teams"
    name = next(t.name for t in results.teams if t.id == anchor)
    return name if members == results.subtree(anchor) else f"{name} (other)"


def answers_csv(results: SurveyResults) -> str:
    """Raw answers for consultants, anonymised: one row per response.

    - responses are numbered afresh (no database ids), sorted by campaign,
      team and day, never by the moment of answering;
    - ``submitted_on`` is a day; no time is stored at all;
    - the team is the finest group the plan shows that holds the respondent
      (``Sales (other)``, ``Other teams``), never a team it hides;
    - campaigns whose whole organisation is under the threshold are left out;
    - a comment is kept only when its row's group is also a group the comment
      plan shows (at least the comment threshold), else the cell is empty.
    Values are as answered (reverse-worded items are not recoded).
    """
    campaigns = {c.id: c for c in results.campaigns if c.id in results.plans}
    reportable = [cid for cid, plan in results.plans.items() if plan.whole_shown]
    keys = list(
        dict.fromkeys(i.key for c in campaigns.values() for i in c.items if i.scale in SCALES)
    )
    columns = [func.max(case((Answer.item_key == key, Answer.value))) for key in keys]
    rows = db.session.execute(
        select(
            Response.id,
            Response.campaign_id,
            Response.team_id,
            Response.submitted_on,
            Response.comment,
            *columns,
        )
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.campaign_id.in_(reportable))
        .group_by(
            Response.id,
            Response.campaign_id,
            Response.team_id,
            Response.submitted_on,
            Response.comment,
        )
    ).all()
    labels: dict[tuple[int, int], tuple[str, bool]] = {}
    out_rows = []
    for row in rows:
        _, campaign_id, team_id, day, comment, *values = row
        key = (campaign_id, team_id)
        if key not in labels:
            labels[key] = _raw_label(results, campaign_id, team_id)
        label, keep_comment = labels[key]
        number = campaigns[campaign_id].number
        out_rows.append((number, label, day, row[0], comment if keep_comment else None, values))
    out_rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["response", "campaign", "team", "submitted_on", *keys, "comment"])
    for index, (number, label, day, _, comment, values) in enumerate(out_rows, start=1):
        writer.writerow(
            [
                index,
                number,
                csv_cell(label),
                day.isoformat(),
                *["" if v is None else v for v in values],
                csv_cell(comment or ""),
            ]
        )
    return out.getvalue()


def _raw_label(results: SurveyResults, campaign_id: int, team_id: int) -> tuple[str, bool]:
    plan = results.plans[campaign_id]
    anchor, members = _label_group(team_id, plan.shown, results)
    comment_anchor, comment_members = _label_group(team_id, plan.comments, results)
    keep = plan.whole_comments and (anchor, members) == (comment_anchor, comment_members)
    return _label_text(anchor, members, results), keep


# --- for the diagnosis -------------------------------------------------------------------


def _campaign_for(
    initiative: Initiative, campaign: Campaign | None, family: str | None
) -> Campaign | None:
    """``campaign``, or the newest of the initiative with an organisation-wide figure.

    With ``family``, the newest that asked a dimension of that family.
    """
    if campaign is not None:
        return campaign
    totals = (
        select(ResponseTally.campaign_id, func.sum(ResponseTally.responses).label("people"))
        .group_by(ResponseTally.campaign_id)
        .subquery()
    )
    candidates = db.session.execute(
        select(Campaign, SurveyVersion.items)
        .join(Survey, Survey.id == Campaign.survey_id)
        .join(SurveyVersion, SurveyVersion.id == Campaign.version_id)
        .join(totals, totals.c.campaign_id == Campaign.id)
        .where(Survey.initiative_id == initiative.id, totals.c.people >= min_group_size())
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
        select(Campaign.survey_id, Campaign.id, Campaign.opens_at, Campaign.closes_at)
        .where(Campaign.survey_id.in_([survey.id for survey in found]))
        .order_by(Campaign.opens_at, Campaign.id)
    ).all()
    campaigns: dict[int, list[CampaignInfo]] = defaultdict(list)
    for survey_id, campaign_id, opens_at, closes_at in rows:
        number = len(campaigns[survey_id]) + 1
        campaigns[survey_id].append(
            CampaignInfo(campaign_id, number, opens_at, closes_at, (), (), False)
        )
    return [(survey, campaigns[survey.id]) for survey in found]
