""" "You said, we did" as staff see it on the pulse pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from app.services.results.groups import dimension_title
from models import SurveyAction, db
from survey.instruments import DIMENSIONS_BY_KEY

# How many "you said, we did" entries staff see; the newest matter.
ACTIONS_SHOWN = 20


@dataclass(frozen=True)
class ActionRow:
    """One "you said, we did" entry as staff see it."""

    you_said: str
    we_did: str
    posted_on: date
    dimension: str | None


def actions_for(survey_id: int, team_id: int, limit: int = ACTIONS_SHOWN) -> list[ActionRow]:
    """What leaders did about this survey, for this team or for everyone, newest first."""
    rows = db.session.scalars(
        select(SurveyAction)
        .where(
            SurveyAction.survey_id == survey_id,
            or_(SurveyAction.team_id == team_id, SurveyAction.team_id.is_(None)),
        )
        .order_by(SurveyAction.created_at.desc(), SurveyAction.id.desc())
        .limit(limit)
    )
    return [
        ActionRow(
            you_said=action.you_said,
            we_did=action.we_did,
            posted_on=action.created_at.date(),
            dimension=(
                dimension_title(action.dimension_key, DIMENSIONS_BY_KEY[action.dimension_key].name)
                if action.dimension_key in DIMENSIONS_BY_KEY
                else None
            ),
        )
        for action in rows
    ]
