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

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update

from app.services.results import (
    RECOMMEND_KEY,
    CampaignInfo,
    DimensionResult,
    GroupResult,
    GroupStatus,
    Plan,
    TeamNode,
    campaign_info,
    min_comment_group_size,
    min_group_size,
    reason_for,
    survey_results,
    team_nodes,
)
from app.services.results_detail import adkar_distribution, dimension_alphas
from models import (
    AnswerTally,
    Campaign,
    CampaignTeam,
    Initiative,
    PublishedGroup,
    ResponseTally,
    Survey,
    SurveyVersion,
    Team,
    db,
)
from survey.anonymity import is_reportable, plan_hierarchy
from survey.scoring import dimension_score, enps

PUBLISH_GRACE = timedelta(minutes=2)
# Participation bands of an open campaign: (upper bound in percent, words).
BANDS: tuple[tuple[float, str], ...] = ((30.0, "under 30%"), (60.0, "30–60%"))
TOP_BAND = "over 60%"


# --- the frozen tree ---------------------------------------------------------------------


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


# --- computing one campaign's groups ----------------------------------------------------


@dataclass
class _Tallies:
    """One campaign's exact tallies, by team (three queries)."""

    headcounts: dict[int, int]
    responses: dict[int, int]
    answers: dict[int, dict[str, Counter[int]]]

    @classmethod
    def load(cls, campaign_id: int) -> _Tallies:
        headcounts = dict(
            db.session.execute(
                select(CampaignTeam.team_id, CampaignTeam.headcount).where(
                    CampaignTeam.campaign_id == campaign_id
                )
            ).all()
        )
        responses = dict(
            db.session.execute(
                select(ResponseTally.team_id, ResponseTally.responses).where(
                    ResponseTally.campaign_id == campaign_id, ResponseTally.responses > 0
                )
            ).all()
        )
        answers: dict[int, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
        for team_id, item_key, value, n in db.session.execute(
            select(
                AnswerTally.team_id, AnswerTally.item_key, AnswerTally.value, AnswerTally.n
            ).where(AnswerTally.campaign_id == campaign_id, AnswerTally.n > 0)
        ):
            answers[team_id][item_key][value] += n
        return cls(headcounts, responses, answers)


def plan_campaign(
    respondents: Mapping[int, int], teams: Sequence[TeamNode], n: int, comment_n: int
) -> Plan:
    """The anonymity plan of one campaign over its frozen team tree.

    Comments get their own plan at the comment threshold, kept inside the
    figures' plan (hiding more never lets anything new be derived).
    """
    counts = {str(t.id): respondents.get(t.id, 0) for t in teams}
    parents = {str(t.id): str(t.parent_id) if t.parent_id is not None else None for t in teams}
    shown = frozenset(int(key) for key in plan_hierarchy(counts, parents, n))
    comments = frozenset(int(key) for key in plan_hierarchy(counts, parents, comment_n)) & shown
    total = sum(counts.values())
    return Plan(shown, comments, is_reportable(total, n), is_reportable(total, comment_n))


def campaign_groups(
    campaign: CampaignInfo, teams: Sequence[TeamNode], tallies: _Tallies, n: int, comment_n: int
) -> list[GroupResult]:
    """The whole and every team asked (or with an asked sub-team), each over its subtree."""
    plan = plan_campaign(tallies.responses, teams, n, comment_n)
    sub_people: dict[int, int] = {}
    sub_headcount: dict[int, int] = {}
    sub_asked: dict[int, bool] = {}
    sub_counts: dict[int, dict[str, Counter[int]]] = {}
    children: dict[int | None, list[int]] = defaultdict(list)
    for team in teams:
        children[team.parent_id].append(team.id)
    for team in reversed(teams):  # children come after parents, so reversed is bottom-up
        kids = children.get(team.id, [])
        sub_people[team.id] = tallies.responses.get(team.id, 0) + sum(sub_people[k] for k in kids)
        sub_headcount[team.id] = tallies.headcounts.get(team.id, 0) + sum(
            sub_headcount[k] for k in kids
        )
        sub_asked[team.id] = team.id in tallies.headcounts or any(sub_asked[k] for k in kids)
        sub_counts[team.id] = _merge(
            [tallies.answers.get(team.id, {}), *(sub_counts[k] for k in kids)]
        )
    whole = _group(
        campaign,
        TeamNode(0, "All teams", None, -1),
        sum(tallies.headcounts.values()),
        sum(tallies.responses.values()),
        (plan.whole_shown, plan.whole_comments),
        _merge(tallies.answers.values()),
        n,
        whole=True,
    )
    groups = [whole]
    for team in teams:
        if not sub_asked[team.id] and not sub_people[team.id]:
            continue
        groups.append(
            _group(
                campaign,
                team,
                sub_headcount[team.id],
                sub_people[team.id],
                (team.id in plan.shown, team.id in plan.comments),
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
    team: TeamNode,
    headcount: int,
    people: int,
    shown: tuple[bool, bool],
    counts: Mapping[str, Mapping[int, int]],
    n: int,
    *,
    whole: bool = False,
) -> GroupResult:
    team_id = None if whole else team.id
    parent_id = None if whole else team.parent_id
    if not shown[0]:
        status = GroupStatus.TOO_FEW if people < n else GroupStatus.PROTECTING
        return GroupResult(
            campaign.id, team_id, team.name, team.depth + 1, headcount, status, parent_id=parent_id
        )
    dimensions = []
    for info, items in campaign.dimensions:
        score = dimension_score(items, counts)
        if score.mean is not None and score.favourable is not None:
            dimensions.append(DimensionResult(info, score.mean, score.favourable))
    recommend = enps(counts.get(RECOMMEND_KEY, {})) if campaign.asks_recommend else None
    return GroupResult(
        campaign.id,
        team_id,
        team.name,
        team.depth + 1,
        headcount,
        GroupStatus.SHOWN,
        responses=people,
        dimensions=tuple(dimensions),
        enps=recommend,
        comments_shown=shown[1],
        parent_id=parent_id,
    )


def compute_campaign(campaign: Campaign) -> list[GroupResult]:
    """A campaign's groups from its tallies and frozen tree, as publication stores them.

    Teams that answered but are missing from the frozen tree (a campaign made
    before trees were frozen) count as top-level teams under today's name.
    """
    items = db.session.scalar(
        select(SurveyVersion.items).where(SurveyVersion.id == campaign.version_id)
    )
    info = campaign_info(campaign.id, 1, campaign.opens_at, campaign.closes_at, items or [])
    tallies = _Tallies.load(campaign.id)
    tree = [list(node) for node in campaign.team_tree or []]
    known = {node[0] for node in tree}
    strays = (set(tallies.responses) | set(tallies.headcounts)) - known
    if strays:
        tree += [
            [team_id, None, name]
            for team_id, name in db.session.execute(
                select(Team.id, Team.name).where(Team.id.in_(sorted(strays)))
            )
        ]
    return campaign_groups(
        info, team_nodes(tree), tallies, min_group_size(), min_comment_group_size()
    )


# --- publishing ------------------------------------------------------------------------------


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


def _store_details(campaign: Campaign) -> None:
    """Alpha and ADKAR barriers need every answer of the organisation-wide group: count once."""
    survey = db.session.get_one(Survey, campaign.survey_id)
    found = survey_results(survey, campaign.id, team_groups_of=())
    whole = found.group(campaign.id, None)
    if whole is None or whole.suppressed:
        return
    alphas = dimension_alphas(found, campaign.id, None)
    adkar = adkar_distribution(found, campaign.id, None)
    db.session.execute(
        update(PublishedGroup)
        .where(PublishedGroup.campaign_id == campaign.id, PublishedGroup.team_id.is_(None))
        .values(
            alphas=[[r.dimension.key, r.items, r.respondents, r.alpha] for r in alphas],
            adkar=[list(pair) for pair in adkar.counts] if adkar is not None else None,
        )
        .execution_options(synchronize_session=False)
    )


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


def publish_due(now: datetime) -> list[Published]:
    """Publish every campaign that is due, each in its own transaction."""
    done: list[Published] = []
    due = due_for_publication(now)
    db.session.commit()  # end the read before claiming: the claim starts the write
    for campaign_id in due:
        published = publish(campaign_id, now)
        db.session.commit()
        if published is not None:
            done.append(published)
    return done


# --- participation while open ----------------------------------------------------------


@dataclass(frozen=True)
class TeamParticipation:
    team_id: int
    name: str
    headcount: int
    band: str | None  # None: too few people asked to show even a band


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
    return next((words for upper, words in BANDS if rate < upper), TOP_BAND)


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


def _so_far(responses: int, headcount: int, n: int) -> str:
    if responses < n:
        return f"fewer than {n} responses so far"
    if not headcount:
        return f"{responses} responses so far"
    return f"{round(100 * min(responses, headcount) / headcount)}% answered so far"


def progress_of_campaigns(campaigns: Sequence[Campaign]) -> dict[int, str]:
    """One line per campaign for lists: participation while unpublished, then the whole's count.

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
            lines[campaign.id] = f"fewer than {n} responses"
        else:
            lines[campaign.id] = f"{whole.responses:,} responses"
    return lines


def progress_of_teams(campaign: Campaign) -> dict[int, str]:
    """Each asked team's line on the campaign page: a band while unpublished, then as published.

    A published team line covers the team with its sub-teams, as its results
    do; a hidden team says why, with no count.
    """
    n = min_group_size()
    if campaign.published_at is None:
        return {
            team.team_id: team.band + " answered so far"
            if team.band
            else f"participation not shown (fewer than {n} asked)"
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
            lines[row.team_id] = reason_for(GroupStatus(row.status), n)
        else:
            lines[row.team_id] = f"{row.responses:,} responses (with sub-teams)"
    return lines
