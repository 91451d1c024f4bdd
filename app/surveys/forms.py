"""Forms of the survey builder, the campaign scheduler and the personal-link upload.

The builder is generated from the instrument library: one checkbox per
dimension, grouped by family, so a dimension added to the library appears here
without touching this file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from app.formtools import strip
from app.services.surveys import (
    MAX_CUSTOM_ITEMS,
    MAX_INTRO,
    MAX_REMINDER_AFTER_DAYS,
    MAX_REMINDERS,
    MAX_REPEAT_DAYS,
    MAX_TITLE,
    Choice,
    CustomItem,
    Reminders,
    Schedule,
    choice_of,
    minutes_for,
)
from models import Survey, SurveyVersion
from survey.instruments import (
    AGREE5,
    FAMILIES,
    LIBRARY,
    MAX_CUSTOM_TEXT,
    RECOMMEND10,
    STARTER_PULSE,
    Dimension,
    is_scored,
)

SCALE_CHOICES = [
    SelectChoice(AGREE5, "Agree – disagree (1–5)"),
    SelectChoice(RECOMMEND10, "How likely (0–10)"),
]
# Blank rows offered for statements of one's own (more appear after saving).
BLANK_CUSTOM_ROWS = 2
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes; the template lays the options out."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def statements_in(dimension: Dimension) -> int:
    return sum(1 for item in dimension.items if is_scored(item))


def describe_size(dimension: Dimension) -> str:
    """'3 statements', '1 question, 0–10' or 'optional free text', for the checkbox label."""
    if dimension.family == "comment":
        return "optional free text"
    if dimension.family == "recommend":
        return "1 question, 0–10"
    count = statements_in(dimension)
    return f"{count} statement{'s' if count != 1 else ''}"


@dataclass(frozen=True)
class DimensionOption:
    dimension: Dimension
    checkbox: object
    statements: int
    size: str


class CustomItemForm(Form):
    text = StringField(
        "Statement",
        filters=[strip],
        validators=[Optional(), Length(max=MAX_CUSTOM_TEXT)],
    )
    scale = SelectField("Answer scale", choices=SCALE_CHOICES, default=AGREE5)
    reverse = BooleanField("Negatively worded: agreeing is bad news (scored in reverse)")


def _absent_keeps_the_setting(form: object, field: IntegerField) -> None:
    """A post without the field (not one with it emptied) leaves the setting as it is."""
    if not field.raw_data:
        field.errors = []
        raise StopValidation()


class SurveyForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[strip],
        validators=[DataRequired(), Length(max=MAX_TITLE)],
        description="Staff see it at the top of the pulse, e.g. “CRM pulse”.",
    )
    intro = TextAreaField(
        "A word to staff (optional)",
        filters=[strip],
        validators=[Length(max=MAX_INTRO)],
        description="Shown above the statements: why you ask and what happens with the answers.",
        render_kw={"rows": 3},
    )
    dimensions = MultiCheckboxField("Dimensions from the library", choices=[])
    custom = FieldList(FormField(CustomItemForm), max_entries=MAX_CUSTOM_ITEMS)
    reminder_after_days = IntegerField(
        "Remind after (days)",
        default=Reminders.after_days,
        validators=[
            _absent_keeps_the_setting,
            InputRequired(message="Enter after how many days to remind."),
            NumberRange(
                min=1,
                max=MAX_REMINDER_AFTER_DAYS,
                message=f"Remind after 1 to {MAX_REMINDER_AFTER_DAYS} days.",
            ),
        ],
        description="People whose personal link is still unused get a reminder this many "
        "days after the campaign opens, then again every as many days.",
        render_kw={"min": 1, "max": MAX_REMINDER_AFTER_DAYS, "inputmode": "numeric"},
    )
    reminder_limit = IntegerField(
        "Reminders at most",
        default=Reminders.limit,
        validators=[
            _absent_keeps_the_setting,
            InputRequired(message="Enter how many reminders to send at most (0: none)."),
            NumberRange(
                min=0, max=MAX_REMINDERS, message=f"Send 0 to {MAX_REMINDERS} reminders (0: none)."
            ),
        ],
        description="0 sends none. Reminders stop as soon as the person answers, and never "
        "after the campaign closes.",
        render_kw={"min": 0, "max": MAX_REMINDERS, "inputmode": "numeric"},
    )
    submit = SubmitField("Save survey")

    def __init__(self, *args: object, choice: Choice | None = None, **kwargs: object) -> None:
        if choice is not None and "data" not in kwargs:
            kwargs["data"] = {
                "dimensions": choice.dimension_keys,
                "custom": [
                    {"text": item.text, "scale": item.scale, "reverse": item.reverse}
                    for item in choice.custom
                ],
            }
        super().__init__(*args, **kwargs)
        self.dimensions.choices = [
            SelectChoice(dimension.key, dimension.name) for dimension in LIBRARY
        ]

    @classmethod
    def starter(cls) -> SurveyForm:
        """A new survey with the recommended first pulse ticked."""
        form = cls(formdata=None, choice=Choice(list(STARTER_PULSE), []))
        form.title.data = "CRM pulse"
        return form

    @classmethod
    def of(cls, survey: Survey, version: SurveyVersion) -> SurveyForm:
        """The form of an existing survey, its latest version's choices ticked."""
        form = cls(formdata=None, choice=choice_of(version))
        form.title.data = survey.title
        form.intro.data = survey.intro
        form.reminder_after_days.data = survey.reminder_after_days
        form.reminder_limit.data = survey.reminder_limit
        return form

    def reminders(self) -> Reminders | None:
        """The reminder settings posted; None when the post left them out (kept as they are)."""
        if not (self.reminder_after_days.raw_data and self.reminder_limit.raw_data):
            return None
        return Reminders(
            after_days=self.reminder_after_days.data or 0, limit=self.reminder_limit.data or 0
        )

    def offer_blank_rows(self) -> None:
        """Empty rows for statements of one's own, so two are always there to fill in."""
        blank = sum(1 for entry in self.custom.entries if not entry.text.data)
        room = MAX_CUSTOM_ITEMS - len(self.custom.entries)
        for _ in range(max(0, min(BLANK_CUSTOM_ROWS - blank, room))):
            self.custom.append_entry()

    def groups(self) -> list[tuple[str, list[DimensionOption]]]:
        """The dimension checkboxes by family, in library order."""
        boxes = {option.data: option for option in self.dimensions}
        grouped: dict[str, list[DimensionOption]] = {family: [] for family in FAMILIES}
        for dimension in LIBRARY:
            grouped.setdefault(dimension.family, []).append(
                DimensionOption(
                    dimension,
                    boxes[dimension.key],
                    statements_in(dimension),
                    describe_size(dimension),
                )
            )
        return [(FAMILIES.get(family, family), options) for family, options in grouped.items()]

    def custom_items(self) -> list[CustomItem]:
        """The statements of one's own that have text; blank rows are ignored."""
        return [
            CustomItem(entry.text.data, entry.scale.data, bool(entry.reverse.data))
            for entry in self.custom.entries
            if entry.text.data
        ]

    def statement_count(self) -> int:
        chosen = set(self.dimensions.data or [])
        from_library = sum(
            statements_in(dimension) for dimension in LIBRARY if dimension.key in chosen
        )
        return from_library + len(self.custom_items())

    def minutes(self) -> int:
        return minutes_for(self.statement_count())


class ScheduleForm(FlaskForm):
    opens_on = DateField(
        "First day", validators=[DataRequired(message="Enter the day the campaign opens.")]
    )
    last_day = DateField(
        "Last day", validators=[DataRequired(message="Enter the last day staff can answer.")]
    )
    team_ids = MultiCheckboxField("Teams asked", coerce=int, choices=[])
    repeat_days = IntegerField(
        "Repeat every … days (optional)",
        validators=[Optional(), NumberRange(min=1, max=MAX_REPEAT_DAYS)],
        description="14 for a fortnightly pulse. The next campaign, for the same teams, is "
        "created as soon as this one opens. Leave empty for a one-off campaign.",
    )
    submit = SubmitField("Schedule campaign")

    def set_team_choices(self, teams: list[tuple[int, str]]) -> None:
        self.team_ids.choices = [SelectChoice(team_id, name) for team_id, name in teams]

    def prefill(self, today: date, team_ids: list[int], repeat_days: int | None) -> None:
        """A week from today for every team, repeating as the survey last did."""
        self.opens_on.data = today
        self.last_day.data = today + timedelta(days=6)
        self.team_ids.data = team_ids
        self.repeat_days.data = repeat_days

    def schedule(self) -> Schedule:
        return Schedule(
            opens_on=self.opens_on.data,
            last_day=self.last_day.data,
            team_ids=list(self.team_ids.data or []),
            repeat_days=self.repeat_days.data,
        )


class PersonalLinksForm(FlaskForm):
    file = FileField(
        "CSV file of people",
        validators=[
            FileRequired(message="Choose a CSV file."),
            FileSize(MAX_UPLOAD_BYTES, message="The file is larger than 2 MB."),
        ],
        description="Two columns with a header line: email,team — the team as named in "
        "Stepwise. Each person gets a one-use link; their answer is never linked to them.",
        render_kw={"accept": ".csv,text/csv"},
    )
    submit = SubmitField("Create personal links")
