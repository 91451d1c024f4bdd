"""The diagnosis's pulse inputs: the newest published campaign, read through the anonymity plan.

Figures come from ``survey_results`` only, so a group the plan hides has none here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.services import results as pulse_results
from app.services.diagnosis.shapes import Outlook, Pulse
from app.services.results import CampaignInfo, SurveyResults
from app.services.results.detail import AlphaRow, dimension_alphas
from app.services.results.groups import dimension_title
from insights.adoption import ADOPTION_RATE
from insights.diagnosis import PulseInput, TeamInput
from models import Initiative
from survey.instruments import DIMENSIONS_BY_KEY


def newest_pulse(initiative: Initiative) -> Pulse | None:
    """The survey with the newest published campaign, its campaigns, and that one's groups."""
    listed = pulse_results.surveys_with_campaigns(initiative.id)
    newest = max(
        (
            (survey, campaign)
            for survey, campaigns in listed
            for campaign in campaigns
            if campaign.published
        ),
        key=lambda pair: (pair[1].opens_at, pair[1].id),
        default=None,
    )
    if newest is None:
        return None
    survey, latest = newest
    # Trends need everyone's figures of every campaign, the teams only one campaign's.
    chosen = pulse_results.newest_shown_campaign(survey.id) or latest.id
    found = pulse_results.survey_results(survey, team_groups_of={chosen}, every_team=False)
    campaign = _latest_shown(found)
    if campaign is None:
        return None
    whole = found.group(campaign.id, None)
    alphas: tuple[AlphaRow, ...] = ()
    if whole is not None and not whole.suppressed:
        alphas = tuple(dimension_alphas(found, campaign.id, None))
    return Pulse(found, campaign, whole, tuple(found.team_groups(campaign.id)), alphas)


def _latest_shown(found: SurveyResults) -> CampaignInfo | None:
    """The newest published campaign whose organisation-wide figures may be shown, else the
    newest published one."""
    for campaign in reversed(found.published):
        whole = found.group(campaign.id, None)
        if whole is not None and not whole.suppressed:
            return campaign
    return found.published[-1] if found.published else None


def staff_means(initiative: Initiative, pulse: Pulse | None) -> dict[str, tuple[float, int]]:
    """Step key -> (staff mean 1-5, respondents), from the newest campaign when it asked."""
    means: dict[str, tuple[float, int]] = {}
    whole = pulse.whole if pulse else None
    if whole is not None and not whole.suppressed and whole.responses is not None:
        for result in whole.dimensions:
            known = DIMENSIONS_BY_KEY.get(result.key)
            if known is not None and known.family == "kotter" and known.kotter_step:
                means[known.kotter_step] = (result.mean, whole.responses)
    # An older campaign (or survey) may be the latest to ask the staff about the steps.
    return means or pulse_results.kotter_staff_means(initiative)


def dimension_names(pulse: Pulse | None) -> dict[str, str]:
    """Every library dimension the campaign asked (eNPS aside): key -> name in the page's
    language, as findings write it."""
    names: dict[str, str] = {}
    for info in pulse.dimensions if pulse else []:
        known = DIMENSIONS_BY_KEY.get(info.key)
        if known is not None and known.family != "recommend":
            names[known.key] = dimension_title(known.key, known.name)
    return names


def pulse_input(pulse: Pulse | None, names: Mapping[str, str]) -> PulseInput | None:
    """The organisation-wide figures of the newest published campaign, when shown."""
    whole = pulse.whole if pulse else None
    if pulse is None or whole is None or whole.suppressed or whole.responses is None:
        return None
    return PulseInput(
        dimensions={d.key: d.mean for d in whole.dimensions if d.key in names},
        respondents=whole.responses,
        period=(pulse.campaign.opens_at.date(), pulse.campaign.last_day),
        names=names,
    )


def team_inputs(
    pulse: Pulse | None, series: Sequence[Outlook], teams: Mapping[int, tuple[str, int]]
) -> list[TeamInput]:
    """Teams the pulse shows that have their own adoption rate (no overlapping parents)."""
    if pulse is None:
        return []
    adoption = {s.team_id: s for s in series if s.metric_key == ADOPTION_RATE and s.team_id}
    found = []
    for group in pulse.team_groups:
        if group.team_id is None or group.suppressed or group.responses is None:
            continue
        outlook = adoption.get(group.team_id)
        if outlook is None:
            continue
        dimensions = {d.key: d.mean for d in group.dimensions if d.key in DIMENSIONS_BY_KEY}
        found.append(
            TeamInput(
                teams[group.team_id][0] if group.team_id in teams else group.name,
                group.responses,
                outlook.latest,
                outlook.target,
                dimensions,
                outlook.trend,
            )
        )
    return found
