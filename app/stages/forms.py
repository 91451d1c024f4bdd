"""Forms of the step tracker: a step's status, its evidence, actions and assessment rounds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Form,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.formtools import strip
from app.services.stages import ACTION_STATUSES, RatingInput
from insights.kotter import STEPS, STEPS_BY_KEY, Step
from insights.stages import (
    RATING_LABELS,
    RATING_MAX,
    RATING_MIN,
    RATING_QUESTION,
    STATUSES,
)
from models import AssessmentRating, User

QUESTION = RATING_QUESTION
SCALE_LABELS = RATING_LABELS
# Lazy: translated where a page shows them (pages capitalise them where they start a line).
ACTION_STATUS_LABELS = {"open": _l("open"), "in_progress": _l("in progress"), "done": _l("done")}
# The filter adds "overdue", which is not a stored status but open or in progress past due.
FILTER_STATUS_LABELS = {**ACTION_STATUS_LABELS, "overdue": _l("overdue")}
STATUS_CHOICES = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
}
ACTION_STATUS_CHOICES = {"open": _l("Open"), "in_progress": _l("In progress"), "done": _l("Done")}
NOBODY = 0


class RealDateField(DateField):
    """A date field whose message names what was typed, e.g. a 31 February."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            typed = " ".join(str(value) for value in valuelist)
            raise ValueError(
                _(
                    "%(typed)s is not a date that exists. Use a real date, for example 2026-06-30.",
                    typed=typed,
                )
            ) from None


class TeamsField(SelectMultipleField):
    """Teams as checkboxes; the template lays them out in a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def owner_choices(members: Iterable[User], nobody: str | None = None) -> list[SelectChoice]:
    return [
        SelectChoice(NOBODY, nobody if nobody is not None else _("— nobody yet —")),
        *(SelectChoice(user.id, user.name) for user in members),
    ]


def step_choices() -> list[SelectChoice]:
    return [
        SelectChoice(
            step.key, _l("%(position)s. %(name)s", position=step.position, name=_l(step.name))
        )
        for step in STEPS
    ]


class StageForm(FlaskForm):
    status = SelectField(
        _l("Step status"),
        choices=[SelectChoice(status, STATUS_CHOICES[status]) for status in STATUSES],
        validate_choice=False,
    )
    owner_id = SelectField(
        _l("Owner"),
        coerce=int,
        validate_choice=False,
        default=NOBODY,
        description=_l("The leader who answers for this step."),
    )
    target_date = RealDateField(_l("Target date"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), filters=[strip], validators=[Length(max=5000)])
    submit = SubmitField(_l("Save step"))

    def validate_status(self, field: SelectField) -> None:
        if field.data not in STATUSES:
            raise ValidationError(_("Choose not started, in progress or done."))


class EvidenceForm(FlaskForm):
    text = StringField(
        _l("Evidence"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Describe the evidence.")),
            Length(max=300, message=_l("Keep it under 300 characters.")),
        ],
        description=_l("A concrete, checkable sign that the step is really done."),
    )
    submit = SubmitField(_l("Save evidence"))


class TickForm(FlaskForm):
    """Tick or untick one evidence item; ``done`` is "1" or "0"."""

    done = HiddenField()


class ActionForm(FlaskForm):
    title = StringField(
        _l("Action"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the action a title.")),
            Length(max=200, message=_l("Keep the title under 200 characters.")),
        ],
        description=_l(
            "What will be done, for example “Share churn figures at the sales kick-off”."
        ),
    )
    stage_key = SelectField(_l("Step"), choices=step_choices(), validate_choice=False)
    owner_id = SelectField(_l("Owner"), coerce=int, validate_choice=False, default=NOBODY)
    due_date = RealDateField(_l("Due date"), validators=[Optional()])
    status = SelectField(
        _l("Action status"),
        choices=[SelectChoice(status, ACTION_STATUS_CHOICES[status]) for status in ACTION_STATUSES],
        default="open",
        validate_choice=False,
    )
    teams = TeamsField(
        _l("Teams it touched"),
        coerce=int,
        choices=[],
        validate_choice=False,  # the service names a team of another organisation
        description=_l(
            "None chosen means every team. Its effect compares these teams (and their "
            "sub-teams) with the others."
        ),
    )
    done_on = RealDateField(
        _l("Done on"),
        validators=[Optional()],
        description=_l(
            "Only for a done action: the day it was done. Empty: today, or the day "
            "already recorded."
        ),
    )
    submit = SubmitField(_l("Save action"))

    def set_choices(self, members: Iterable[User], teams: Iterable[tuple[int, str]]) -> None:
        self.owner_id.choices = owner_choices(members)
        self.teams.choices = [SelectChoice(team_id, name) for team_id, name in teams]

    def validate_stage_key(self, field: SelectField) -> None:
        if field.data not in STEPS_BY_KEY:
            raise ValidationError(
                _("There is no step %(key)s; choose one of the eight.", key=repr(field.data))
            )

    def validate_status(self, field: SelectField) -> None:
        if field.data not in ACTION_STATUSES:
            raise ValidationError(_("Choose open, in progress or done."))


class ActionFilterForm(Form):
    """The filters of the action list, read from the query string; bad values mean no filter."""

    owner = SelectField(_l("Owner"), coerce=int, validate_choice=False, default=NOBODY)
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("any status")),
            *(SelectChoice(key, label) for key, label in FILTER_STATUS_LABELS.items()),
        ],
        validate_choice=False,
        default="",
    )

    def owner_value(self) -> int | None:
        """The chosen member's id; nobody, or anyone not in the list, means no filter."""
        return self.owner.data if self.owner_label() and self.owner.data else None

    def owner_label(self) -> str | None:
        return next(
            (
                choice.label
                for choice in self.owner.choices or []
                if choice.value == self.owner.data
            ),
            None,
        )

    def status_value(self) -> str | None:
        return self.status.data if self.status.data in FILTER_STATUS_LABELS else None


class RoundForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Name the round, for example “Quarterly review, June”.")),
            Length(max=120, message=_l("Keep the name under 120 characters.")),
        ],
    )
    held_on = RealDateField(
        _l("Date"),
        default=date.today,
        validators=[InputRequired(message=_l("Enter the date of the round."))],
        description=_l("When the leaders rate, for example the day of the leadership meeting."),
    )
    submit = SubmitField(_l("Start the round"))


class RateForm(FlaskForm):
    """A 1-5 rating and an optional comment per step; the fields are added from STEPS below."""

    submit = SubmitField(_l("Save my ratings"))

    def step_fields(self) -> list[tuple[Step, RadioField, TextAreaField]]:
        return [(step, self[f"score_{step.key}"], self[f"comment_{step.key}"]) for step in STEPS]

    def ratings(self) -> dict[str, RatingInput]:
        return {
            step.key: RatingInput(int(score.data), comment.data or "")
            for step, score, comment in self.step_fields()
        }

    @staticmethod
    def initial(earlier: Mapping[str, AssessmentRating]) -> dict[str, str]:
        """Form data showing a rater's earlier ratings, by step key."""
        data: dict[str, str] = {}
        for key, rating in earlier.items():
            data[f"score_{key}"] = str(rating.score)
            data[f"comment_{key}"] = rating.comment
        return data


def _score_in_range(form: RateForm, field: RadioField) -> None:
    if field.data not in {str(score) for score in range(RATING_MIN, RATING_MAX + 1)}:
        raise ValidationError(
            _(
                "Ratings go from %(low)s to %(high)s; %(score)s is not possible.",
                low=RATING_MIN,
                high=RATING_MAX,
                score=field.data,
            )
        )


for _step in STEPS:
    setattr(
        RateForm,
        f"score_{_step.key}",
        RadioField(
            _l("%(position)s. %(name)s", position=_step.position, name=_l(_step.name)),
            choices=[
                SelectChoice(str(score), _l("%(score)s — %(label)s", score=score, label=_l(label)))
                for score, label in SCALE_LABELS.items()
            ],
            validate_choice=False,
            validators=[
                InputRequired(message=_l("Rate this step from 1 to 5.")),
                _score_in_range,
            ],
        ),
    )
    setattr(
        RateForm,
        f"comment_{_step.key}",
        TextAreaField(
            _l("Comment on step %(position)s (optional)", position=_step.position),
            filters=[strip],
            validators=[Length(max=2000, message=_l("Keep the comment under 2,000 characters."))],
            render_kw={"rows": 2},
        ),
    )
