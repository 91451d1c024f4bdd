"""What pulse results are made of: campaigns, teams, groups and their figures.

A group is one campaign's figures for one team (its whole subtree in the
campaign's frozen tree) or for everyone. A hidden group carries no score, no
count and no response rate, only why it is hidden (``GroupStatus``), so no
view can print what it does not have.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask import current_app
from flask_babel import gettext

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


def hidden_reason(group: GroupResult, min_size: int) -> str:
    """Why a group shows no figures, in words that give away no count."""
    return reason_for(group.status, min_size)


def shown_reason(group: GroupResult, min_size: int) -> str:
    """``hidden_reason`` in the page's language (the API and the exports keep the English)."""
    return shown_reason_for(group.status, min_size)


def shown_reason_for(status: GroupStatus, min_size: int) -> str:
    """``reason_for`` in the page's language."""
    if status is GroupStatus.TOO_FEW:
        return str(gettext("fewer than %(n)s responses", n=min_size))
    if status is GroupStatus.PROTECTING:
        return str(gettext("hidden so that a smaller group cannot be worked out"))
    return ""


def reason_for(status: GroupStatus, min_size: int) -> str:
    if status is GroupStatus.TOO_FEW:
        return f"fewer than {min_size} responses"
    if status is GroupStatus.PROTECTING:
        return "hidden so that a smaller group cannot be worked out"
    return ""


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
    def title(self) -> str:
        """The name in the page's language (``name`` stays English for the API and exports)."""
        return dimension_title(self.key, self.name)

    @property
    def family_name(self) -> str:
        """The family's name in the page's language."""
        family = FAMILIES.get(self.family)
        return str(gettext(family)) if family else str(gettext("Your own statements"))

    @property
    def reading(self) -> str:
        """How to read a high score, in the page's language."""
        if self.higher_is_better:
            return str(gettext("higher is better"))
        return str(gettext("high = more resistance"))


def dimension_title(key: str, name: str) -> str:
    """A dimension's name in the page's language: the library's are translated, a
    statement of the survey's own stays as typed."""
    return str(gettext(name)) if key in DIMENSIONS_BY_KEY else name


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
    items = tuple(items_from_snapshot([dict(data) for data in snapshot]))
    return CampaignInfo(
        id=campaign_id,
        number=number,
        opens_at=opens_at,
        closes_at=closes_at,
        items=items,
        dimensions=campaign_dimensions(items),
        asks_recommend=any(
            item.key == RECOMMEND_KEY and item.scale == RECOMMEND10 for item in items
        ),
        published_at=published_at,
    )


def campaign_dimensions(
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
    # Likewise, as anonymity allows: (language, "other" or "unknown", responses); consultants only.
    languages: tuple[tuple[str, int], ...] | None = None

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
