""" "You said, we did": what leaders did about a pulse result, shown back to the team's staff.

Consultants and executives post an entry from the results page; staff read
the entries for their team (and those for everyone) on the pulse pages
(``app.services.pulse.actions_for``). The "you said" part is the result in
plain words, suggested from figures the results page shows, so it never
quotes a group the anonymity rules hide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.services import audit
from app.services.errors import ServiceError
from app.services.results import RECOMMEND_KEY, SurveyResults
from app.services.transaction import commit
from app.templating import format_number
from models import Survey, SurveyAction, Team, User, db

MAX_YOU_SAID = 300
MAX_WE_DID = 2000


@dataclass(frozen=True)
class ActionEntry:
    id: int
    you_said: str
    we_did: str
    team: str | None  # None: for everyone
    dimension: str | None
    campaign_number: int | None
    posted_at: datetime
    posted_by: str | None
    created_by_id: int | None
    done_on: date | None = None  # None: posted before the day done was recorded


def post_action(
    results: SurveyResults,
    *,
    you_said: str,
    we_did: str,
    team_id: int | None,
    dimension_key: str | None,
    campaign_id: int | None,
    by: User,
    done_on: date | None = None,
    today: date | None = None,
) -> SurveyAction:
    """Save an entry for the survey of ``results``, committed.

    The team must be one of the organisation's, the dimension one the survey
    asked and the campaign one of the survey's. ``done_on`` (default today, never
    in the future) is the day it was done: its effect is measured from then, on its
    team (or every team).
    """
    today = today or date.today()
    done_on = done_on or today
    problems: dict[str, str] = {}
    you_said, we_did = you_said.strip(), we_did.strip()
    if not you_said:
        problems["you_said"] = _("Say what staff told you, in their terms.")
    elif len(you_said) > MAX_YOU_SAID:
        problems["you_said"] = _(
            "Keep “you said” under %(n)s characters.", n=format_number(MAX_YOU_SAID)
        )
    if not we_did:
        problems["we_did"] = _("Say what was done about it.")
    elif len(we_did) > MAX_WE_DID:
        problems["we_did"] = _("Keep “we did” under %(n)s characters.", n=format_number(MAX_WE_DID))
    if team_id is not None and results.team(team_id) is None:
        problems["team_id"] = _("Choose a team of this organisation, or everyone.")
    if dimension_key and dimension_key not in {RECOMMEND_KEY, *(d.key for d in results.dimensions)}:
        problems["dimension_key"] = _("Choose a dimension this survey asks.")
    if campaign_id is not None and results.campaign(campaign_id) is None:
        problems["campaign_id"] = _("Choose a campaign of this survey.")
    if done_on > today:
        problems["done_on"] = _("“Done on” cannot be in the future.")
    if problems:
        raise ServiceError(problems)
    action = SurveyAction(
        survey_id=results.survey_id,
        team_id=team_id,
        campaign_id=campaign_id,
        dimension_key=dimension_key or None,
        you_said=you_said,
        we_did=we_did,
        done_on=done_on,
        created_by_id=by.id,
    )
    db.session.add(action)
    commit()
    return action


def actions_of(results: SurveyResults) -> list[ActionEntry]:
    """Every entry of the survey, newest first, with team and author names (one query)."""
    rows = db.session.execute(
        select(SurveyAction, Team.name, User.name)
        .outerjoin(Team, Team.id == SurveyAction.team_id)
        .outerjoin(User, User.id == SurveyAction.created_by_id)
        .where(SurveyAction.survey_id == results.survey_id)
        .order_by(SurveyAction.created_at.desc(), SurveyAction.id.desc())
    ).all()
    dimensions = {d.key: d.title for d in results.dimensions}
    numbers = {c.id: c.number for c in results.campaigns}
    return [
        ActionEntry(
            id=action.id,
            you_said=action.you_said,
            we_did=action.we_did,
            team=team,
            dimension=dimensions.get(action.dimension_key or ""),
            campaign_number=numbers.get(action.campaign_id or 0),
            posted_at=action.created_at,
            posted_by=author,
            created_by_id=action.created_by_id,
            done_on=action.done_on,
        )
        for action, team, author in rows
    ]


def get_action(action_id: int) -> SurveyAction | None:
    return db.session.get(SurveyAction, action_id)


def delete_action(action: SurveyAction, *, actor: User | None = None) -> None:
    """Take an entry down, committed: staff no longer see it."""
    survey = db.session.get_one(Survey, action.survey_id)
    audit.record(
        "survey_action.deleted",
        f"Took down a “you said, we did” entry of survey {survey.title!r}",
        actor=actor,
        organization=audit.organization_of(survey.initiative_id),
        details={"survey_action_id": action.id, "survey_id": survey.id},
    )
    db.session.delete(action)
    commit()


def suggested_you_said(
    results: SurveyResults, campaign_id: int, team_id: int | None, key: str
) -> str:
    """The result behind ``key`` (a dimension or ``recommend``) in plain words, or "".

    Only figures of a shown group are quoted; a hidden group gives no suggestion.
    """
    group = results.group(campaign_id, team_id)
    if group is None or group.suppressed:
        return ""
    who = _("Everyone") if team_id is None else group.name
    if key == RECOMMEND_KEY:
        if group.enps is None:
            return ""
        return str(
            _(
                "%(who)s: would you recommend the new CRM to a colleague? eNPS %(enps)s.",
                who=who,
                enps=format_number(group.enps, 0, signed=True),
            )
        )
    result = group.dimension(key)
    if result is None:
        return ""
    figures = {
        "who": who,
        "name": result.info.title,
        "mean": format_number(result.mean, 1),
        "share": format_number(result.favourable, 0),
    }
    if result.info.higher_is_better:
        return str(_("%(who)s: “%(name)s” scored %(mean)s out of 5; %(share)s%% agree.", **figures))
    return str(_("%(who)s: “%(name)s” scored %(mean)s out of 5; %(share)s%% feel this.", **figures))
