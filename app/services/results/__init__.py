"""Pulse-survey results, by question.

- ``groups``: what results are made of (campaigns, teams, groups, hidden reasons);
- ``published``: ``survey_results``, the one reading behind every page, export and API answer;
- ``suppression``: computing a closed campaign's groups under the anonymity plan;
- ``publication``: storing them once, when the campaign closes (``surveys tick``);
- ``participation``: what an open campaign shows instead;
- ``detail``: comments, Cronbach's alpha and ADKAR barriers of a shown group;
- ``exports``: the CSV exports;
- ``for_diagnosis``: what the diagnosis reads.

The names most callers need are importable from here.
"""

from app.services.results.for_diagnosis import kotter_staff_means, team_dimension_means
from app.services.results.groups import (
    CUSTOM_FAMILY,
    LOW_RESPONSE_RATE,
    RECOMMEND_KEY,
    CampaignInfo,
    DimensionInfo,
    DimensionResult,
    GroupResult,
    GroupStatus,
    HiddenGroup,
    Plan,
    SurveyResults,
    TeamNode,
    UnknownFilter,
    campaign_dimensions,
    campaign_info,
    dimension_info,
    dimension_title,
    hidden_reason,
    min_comment_group_size,
    min_group_size,
    reason_for,
    subtree_of,
    team_nodes,
)
from app.services.results.published import (
    newest_shown_campaign,
    published_campaign_ids,
    survey_results,
    surveys_with_campaigns,
)

__all__ = [
    "CUSTOM_FAMILY",
    "LOW_RESPONSE_RATE",
    "RECOMMEND_KEY",
    "CampaignInfo",
    "DimensionInfo",
    "DimensionResult",
    "GroupResult",
    "GroupStatus",
    "HiddenGroup",
    "Plan",
    "SurveyResults",
    "TeamNode",
    "UnknownFilter",
    "campaign_dimensions",
    "campaign_info",
    "dimension_info",
    "dimension_title",
    "hidden_reason",
    "kotter_staff_means",
    "min_comment_group_size",
    "min_group_size",
    "newest_shown_campaign",
    "published_campaign_ids",
    "reason_for",
    "subtree_of",
    "survey_results",
    "surveys_with_campaigns",
    "team_dimension_means",
    "team_nodes",
]
