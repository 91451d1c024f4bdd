"""The "you said, we did" form of the results page, with choices from the survey's results."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.formtools import strip
from app.services.results import SurveyResults
from app.services.survey_actions import MAX_WE_DID, MAX_YOU_SAID


def _id_or_none(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ActionForm(FlaskForm):
    you_said = TextAreaField(
        _l("You said"),
        filters=[strip],
        validators=[DataRequired(_l("Say what staff told you.")), Length(max=MAX_YOU_SAID)],
        description=_l("The result in plain words, as staff would put it."),
        render_kw={"rows": 2, "maxlength": MAX_YOU_SAID},
    )
    we_did = TextAreaField(
        _l("We did"),
        filters=[strip],
        validators=[DataRequired(_l("Say what was done about it.")), Length(max=MAX_WE_DID)],
        description=_l("What changed because of it: concrete, with a date if you can."),
        render_kw={"rows": 3, "maxlength": MAX_WE_DID},
    )
    team_id = SelectField(_l("Shown to"), coerce=_id_or_none, validate_choice=False)
    dimension_key = SelectField(_l("About"), validate_choice=False)
    done_on = DateField(
        _l("Done on"),
        default=date.today,
        validators=[Optional()],
        description=_l(
            "The day it was done (not in the future): its effect on the team is measured from then."
        ),
    )
    campaign_id = HiddenField(filters=[_id_or_none])

    def set_choices(self, results: SurveyResults) -> ActionForm:
        self.team_id.choices = [("", _("Everyone"))] + [
            (str(t.id), ("— " * t.depth) + t.name) for t in results.teams
        ]
        self.dimension_key.choices = [("", _("The survey as a whole")), ("recommend", "eNPS")] + [
            (d.key, d.title) for d in results.dimensions
        ]
        return self
