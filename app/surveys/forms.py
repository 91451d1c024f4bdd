"""Forms of the survey builder, the campaign scheduler and the personal-link upload.

The builder is generated from the instrument library: one checkbox per
dimension, grouped by family, so a dimension added to the library appears here
without touching this file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from app.services.results import dimension_title
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
from insights.translation import ngettext
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
from survey.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, is_language

SCALE_CHOICES = [
    SelectChoice(AGREE5, _l("Agree – disagree (1–5)")),
    SelectChoice(RECOMMEND10, _l("How likely (0–10)")),
]
# Each language by its own name, with the English one for a consultant who reads neither.
LANGUAGE_CHOICES = [
    SelectChoice("en", _l("English")),
    SelectChoice("de", _l("Deutsch (German)")),
    SelectChoice("fr", _l("Français (French)")),
    SelectChoice("es", _l("Español (Spanish)")),
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
        return str(_l("optional free text"))
    if dimension.family == "recommend":
        return str(_l("1 question, 0–10"))
    count = statements_in(dimension)
    return str(ngettext("%(num)s statement", "%(num)s statements", count))


@dataclass(frozen=True)
class DimensionOption:
    dimension: Dimension
    checkbox: object
    statements: int
    size: str

    @property
    def name(self) -> str:
        return dimension_title(self.dimension.key, self.dimension.name)

    @property
    def description(self) -> str:
        # Descriptions are format strings: "%%" is a percent sign (the eNPS one).
        return str(_(self.dimension.description)) % {}


def _text_field() -> StringField:
    return StringField(
        _l("Statement"), filters=[strip], validators=[Optional(), Length(max=MAX_CUSTOM_TEXT)]
    )


class CustomItemForm(Form):
    """One statement of one's own: a text per language (``text`` is English), a scale."""

    text = _text_field()
    text_de = _text_field()
    text_fr = _text_field()
    text_es = _text_field()
    scale = SelectField(_l("Answer scale"), choices=SCALE_CHOICES, default=AGREE5)
    reverse = BooleanField(_l("Negatively worded: agreeing is bad news (scored in reverse)"))

    def text_in(self, language: str) -> StringField:
        field: StringField = self["text" if language == DEFAULT_LANGUAGE else f"text_{language}"]
        return field

    def texts(self) -> dict[str, str]:
        """The texts typed, by language (blank ones left out)."""
        return {code: text for code in LANGUAGES if (text := self.text_in(code).data or "")}


def _custom_row(item: CustomItem, language: str) -> dict[str, object]:
    """A custom statement as its row's data: a text per language field."""
    texts = item.texts(language)
    row: dict[str, object] = {"scale": item.scale, "reverse": item.reverse}
    for code in LANGUAGES:
        row["text" if code == DEFAULT_LANGUAGE else f"text_{code}"] = texts.get(code, "")
    return row


def _absent_keeps_the_setting(form: object, field: IntegerField) -> None:
    """A post without the field (not one with it emptied) leaves the setting as it is."""
    if not field.raw_data:
        field.errors = []
        raise StopValidation()


class SurveyForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(), Length(max=MAX_TITLE)],
        description=_l("Staff see it at the top of the pulse, e.g. “CRM pulse”."),
    )
    intro = TextAreaField(
        _l("A word to staff (optional)"),
        filters=[strip],
        validators=[Length(max=MAX_INTRO)],
        description=_l(
            "Shown above the statements: why you ask and what happens with the answers."
        ),
        render_kw={"rows": 3},
    )
    default_language = SelectField(
        _l("Default language"),
        choices=LANGUAGE_CHOICES,
        default=DEFAULT_LANGUAGE,
        validators=[_absent_keeps_the_setting],
        description=_l(
            "Staff read the pulse in their browser’s language when the survey has it, else in "
            "this one. Statements of your own need a text in it; other languages are optional."
        ),
    )
    dimensions = MultiCheckboxField(_l("Dimensions from the library"), choices=[])
    custom = FieldList(FormField(CustomItemForm), max_entries=MAX_CUSTOM_ITEMS)
    reminder_after_days = IntegerField(
        _l("Remind after (days)"),
        default=Reminders.after_days,
        validators=[
            _absent_keeps_the_setting,
            InputRequired(message=_l("Enter after how many days to remind.")),
            NumberRange(
                min=1,
                max=MAX_REMINDER_AFTER_DAYS,
                message=_l("Remind after 1 to %(max)s days.", max=MAX_REMINDER_AFTER_DAYS),
            ),
        ],
        description=_l(
            "People whose personal link is still unused get a reminder this many "
            "days after the campaign opens, then again every as many days."
        ),
        render_kw={"min": 1, "max": MAX_REMINDER_AFTER_DAYS, "inputmode": "numeric"},
    )
    reminder_limit = IntegerField(
        _l("Reminders at most"),
        default=Reminders.limit,
        validators=[
            _absent_keeps_the_setting,
            InputRequired(message=_l("Enter how many reminders to send at most (0: none).")),
            NumberRange(
                min=0,
                max=MAX_REMINDERS,
                message=_l("Send 0 to %(max)s reminders (0: none).", max=MAX_REMINDERS),
            ),
        ],
        description=_l(
            "0 sends none. Reminders stop as soon as the person answers, and never "
            "after the campaign closes."
        ),
        render_kw={"min": 0, "max": MAX_REMINDERS, "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Save survey"))

    def __init__(
        self,
        *args: object,
        choice: Choice | None = None,
        language: str | None = None,
        **kwargs: object,
    ) -> None:
        """``language``: the survey's default language, kept when a post leaves it out."""
        if choice is not None and "data" not in kwargs:
            kwargs["data"] = {
                "dimensions": choice.dimension_keys,
                "custom": [_custom_row(item, choice.language) for item in choice.custom],
            }
        super().__init__(*args, **kwargs)
        if language is not None and not self.default_language.raw_data:
            self.default_language.data = language
        self.dimensions.choices = [
            SelectChoice(dimension.key, dimension_title(dimension.key, dimension.name))
            for dimension in LIBRARY
        ]

    @classmethod
    def starter(cls) -> SurveyForm:
        """A new survey with the recommended first pulse ticked."""
        form = cls(formdata=None, choice=Choice(list(STARTER_PULSE), []))
        form.title.data = str(_l("CRM pulse"))
        return form

    @classmethod
    def of(cls, survey: Survey, version: SurveyVersion) -> SurveyForm:
        """The form of an existing survey, its latest version's choices ticked."""
        language = survey.default_language or DEFAULT_LANGUAGE
        form = cls(formdata=None, choice=choice_of(version, language), language=language)
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

    def language(self) -> str | None:
        """The default language posted; None when the post left it out (kept as it is)."""
        return self.default_language.data if self.default_language.raw_data else None

    def chosen_language(self) -> str:
        """The default language chosen; English while the post names none we have (the
        select then says so)."""
        data = self.default_language.data
        return data if is_language(data) else DEFAULT_LANGUAGE

    def languages_in_order(self) -> list[str]:
        """The default language first: its text is the one a statement needs."""
        default = self.chosen_language()
        return [default, *(code for code in LANGUAGES if code != default)]

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """A statement typed in some language needs a text in the default language too."""
        valid = bool(super().validate(extra_validators))
        default = self.chosen_language()
        for entry in self.custom.entries:
            row: CustomItemForm = entry.form
            if row.texts() and default not in row.texts():
                field = row.text_in(default)
                message = _(
                    "Needs a text in %(language)s, the survey’s default language.",
                    language=LANGUAGE_NAMES.get(default, default),
                )
                field.errors = [*field.errors, message]
                valid = False
        if not valid:  # the list's errors were gathered before these were added
            self.custom.errors = [entry.errors for entry in self.custom.entries]
        return valid

    def offer_blank_rows(self) -> None:
        """Empty rows for statements of one's own, so two are always there to fill in."""
        blank = sum(1 for entry in self.custom.entries if not entry.form.texts())
        room = MAX_CUSTOM_ITEMS - len(self.custom.entries)
        for _row in range(max(0, min(BLANK_CUSTOM_ROWS - blank, room))):
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
        return [
            (_(FAMILIES[family]) if family in FAMILIES else family, options)
            for family, options in grouped.items()
        ]

    def custom_items(self) -> list[CustomItem]:
        """The statements of one's own that have a text in any language; blank rows are ignored."""
        default = self.chosen_language()
        items = []
        for entry in self.custom.entries:
            texts = entry.form.texts()
            if texts:
                own = texts.pop(default, "")
                others = tuple(sorted(texts.items()))
                items.append(CustomItem(own, entry.scale.data, bool(entry.reverse.data), others))
        return items

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
        _l("First day"), validators=[DataRequired(message=_l("Enter the day the campaign opens."))]
    )
    last_day = DateField(
        _l("Last day"),
        validators=[DataRequired(message=_l("Enter the last day staff can answer."))],
    )
    team_ids = MultiCheckboxField(_l("Teams asked"), coerce=int, choices=[])
    repeat_days = IntegerField(
        _l("Repeat every … days (optional)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_REPEAT_DAYS)],
        description=_l(
            "14 for a fortnightly pulse. The next campaign, for the same teams, is "
            "created as soon as this one opens. Leave empty for a one-off campaign."
        ),
    )
    submit = SubmitField(_l("Schedule campaign"))

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
        _l("CSV file of people"),
        validators=[
            FileRequired(message=_l("Choose a CSV file.")),
            FileSize(MAX_UPLOAD_BYTES, message=_l("The file is larger than 2 MB.")),
        ],
        description=_l(
            "Two columns with a header line: email,team — the team as named in "
            "Stepwise. Each person gets a one-use link; their answer is never linked to them."
        ),
        render_kw={"accept": ".csv,text/csv"},
    )
    submit = SubmitField(_l("Create personal links"))
