"""Forms of the live workshop: start and close it, join it, vote in it."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from app.formtools import strip
from app.services.workshops import CODE_LENGTH, MAX_DISPLAY_NAME, MAX_TITLE, normalize_code
from insights.kotter import STEP_KEYS, STEPS
from insights.stages import RATING_LABELS, RATING_MAX, RATING_MIN, RATING_QUESTION

QUESTION = RATING_QUESTION
SCALE_LABELS = RATING_LABELS
SCORES = [str(score) for score in range(RATING_MIN, RATING_MAX + 1)]
# Vote inputs are named "rating-<step key>", so an unknown step in a post is recognisable.
VOTE_PREFIX = "rating-"


class StartWorkshopForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[Length(max=MAX_TITLE)],
        description=_l(
            "Shown on the projector and kept as the name of the assessment round. "
            "Leave it empty for “Workshop” and today’s date."
        ),
    )
    submit = SubmitField(_l("Start a live workshop"))


class CloseWorkshopForm(FlaskForm):
    submit = SubmitField(_l("Close and save as assessment round"))


def _code_filter(value: Any) -> Any:
    return normalize_code(value) if isinstance(value, str) else value


class JoinForm(FlaskForm):
    code = StringField(
        _l("Code on the screen"),
        filters=[_code_filter],
        validators=[
            DataRequired(message=_l("Enter the code shown on the screen.")),
            Length(max=2 * CODE_LENGTH, message=_l("The code has 6 characters.")),
        ],
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "maxlength": 2 * CODE_LENGTH,
        },
    )
    display_name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter your name, so the facilitator knows who is in.")),
            Length(
                max=MAX_DISPLAY_NAME,
                message=_l("Keep it under %(num)s characters.", num=MAX_DISPLAY_NAME),
            ),
        ],
        description=_l("A first name or a role is enough, for example “Tom (Sales)”."),
        render_kw={"autocomplete": "given-name"},
    )
    submit = SubmitField(_l("Join the workshop"))


class VoteForm(FlaskForm):
    """One optional 1-5 choice per step; the fields are added from the step definitions below."""

    submit = SubmitField(_l("Save my ratings"))

    def step_fields(self) -> list[tuple[Any, RadioField]]:
        return [(step, self[step.key]) for step in STEPS]

    def votes(self) -> dict[str, int]:
        """The steps answered, as step key -> score; unanswered steps are left out."""
        return {key: int(self[key].data) for key in STEP_KEYS if self[key].data}

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        unknown = sorted(
            name.removeprefix(VOTE_PREFIX)
            for name in request.form
            if name.startswith(VOTE_PREFIX) and name.removeprefix(VOTE_PREFIX) not in STEP_KEYS
        )
        if unknown:
            self.form_errors.append(
                _(
                    "There is no step %(keys)s. Nothing was saved; reload the page.",
                    keys=", ".join(unknown),
                )
            )
            return False
        return valid


def _scale_choice(value: str) -> Any:
    """A choice's label, "3 — partly", in the language of the page that shows it."""
    return _l("%(score)s — %(label)s", score=value, label=_l(SCALE_LABELS[int(value)]))


def _vote_field(step_name: str, key: str) -> RadioField:
    return RadioField(
        _l(step_name),
        name=VOTE_PREFIX + key,
        choices=[SelectChoice(value, _scale_choice(value)) for value in SCORES],
        validate_choice=False,
        validators=[
            Optional(),
            AnyOf(
                SCORES,
                message=_l(
                    "Choose from %(low)s to %(high)s. Nothing was saved.",
                    low=RATING_MIN,
                    high=RATING_MAX,
                ),
            ),
        ],
    )


for _step in STEPS:
    setattr(VoteForm, _step.key, _vote_field(_step.name, _step.key))
