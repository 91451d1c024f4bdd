"""What the diagnosis reads of pulse results: staff's view of Kotter's steps, teams' means.

Both come from ``survey_results`` for the newest published campaign with an
organisation-wide figure, so the diagnosis shows nothing the results page hides.
"""

from __future__ import annotations

from sqlalchemy import select

from app.services.results.groups import GroupStatus, SurveyResults
from app.services.results.published import survey_results
from models import Campaign, Initiative, PublishedGroup, Survey, SurveyVersion, db
from survey.instruments import DIMENSIONS_BY_KEY


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
            chosen: Campaign = found
            return chosen
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
