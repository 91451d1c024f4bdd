"""Computing a closed campaign's groups: tallies per team, the anonymity plan, the figures.

Every group is computed over the team tree frozen when the campaign was
created, from the exact tallies kept with each answer (``AnswerTally``,
``ResponseTally``), never from the answers themselves. The plan
(``survey.anonymity.plan_hierarchy``) hides a group below the threshold and,
by complementary suppression, any group from which a hidden one could be
worked out by subtraction; comments get their own plan at their own threshold.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from app.services.results.groups import (
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
    team_nodes,
)
from models import AnswerTally, Campaign, CampaignTeam, ResponseTally, SurveyVersion, Team, db
from survey.anonymity import is_reportable, plan_hierarchy
from survey.scoring import dimension_score, enps


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
