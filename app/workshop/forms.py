"""Forms of the live workshop: start and close it, join it, vote in it."""

from __future__ import annotations

from typing import Any

from flask import request
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
        "Title",
        filters=[strip],
        validators=[Length(max=MAX_TITLE)],
        description="Shown on the projector and kept as the name of the assessment round. "
        "Leave it empty for “Workshop” and today’s date.",
    )
    submit = SubmitField("Start a live workshop")


class CloseWorkshopForm(FlaskForm):
    submit = SubmitField("Close and save as assessment round")


def _code_filter(value: Any) -> Any:
    return normalize_code(value) if isinstance(value, str) else value


class JoinForm(FlaskForm):
    code = StringField(
        "Code on the screen",
        filters=[_code_filter],
        validators=[
            DataRequired(message="Enter the code shown on the screen."),
            Length(max=2 * CODE_LENGTH, message="The code has 6 characters."),
        ],
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "maxlength": 2 * CODE_LENGTH,
        },
    )
    display_name = StringField(
        "Your name",
        filters=[strip],
        validators=[
            DataRequired(message="Enter your name, so the facilitator knows who is in."),
            Length(max=MAX_DISPLAY_NAME, message=f"Keep it under {MAX_DISPLAY_NAME} characters."),
        ],
        description="A first name or a role is enough, for example “Tom (Sales)”.",
        render_kw={"autocomplete": "given-name"},
    )
    submit = SubmitField("Join the workshop")


class VoteForm(FlaskForm):
    """One optional 1-5 choice per step; the fields are added from the step definitions below."""

    submit = SubmitField("Save my ratings")

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
                f"There is no step {', '.join(unknown)}. Nothing was saved; reload the page."
            )
            return False
        return valid


def _vote_field(step_name: str, key: str) -> RadioField:
    return RadioField(
        step_name,
        name=VOTE_PREFIX + key,
        choices=[SelectChoice(value, f"{value} — {SCALE_LABELS[int(value)]}") for value in SCORES],
        validate_choice=False,
        validators=[
            Optional(),
            AnyOf(SCORES, message=f"Choose from {RATING_MIN} to {RATING_MAX}. Nothing was saved."),
        ],
    )


for _step in STEPS:
    setattr(VoteForm, _step.key, _vote_field(_step.name, _step.key))
