"""Forms of the metric pages: targets, custom metrics and the import wizard."""

from __future__ import annotations

import math
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    FloatField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.formtools import strip
from app.services.metrics import DATE_FORMATS, KINDS, ON_CONFLICT, REJECT, TIDY
from app.services.metrics.measurable import MEASURES, measurable_keys
from insights.adoption import (
    ACTIVE_ON,
    CATEGORIES,
    DIRECTIONS,
    ISO,
    RECORD,
    TIMESTAMP_FORMATS,
    ActivityMapping,
    zone,
)

NONE = ""


def _choices(options: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options.items()]


def finite(form: FlaskForm, field: Any) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError("Enter a number.")


def csv_text(form: FlaskForm, field: Any) -> None:
    """A CSV is text: a NUL byte at its start means a spreadsheet, a UTF-16 export or other
    binary data, which would otherwise reach the mapping step as columns of garbage."""
    stream = getattr(field.data, "stream", None)
    if stream is None:
        return
    head = stream.read(65536)
    stream.seek(0)
    if b"\x00" in head:
        raise ValidationError(
            "This is not a CSV file: it holds binary data (a spreadsheet, or text saved as "
            "UTF-16). Save it as “CSV UTF-8” and upload it again."
        )


def _words(values: str | None) -> tuple[str, ...]:
    return tuple(value.strip() for value in (values or "").split(",") if value.strip())


class TargetForm(FlaskForm):
    target = FloatField(
        "Target",
        validators=[Optional(), finite],
        description="Leave empty for no target.",
    )
    target_date = DateField("Target date", validators=[Optional()])
    submit = SubmitField("Save target")


class MetricForm(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=120)])
    key = StringField(
        "Key",
        filters=[strip],
        validators=[DataRequired(), Length(max=40)],
        description="Used in imported files: lower-case letters, digits and underscores, "
        "e.g. meetings_logged.",
    )
    unit = StringField(
        "Unit",
        filters=[strip],
        validators=[DataRequired(), Length(max=30)],
        description="For example %, score, calls/week.",
    )
    direction = SelectField("Better when", choices=_choices(DIRECTIONS), default="higher")
    category = SelectField("Category", choices=_choices(CATEGORIES), default="usage")
    target = FloatField("Target", validators=[Optional(), finite])
    target_date = DateField("Target date", validators=[Optional()])
    description = TextAreaField(
        "How it is measured",
        filters=[strip],
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )
    submit = SubmitField("Add metric")


class UploadForm(FlaskForm):
    kind = RadioField("What is in the file?", choices=_choices(KINDS), default=TIDY)
    file = FileField(
        "CSV file",
        validators=[FileRequired(message="Choose a CSV file."), csv_text],
        description="Saved as CSV (UTF-8) from a spreadsheet or exported from the CRM.",
        render_kw={"accept": ".csv,text/csv,text/plain"},
    )
    users_file = FileField(
        "User list (activity log only, optional)",
        validators=[csv_text],
        description="A CSV with a user column and a team column, e.g. from the CRM's user "
        "export or HR. Without it, only teams named in the log itself are used.",
        render_kw={"accept": ".csv,text/csv,text/plain"},
    )
    date_format = SelectField(
        "Dates in the file (tidy and wide files)",
        choices=_choices(DATE_FORMATS),
        default="iso",
    )
    on_conflict = RadioField(
        "If a value for the same metric, team and date is already stored",
        choices=_choices(ON_CONFLICT),
        default=REJECT,
    )
    submit = SubmitField("Upload and preview")


class MappingForm(FlaskForm):
    user_column = SelectField("User", validators=[DataRequired(message="Choose a column.")])
    timestamp_column = SelectField(
        "Timestamp", validators=[DataRequired(message="Choose a column.")]
    )
    timestamp_format = SelectField(
        "Timestamp format", choices=_choices(TIMESTAMP_FORMATS), default=ISO
    )
    custom_format = StringField(
        "Other format (optional)",
        filters=[strip],
        validators=[Optional(), Length(max=60)],
        description="A Python strftime pattern, e.g. %Y/%m/%d %H:%M; used instead of the "
        "choice above.",
    )
    source_zone = StringField(
        "Time zone of the timestamps",
        filters=[strip],
        default="UTC",
        description="Used for timestamps without an offset; many CRMs export UTC.",
        render_kw={"list": "zones"},
    )
    week_zone = StringField(
        "Time zone of the weeks",
        filters=[strip],
        default="UTC",
        description="Weeks run Monday to Sunday on this clock, usually the organisation's.",
        render_kw={"list": "zones"},
    )
    event_column = SelectField("Event type (optional)", default=NONE)
    login_events = StringField(
        "Event types that are logins",
        filters=[strip],
        default="Login",
        description="Separate several with commas. Without an event type column every row "
        "is a login.",
    )
    record_events = StringField(
        "Event types that create or update a record",
        filters=[strip],
        description="e.g. Create, Update, Edit. Other event types are left out.",
    )
    status_column = SelectField("Status (optional)", default=NONE)
    counted_statuses = StringField(
        "Statuses that count",
        filters=[strip],
        description="e.g. Success. Rows with another status are left out; rows with an "
        "empty status count. Leave empty to count every status.",
    )
    team_column = SelectField(
        "Team (optional)",
        default=NONE,
        description="When filled, it wins over the user list.",
    )
    active_on = RadioField(
        "A user is active in a week when they", choices=_choices(ACTIVE_ON), default=RECORD
    )
    users_user_column = SelectField("User list: user column", default=NONE)
    users_team_column = SelectField("User list: team column", default=NONE)
    metrics = SelectMultipleField(
        "Metrics to store",
        choices=_choices(MEASURES),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description="Only metrics the file can measure are stored: a login-only export "
        "cannot measure records per active user, so it is never stored (nor replaced) from it.",
    )
    # Rendered as a hidden "1" next to the boxes: a client that never showed them gets
    # every measurable metric, one that did and had all unticked gets an error.
    metrics_shown = StringField()
    submit = SubmitField("Preview the import")

    def set_columns(self, header: list[str], users_header: list[str] | None) -> None:
        required = [SelectChoice(name, name) for name in header]
        optional = [SelectChoice(NONE, "— none —"), *required]
        self.user_column.choices = [SelectChoice(NONE, "— choose —"), *required]
        self.timestamp_column.choices = [SelectChoice(NONE, "— choose —"), *required]
        for field in (self.event_column, self.status_column, self.team_column):
            field.choices = optional
        users = [SelectChoice(NONE, "— choose —")] + [
            SelectChoice(name, name) for name in users_header or []
        ]
        self.users_user_column.choices = users
        self.users_team_column.choices = users
        self.has_users = users_header is not None

    @staticmethod
    def initial(mapping: ActivityMapping) -> dict[str, Any]:
        """Form data from a mapping (remembered, or in progress)."""
        data = mapping.settings()
        for key, value in data.items():
            if isinstance(value, list):
                data[key] = ", ".join(value)
            elif value is None:
                data[key] = NONE
        if mapping.timestamp_format not in TIMESTAMP_FORMATS:
            data["timestamp_format"], data["custom_format"] = ISO, mapping.timestamp_format
        return data

    def validate_source_zone(self, field: Any) -> None:
        _check_zone(field.data)

    def validate_week_zone(self, field: Any) -> None:
        _check_zone(field.data)

    def validate_custom_format(self, field: Any) -> None:
        if field.data and "%" not in field.data:
            raise ValidationError("Use strftime codes such as %d/%m/%Y %H:%M.")

    def validate_active_on(self, field: Any) -> None:
        if field.data == RECORD and not (
            self.event_column.data and _words(self.record_events.data)
        ):
            raise ValidationError(
                "Nobody can be active on record changes without an event type column and "
                "the event types that change records. Choose “logged in” for a login-only "
                "export."
            )

    def validate_metrics(self, field: Any) -> None:
        if not self.metrics_shown.data:
            return  # a client that does not show the choice: every measurable metric
        if not field.data:
            raise ValidationError("Tick at least one metric to store.")
        if not set(field.data) & set(measurable_keys(self.mapping())):
            raise ValidationError(
                "None of the ticked metrics can be measured from this file with this mapping."
            )

    def chosen_metrics(self) -> list[str]:
        """The ticked metrics the mapping can measure (all of them if the choice was not shown)."""
        keys = measurable_keys(self.mapping())
        if not self.metrics_shown.data:
            return keys
        return [key for key in keys if key in (self.metrics.data or [])]

    def validate_users_team_column(self, field: Any) -> None:
        if self.has_users and not (self.users_user_column.data and field.data):
            raise ValidationError("Choose the user and the team columns of the user list.")

    def mapping(self) -> ActivityMapping:
        return ActivityMapping(
            user_column=self.user_column.data or "",
            timestamp_column=self.timestamp_column.data or "",
            timestamp_format=self.custom_format.data or self.timestamp_format.data or ISO,
            source_zone=self.source_zone.data or "UTC",
            week_zone=self.week_zone.data or "UTC",
            event_column=self.event_column.data or None,
            login_events=_words(self.login_events.data),
            record_events=_words(self.record_events.data),
            status_column=self.status_column.data or None,
            counted_statuses=_words(self.counted_statuses.data),
            team_column=self.team_column.data or None,
            active_on=self.active_on.data or RECORD,
            users_user_column=self.users_user_column.data or None,
            users_team_column=self.users_team_column.data or None,
        )


def _check_zone(name: str | None) -> None:
    try:
        zone(name or "")
    except ValueError as error:
        raise ValidationError(str(error)) from None


class ConflictForm(FlaskForm):
    on_conflict = RadioField(choices=_choices(ON_CONFLICT), validators=[DataRequired()])
    submit = SubmitField("Preview again")
