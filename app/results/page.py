"""What the results page shows, gathered from the one results function for one audience.

The page reads ``survey_results`` for the chosen scope (everyone, or one team
and its sub-teams) across all campaigns, and picks one campaign for the
detailed tables. Consultants (and site admins) also get Cronbach's alpha.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext

from app.results import charts
from app.services.effect_readings import ActionEffect
from app.services.effects import survey_effects
from app.services.results import (
    CampaignInfo,
    DimensionInfo,
    GroupResult,
    SurveyResults,
    detail,
)
from app.services.results.detail import AdkarDistribution, AlphaRow
from app.services.results.groups import shown_reason
from app.services.results.participation import Participation, participation
from app.services.survey_actions import ActionEntry, actions_of, suggested_you_said

TEAMS_PER_PAGE = 30


@dataclass(frozen=True)
class DimensionRow:
    info: DimensionInfo
    mean: float
    favourable: float
    change: float | None  # mean minus the previous campaign's, when both are shown


@dataclass(frozen=True)
class TrendChart:
    title: str
    dimensions: tuple[DimensionInfo, ...]
    spec: str


@dataclass
class ResultsPage:
    results: SurveyResults
    campaign: CampaignInfo | None
    team_id: int | None
    scope: GroupResult | None = None
    rows: list[DimensionRow] = field(default_factory=list)
    participation: list[GroupResult] = field(default_factory=list)
    adkar: AdkarDistribution | None = None
    adkar_chart: str | None = None
    alphas: list[AlphaRow] | None = None
    comments: detail.Comments | None = None
    trend_charts: list[TrendChart] = field(default_factory=list)
    enps_chart: str | None = None
    heatmap: str | None = None
    actions: list[ActionEntry] = field(default_factory=list)
    # "Did it work?" of each dated entry, by entry id.
    effects: dict[int, ActionEffect] = field(default_factory=dict)
    suggestion: str = ""
    # The chosen campaign is not published: participation only.
    waiting: Participation | None = None
    campaign_open: bool = False
    # The scope's direct sub-teams are listed TEAMS_PER_PAGE at a time; deeper ones by drilling in.
    teams_page: int = 1
    teams_pages: int = 1

    @property
    def min_size(self) -> int:
        return self.results.min_group_size

    @property
    def series(self) -> list[tuple[CampaignInfo, GroupResult | None]]:
        return self.results.series(self.team_id)

    @property
    def ever_shown(self) -> bool:
        """Whether the chosen scope could be shown in any campaign."""
        return any(group is not None and not group.suppressed for _, group in self.series)

    @property
    def scope_name(self) -> str:
        if self.team_id is None:
            return str(gettext("All teams"))
        team = self.results.team(self.team_id)
        return team.name if team is not None else gettext("This team")

    def hidden_reason(self, group: GroupResult) -> str:
        return shown_reason(group, self.min_size)


def default_campaign(results: SurveyResults, team_id: int | None) -> CampaignInfo | None:
    """The newest published campaign where the scope may be shown, else the newest campaign."""
    for campaign in reversed(results.published):
        group = results.group(campaign.id, team_id)
        if group is not None and not group.suppressed:
            return campaign
    return results.campaigns[-1] if results.campaigns else None


def build_page(
    results: SurveyResults,
    campaign: CampaignInfo | None,
    team_id: int | None,
    *,
    consultant: bool,
    now: datetime,
    respond: str | None = None,
    teams_page: int = 1,
    comments_page: int = 1,
) -> ResultsPage:
    page = ResultsPage(results, campaign, team_id, actions=actions_of(results))
    if any(entry.done_on for entry in page.actions):
        page.effects = survey_effects(results.survey_id, now.date())
    _trends(page)
    if campaign is None:
        return page
    if not campaign.published:
        page.waiting = participation(campaign.id)
        page.campaign_open = campaign.closes_at > now
        return page
    page.participation = _one_level(page, results.groups_of(campaign.id), teams_page)
    teams = [g for g in page.participation if g.team_id is not None]
    if len(teams) > 1 and any(not g.suppressed for g in teams):
        asked = [info for info, _ in campaign.dimensions]
        page.heatmap = charts.heatmap_chart(teams, asked, page.min_size)
    page.scope = results.group(campaign.id, team_id)
    if page.scope is None or page.scope.suppressed:
        return page
    page.rows = _rows(results, campaign, page.scope)
    page.comments = detail.group_comments(results, campaign.id, team_id, comments_page)
    page.adkar = detail.adkar_distribution(results, campaign.id, team_id)
    page.adkar_chart = charts.adkar_chart(page.adkar) if page.adkar else None
    if consultant:
        page.alphas = detail.dimension_alphas(results, campaign.id, team_id)
    if respond:
        page.suggestion = suggested_you_said(results, campaign.id, team_id, respond)
    return page


def _one_level(page: ResultsPage, groups: list[GroupResult], wanted: int) -> list[GroupResult]:
    """The scope's whole tree when it is short; else its own group and one page of its
    direct sub-teams (readable at 200 teams: each links to its own view, one level down)."""
    if len(groups) <= TEAMS_PER_PAGE:
        return groups
    scope = next((g for g in groups if g.team_id == page.team_id), None)
    depth = scope.depth if scope is not None else (0 if page.team_id is None else 1)
    children = [g for g in groups if g.team_id is not None and g.depth == depth + 1]
    page.teams_pages = max(1, -(-len(children) // TEAMS_PER_PAGE))
    page.teams_page = min(max(wanted, 1), page.teams_pages)
    start = (page.teams_page - 1) * TEAMS_PER_PAGE
    return ([scope] if scope is not None else []) + children[start : start + TEAMS_PER_PAGE]


def _rows(results: SurveyResults, campaign: CampaignInfo, scope: GroupResult) -> list[DimensionRow]:
    before = results.previous(campaign)
    previous = results.group(before.id, scope.team_id) if before is not None else None
    rows = []
    for result in scope.dimensions:
        earlier = previous.dimension(result.key) if previous is not None else None
        change = result.mean - earlier.mean if earlier is not None else None
        rows.append(DimensionRow(result.info, result.mean, result.favourable, change))
    return rows


def _trends(page: ResultsPage) -> None:
    """One chart per family of dimensions, and eNPS, across every campaign."""
    series = page.series
    if len(series) < 2 or not page.ever_shown:
        return
    families: dict[str, list[DimensionInfo]] = {}
    for info in page.results.dimensions:
        families.setdefault(info.family, []).append(info)
    for dims in families.values():
        title = dims[0].family_name
        if not dims[0].higher_is_better:
            title = gettext("%(family)s (high = more resistance)", family=title)
        page.trend_charts.append(TrendChart(title, tuple(dims), charts.trend_chart(series, dims)))
    if any(campaign.asks_recommend for campaign, _ in series):
        page.enps_chart = charts.enps_trend_chart(series)
