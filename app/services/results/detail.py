"""A published group's figures that need individual answers: comments, alpha, ADKAR.

Each function works on one group that ``survey_results`` shows, of a
published campaign (``HiddenGroup`` otherwise), and reads only counts and
sums from SQL. The answers of a published campaign never change, so neither
do these figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext, ngettext
from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import aliased

from app.services.results.groups import DimensionInfo, GroupResult, HiddenGroup, SurveyResults
from models import Answer, Response, db
from survey.instruments import AGREE5, SCALES, Item
from survey.scoring import (
    ADKAR_BARRIER_AT,
    ADKAR_ORDER,
    alpha_verdict,
    cronbach_alpha_from_covariance,
)

ADKAR_PREFIX = "adkar_"
NO_BARRIER = "none"


def _shown_group(results: SurveyResults, campaign_id: int, team_id: int | None) -> GroupResult:
    group = results.group(campaign_id, team_id)
    campaign = results.campaign(campaign_id)
    if group is None or group.suppressed or campaign is None or not campaign.published:
        raise HiddenGroup("this group's figures may not be shown")
    return group


def _in_group(results: SurveyResults, campaign_id: int, team_id: int | None) -> ColumnElement[bool]:
    condition = Response.campaign_id == campaign_id
    if team_id is None:
        return condition
    return and_(condition, Response.team_id.in_(sorted(results.subtree(team_id, campaign_id))))


COMMENTS_PER_PAGE = 50


@dataclass(frozen=True)
class Comments:
    """One page of a shown group's comments, alphabetical (never in the order they came)."""

    texts: tuple[str, ...]
    total: int
    page: int
    pages: int


def group_comments(
    results: SurveyResults, campaign_id: int, team_id: int | None, page: int = 1
) -> Comments:
    """A page of a shown group's comments, when it has enough respondents to show them."""
    group = results.group(campaign_id, team_id)
    if group is None or not group.comments_shown:
        return Comments((), 0, 1, 1)
    _shown_group(results, campaign_id, team_id)
    where = (_in_group(results, campaign_id, team_id), Response.comment.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(Response).where(*where)) or 0
    pages = max(1, -(-total // COMMENTS_PER_PAGE))
    page = min(max(page, 1), pages)
    texts = db.session.scalars(
        select(Response.comment)
        .where(*where)
        .order_by(Response.comment, Response.id)
        .limit(COMMENTS_PER_PAGE)
        .offset((page - 1) * COMMENTS_PER_PAGE)
    )
    return Comments(tuple(text or "" for text in texts), total, page, pages)


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
    group = _shown_group(results, campaign_id, team_id)
    campaign = results.campaign(campaign_id)
    assert campaign is not None
    dims = [(info, items) for info, items in campaign.dimensions if len(items) >= 2]
    if not dims:
        return []
    if group.alphas is not None:  # computed when the campaign was published
        stored = {key: (items, n, alpha) for key, items, n, alpha in group.alphas}
        return [
            AlphaRow(info, items, n, alpha, alpha_verdict(alpha, n, gettext, ngettext))
            for info, (items, n, alpha) in ((info, stored[info.key]) for info, _ in dims)
        ]
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
        return AlphaRow(
            info, len(items), respondents, None, alpha_verdict(None, respondents, gettext, ngettext)
        )
    sign = {item.key: -1 if item.reverse else 1 for item in items}

    def covariance(i: Item, j: Item) -> float:
        n, sum_i, sum_j, sum_ij = sums[(i.key, j.key)]
        return sign[i.key] * sign[j.key] * (sum_ij - sum_i * sum_j / n) / (n - 1)

    cov = [[covariance(i, j) for j in items] for i in items]
    alpha = cronbach_alpha_from_covariance(cov)
    return AlphaRow(
        info, len(items), respondents, alpha, alpha_verdict(alpha, respondents, gettext, ngettext)
    )


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
    group = _shown_group(results, campaign_id, team_id)
    campaign = results.campaign(campaign_id)
    assert campaign is not None
    items = campaign.adkar_items
    if not items:
        return None
    if group.adkar is not None:  # counted when the campaign was published
        return AdkarDistribution(sum(n for _, n in group.adkar), group.adkar)
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
    found: dict[int | None, int] = dict(
        db.session.execute(
            select(barriers.c.barrier, func.count()).group_by(barriers.c.barrier)
        ).all()
    )
    counts = [(element, int(found.get(index, 0))) for index, element in enumerate(ADKAR_ORDER)]
    counts.append((NO_BARRIER, int(found.get(None, 0))))
    return AdkarDistribution(sum(count for _, count in counts), tuple(counts))
