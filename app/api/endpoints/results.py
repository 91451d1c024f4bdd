"""Pulse surveys and their published results, a page of campaigns at a time."""

from __future__ import annotations

from flask import abort, url_for
from werkzeug.wrappers import Response

from app.access import initiative_access
from app.api.auth import api_user
from app.api.openapi import Operation, Query, documented
from app.api.responses import answer, whole_number_arg
from app.api.schemas.base import Items
from app.api.schemas.results import CampaignResults, ResultGroup, ResultsPage, SurveySummary
from app.routing import id_arg
from app.services import results as results_service
from app.services import surveys
from models import Survey

# Campaigns per page of results: 200 teams make about 120 KB of JSON per campaign.
RESULTS_PER_PAGE = 4
RESULTS_MAX_PER_PAGE = 26


@documented(
    Operation("Pulse surveys of the initiative with their campaigns", [Items[SurveySummary]])
)
def list_surveys(initiative_id: int) -> Response:
    initiative, _ = initiative_access(api_user(), initiative_id)
    found = results_service.surveys_with_campaigns(initiative.id)
    return answer(Items[SurveySummary](items=[SurveySummary.of(s, cs) for s, cs in found]))


@documented(
    Operation(
        "A survey's results per campaign and team, with small groups suppressed",
        [CampaignResults, ResultsPage],
        description="One group per campaign for the whole organisation (team_id null) and "
        "one per team asked, each covering its sub-teams. A group is shown only when the "
        "anonymity plan allows it: at least min_group_size responses, and not needed to "
        "protect a smaller group from subtraction. With ?team= the team and its sub-teams; "
        "with ?campaign= that campaign only (no paging fields). Without ?campaign=, published "
        "campaigns come a page at a time, newest first: ?page= (from 1) and ?per_page= "
        f"(campaigns per page, default {RESULTS_PER_PAGE}, at most {RESULTS_MAX_PER_PAGE}); "
        "the answer adds page, per_page, the page's campaign ids and the next page's URL "
        "(null on the last page; a page past the end is empty). Unknown ids are 404; a bad "
        "page or per_page is 400.",
        query=[
            Query("campaign", {"type": "integer"}),
            Query("team", {"type": "integer"}),
            Query("page", {"type": "integer", "minimum": 1, "default": 1}),
            Query(
                "per_page",
                {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": RESULTS_MAX_PER_PAGE,
                    "default": RESULTS_PER_PAGE,
                },
            ),  # fmt: skip
        ],
        errors={400: "page or per_page is not a whole number in range"},
    )
)
def survey_results(survey_id: int) -> Response:
    """The results page's groups, of published campaigns only: hidden ones carry no count,
    no score and no eNPS.

    With ``?campaign=`` that campaign's groups; without, a page of published
    campaigns, newest first (``?page=``, ``?per_page=``), reading only that
    page's groups, with the next page's URL.
    """
    survey = surveys.get_survey(survey_id) or abort(404)
    initiative_access(api_user(), survey.initiative_id)
    campaign_id, team_id = id_arg("campaign"), id_arg("team")
    page = whole_number_arg("page", 1)
    per_page = whole_number_arg("per_page", RESULTS_PER_PAGE, RESULTS_MAX_PER_PAGE)
    if campaign_id is not None:
        found = _results(survey, campaign_id, team_id)
        groups = [ResultGroup.of(group, found.min_group_size) for group in found.groups]
        return answer(CampaignResults(
            min_group_size=found.min_group_size,
            min_comment_group_size=found.min_comment_group_size, groups=groups,
        ))  # fmt: skip
    published = results_service.published_campaign_ids(survey.id)
    start = (page - 1) * per_page
    on_page = published[start : start + per_page]
    found = _results(survey, None, team_id, on_page)
    # The page's campaigns in its order (newest first), each whole organisation then teams.
    order = {campaign: index for index, campaign in enumerate(on_page)}
    in_order = sorted(found.groups, key=lambda group: order[group.campaign_id])
    more = start + per_page < len(published)
    next_url = url_for(
        "api.survey_results", survey_id=survey.id, page=page + 1, per_page=per_page, team=team_id
    )
    return answer(
        ResultsPage(
            min_group_size=found.min_group_size,
            min_comment_group_size=found.min_comment_group_size,
            groups=[ResultGroup.of(group, found.min_group_size) for group in in_order],
            page=page,
            per_page=per_page,
            campaigns=on_page,
            next=next_url if more else None,
        )
    )


def _results(
    survey: Survey, campaign_id: int | None, team_id: int | None, on_page: list[int] | None = None
) -> results_service.SurveyResults:
    """The published results, 404 for a campaign or team that is not the survey's."""
    try:
        return results_service.survey_results(survey, campaign_id, team_id, campaign_ids=on_page)
    except results_service.UnknownFilter:
        abort(404)
