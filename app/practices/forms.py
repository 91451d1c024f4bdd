"""Forms of the 360, built from the instrument: one required 1-10 choice per behaviour."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, SubmitField
from wtforms.validators import AnyOf, InputRequired

from survey.practices import (
    BEHAVIOURS,
    RELATIONSHIPS,
    SCALE_LABELS,
    SCALE_MAX,
    SCALE_MIN,
    Behaviour,
)

SCORES = [str(value) for value in range(SCALE_MIN, SCALE_MAX + 1)]
MISSING = _l("Choose how often, from 1 (almost never) to 10 (almost always).")
OFF_SCALE = _l("Ratings go from 1 to 10; choose one of them.")
EXPIRED = _l("The page had expired. Your answers are kept below: please send them again.")
CHOOSE_LEADER = _l("Choose a member of the leadership team (an executive).")


class RatingsForm(FlaskForm):
    """The 30 behaviours, each a field named by its key (b01 ... b30); added below from the data."""

    def rating_fields(self) -> list[tuple[Behaviour, RadioField]]:
        return [(behaviour, self[behaviour.key]) for behaviour in BEHAVIOURS]

    def answers(self) -> dict[str, int]:
        """Behaviour key -> rating; call after validation, when every one is on the scale."""
        return {behaviour.key: int(self[behaviour.key].data) for behaviour in BEHAVIOURS}

    def problems(self) -> list[tuple[str, str, str]]:
        """(field id, what, message) for the error summary, in the order of the page."""
        found = [("form", "", str(message)) for message in self.form_errors]
        if "csrf_token" in self.errors:
            found.append(("form", "", str(EXPIRED)))
        relationship = getattr(self, "relationship", None)
        if relationship is not None and relationship.errors:
            found.append(
                (relationship.id, _("Your relationship"), " ".join(map(str, relationship.errors)))
            )
        for behaviour, field in self.rating_fields():
            if field.errors:
                what = _("Behaviour %(num)s", num=behaviour.number)
                found.append((field.id, what, " ".join(map(str, field.errors))))
        return found


def _scale_choice(score: str) -> Any:
    """A choice's label, "7 — Fairly often", in the language of the page that shows it."""
    return _l("%(score)s — %(label)s", score=score, label=_l(SCALE_LABELS[int(score)]))


def _rating_field(behaviour: Behaviour) -> RadioField:
    return RadioField(
        _l("Behaviour %(num)s", num=behaviour.number),
        choices=[SelectChoice(score, _scale_choice(score)) for score in SCORES],
        # Checked by AnyOf instead, for a message that says what to do.
        validate_choice=False,
        validators=[InputRequired(message=MISSING), AnyOf(SCORES, message=OFF_SCALE)],
    )


for _behaviour in BEHAVIOURS:
    setattr(RatingsForm, _behaviour.key, _rating_field(_behaviour))


class SelfAssessmentForm(RatingsForm):
    submit = SubmitField(_l("Save my ratings"))


class ObserverForm(RatingsForm):
    relationship = RadioField(
        _l("How do you work with them?"),
        choices=[SelectChoice(key, _l(label)) for key, label in RELATIONSHIPS.items()],
        validate_choice=False,
        validators=[
            InputRequired(message=_l("Choose how you work with them.")),
            AnyOf(list(RELATIONSHIPS), message=_l("Choose one of the four relationships listed.")),
        ],
    )
    submit = SubmitField(_l("Send my ratings"))


class LeaderField(IntegerField):
    """A leader's id from the button pressed; anything else is refused saying what to do."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(CHOOSE_LEADER)) from None


class OpenCycleForm(FlaskForm):
    leader_id = LeaderField(_l("Leader"), validators=[InputRequired(message=CHOOSE_LEADER)])
    submit = SubmitField(_l("Open a 360"))


class CloseCycleForm(FlaskForm):
    submit = SubmitField(_l("Close this 360"))
