"""Opening a link: a team link opens its team's current campaign, a personal link its own.

Nothing here records who answered. What a *team* link resolves to is kept
per worker (``link_cache``); a personal link is read every time, since it
changes state with its one answer.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.services.pulse.link_cache import LINK_CACHE_SETTING, LINKS, cache_key
from app.services.pulse.pulses import LINK_STATES, LinkState, Pulse, state_at
from app.services.surveys.timing import status_of
from models import (
    Campaign,
    CampaignTeam,
    Initiative,
    Organization,
    PersonalLink,
    Survey,
    SurveyVersion,
    Team,
    TeamLink,
    db,
)
from survey.instruments import items_from_snapshot
from survey.languages import DEFAULT_LANGUAGE

# Codes are secrets.token_urlsafe output; anything else cannot be a link.
_CODE = re.compile(r"[A-Za-z0-9_-]{1,40}")


def open_link(code: str, now: datetime) -> Pulse | None:
    """The pulse behind a team or personal link at ``now``; None for an unknown code."""
    if not _CODE.fullmatch(code):
        return None
    return _cached_team_pulse(code, now) or _personal_pulse(code, now)


def forget_link(code: str) -> None:
    """Drop a link from this worker's cache (the write found it out of date)."""
    if _CODE.fullmatch(code):
        LINKS.forget(cache_key(code))


def _cached_team_pulse(code: str, now: datetime) -> Pulse | None:
    seconds = float(current_app.config[LINK_CACHE_SETTING])
    if seconds <= 0:
        return _team_pulse(code, now)
    key = cache_key(code)
    cached = LINKS.get(key, now)
    if cached is not None:
        return state_at(cached, now)
    generation = LINKS.generation
    pulse = _team_pulse(code, now)
    if pulse is not None:
        LINKS.put(key, pulse, generation, seconds)
    return pulse


def _team_pulse(code: str, now: datetime) -> Pulse | None:
    row = db.session.execute(
        select(Survey, Team.id, Team.name, Initiative.name, Organization.name)
        .select_from(TeamLink)
        .join(Survey, Survey.id == TeamLink.survey_id)
        .join(Team, Team.id == TeamLink.team_id)
        .join(Initiative, Initiative.id == Survey.initiative_id)
        .join(Organization, Organization.id == Initiative.organization_id)
        .where(TeamLink.code == code)
    ).first()
    if row is None:
        return None
    survey, team_id, team, initiative, organization = row
    # The team's campaign that has not closed yet, earliest first: the open
    # one if there is one, else the next scheduled one.
    current = db.session.execute(
        select(Campaign, SurveyVersion.items)
        .join(CampaignTeam, CampaignTeam.campaign_id == Campaign.id)
        .join(SurveyVersion, SurveyVersion.id == Campaign.version_id)
        .where(
            Campaign.survey_id == survey.id,
            CampaignTeam.team_id == team_id,
            Campaign.closes_at > now,
        )
        .order_by(Campaign.opens_at, Campaign.id)
        .limit(1)
    ).first()
    base = _pulse_of(
        code, None, LinkState.CLOSED, survey, team_id, team, (initiative, organization)
    )
    if current is None:
        return base
    campaign, items = current
    state = LINK_STATES[status_of(campaign.opens_at, campaign.closes_at, now)]
    return _with_campaign(base, campaign, items, state)


def _personal_pulse(code: str, now: datetime) -> Pulse | None:
    row = db.session.execute(
        select(
            PersonalLink.id,
            PersonalLink.used_on,
            Campaign,
            SurveyVersion.items,
            Survey,
            Team.id,
            Team.name,
            Initiative.name,
            Organization.name,
        )
        .select_from(PersonalLink)
        .join(Campaign, Campaign.id == PersonalLink.campaign_id)
        .join(SurveyVersion, SurveyVersion.id == Campaign.version_id)
        .join(Survey, Survey.id == Campaign.survey_id)
        .join(Team, Team.id == PersonalLink.team_id)
        .join(Initiative, Initiative.id == Survey.initiative_id)
        .join(Organization, Organization.id == Initiative.organization_id)
        .where(PersonalLink.code == code)
    ).first()
    if row is None:
        return None
    link_id, used_on, campaign, items, survey, team_id, team, initiative, organization = row
    state = (
        LinkState.USED
        if used_on is not None
        else LINK_STATES[status_of(campaign.opens_at, campaign.closes_at, now)]
    )
    base = _pulse_of(code, link_id, state, survey, team_id, team, (initiative, organization))
    return _with_campaign(base, campaign, items, state)


def _pulse_of(
    code: str,
    personal_link_id: int | None,
    state: LinkState,
    survey: Survey,
    team_id: int,
    team: str,
    names: tuple[str, str],
) -> Pulse:
    """What a link shows before its campaign: who runs the survey, for which team."""
    initiative, organization = names
    return Pulse(
        code=code, personal_link_id=personal_link_id, state=state, organization=organization,
        initiative=initiative, survey_id=survey.id, title=survey.title, intro=survey.intro,
        team_id=team_id, team=team, default_language=survey.default_language or DEFAULT_LANGUAGE,
    )  # fmt: skip


def _with_campaign(
    base: Pulse, campaign: Campaign, items: list[dict[str, Any]], state: LinkState
) -> Pulse:
    return replace(
        base,
        state=state,
        campaign_id=campaign.id,
        version_id=campaign.version_id,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        items=tuple(items_from_snapshot(items)),
    )
