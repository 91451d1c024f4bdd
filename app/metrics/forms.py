"""Forms of the metric pages: targets, custom metrics and the import wizard."""

from __future__ import annotations

import math
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
    return [SelectChoice(value, _l(label)) for value, label in options.items()]


def finite(form: FlaskForm, field: Any) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_("Enter a number."))


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
            _(
                "This is not a CSV file: it holds binary data (a spreadsheet, or text saved as "
                "UTF-16). Save it as “CSV UTF-8” and upload it again."
            )
        )


def _words(values: str | None) -> tuple[str, ...]:
    return tuple(value.strip() for value in (values or "").split(",") if value.strip())


class TargetForm(FlaskForm):
    target = FloatField(
        _l("Target"),
        validators=[Optional(), finite],
        description=_l("Leave empty for no target."),
    )
    target_date = DateField(_l("Target date"), validators=[Optional()])
    submit = SubmitField(_l("Save target"))


class MetricForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    key = StringField(
        _l("Key"),
        filters=[strip],
        validators=[DataRequired(), Length(max=40)],
        description=_l(
            "Used in imported files: lower-case letters, digits and underscores, "
            "e.g. meetings_logged."
        ),
    )
    unit = StringField(
        _l("Unit"),
        filters=[strip],
        validators=[DataRequired(), Length(max=30)],
        description=_l("For example %, score, calls/week."),
    )
    direction = SelectField(_l("Better when"), choices=_choices(DIRECTIONS), default="higher")
    category = SelectField(_l("Category"), choices=_choices(CATEGORIES), default="usage")
    target = FloatField(_l("Target"), validators=[Optional(), finite])
    target_date = DateField(_l("Target date"), validators=[Optional()])
    description = TextAreaField(
        _l("How it is measured"),
        filters=[strip],
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Add metric"))


class UploadForm(FlaskForm):
    kind = RadioField(_l("What is in the file?"), choices=_choices(KINDS), default=TIDY)
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(message=_l("Choose a CSV file.")), csv_text],
        description=_l("Saved as CSV (UTF-8) from a spreadsheet or exported from the CRM."),
        render_kw={"accept": ".csv,text/csv,text/plain"},
    )
    users_file = FileField(
        _l("User list (activity log only, optional)"),
        validators=[csv_text],
        description=_l(
            "A CSV with a user column and a team column, e.g. from the CRM's user "
            "export or HR. Without it, only teams named in the log itself are used."
        ),
        render_kw={"accept": ".csv,text/csv,text/plain"},
    )
    date_format = SelectField(
        _l("Dates in the file (tidy and wide files)"),
        choices=_choices(DATE_FORMATS),
        default="iso",
    )
    on_conflict = RadioField(
        _l("If a value for the same metric, team and date is already stored"),
        choices=_choices(ON_CONFLICT),
        default=REJECT,
    )
    submit = SubmitField(_l("Upload and preview"))


class MappingForm(FlaskForm):
    user_column = SelectField(_l("User"), validators=[DataRequired(message=_l("Choose a column."))])
    timestamp_column = SelectField(
        _l("Timestamp"), validators=[DataRequired(message=_l("Choose a column."))]
    )
    timestamp_format = SelectField(
        _l("Timestamp format"), choices=_choices(TIMESTAMP_FORMATS), default=ISO
    )
    custom_format = StringField(
        _l("Other format (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=60)],
        description=_l(
            "A Python strftime pattern, e.g. %Y/%m/%d %H:%M; used instead of the choice above."
        ),
    )
    source_zone = StringField(
        _l("Time zone of the timestamps"),
        filters=[strip],
        default="UTC",
        description=_l("Used for timestamps without an offset; many CRMs export UTC."),
        render_kw={"list": "zones"},
    )
    week_zone = StringField(
        _l("Time zone of the weeks"),
        filters=[strip],
        default="UTC",
        description=_l("Weeks run Monday to Sunday on this clock, usually the organisation's."),
        render_kw={"list": "zones"},
    )
    event_column = SelectField(_l("Event type (optional)"), default=NONE)
    login_events = StringField(
        _l("Event types that are logins"),
        filters=[strip],
        default="Login",
        description=_l(
            "Separate several with commas. Without an event type column every row is a login."
        ),
    )
    record_events = StringField(
        _l("Event types that create or update a record"),
        filters=[strip],
        description=_l("e.g. Create, Update, Edit. Other event types are left out."),
    )
    status_column = SelectField(_l("Status (optional)"), default=NONE)
    counted_statuses = StringField(
        _l("Statuses that count"),
        filters=[strip],
        description=_l(
            "e.g. Success. Rows with another status are left out; rows with an "
            "empty status count. Leave empty to count every status."
        ),
    )
    team_column = SelectField(
        _l("Team (optional)"),
        default=NONE,
        description=_l("When filled, it wins over the user list."),
    )
    active_on = RadioField(
        _l("A user is active in a week when they"), choices=_choices(ACTIVE_ON), default=RECORD
    )
    users_user_column = SelectField(_l("User list: user column"), default=NONE)
    users_team_column = SelectField(_l("User list: team column"), default=NONE)
    metrics = SelectMultipleField(
        _l("Metrics to store"),
        choices=_choices(MEASURES),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l(
            "Only metrics the file can measure are stored: a login-only export "
            "cannot measure records per active user, so it is never stored (nor replaced) from it."
        ),
    )
    # Rendered as a hidden "1" next to the boxes: a client that never showed them gets
    # every measurable metric, one that did and had all unticked gets an error.
    metrics_shown = StringField()
    submit = SubmitField(_l("Preview the import"))

    def set_columns(self, header: list[str], users_header: list[str] | None) -> None:
        required = [SelectChoice(name, name) for name in header]
        optional = [SelectChoice(NONE, _("— none —")), *required]
        self.user_column.choices = [SelectChoice(NONE, _("— choose —")), *required]
        self.timestamp_column.choices = [SelectChoice(NONE, _("— choose —")), *required]
        for field in (self.event_column, self.status_column, self.team_column):
            field.choices = optional
        users = [SelectChoice(NONE, _("— choose —"))] + [
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
            raise ValidationError(
                _("Use strftime codes such as %(example)s.", example="%d/%m/%Y %H:%M")
            )

    def validate_active_on(self, field: Any) -> None:
        if field.data == RECORD and not (
            self.event_column.data and _words(self.record_events.data)
        ):
            raise ValidationError(
                _(
                    "Nobody can be active on record changes without an event type column and "
                    "the event types that change records. Choose “logged in” for a login-only "
                    "export."
                )
            )

    def validate_metrics(self, field: Any) -> None:
        if not self.metrics_shown.data:
            return  # a client that does not show the choice: every measurable metric
        if not field.data:
            raise ValidationError(_("Tick at least one metric to store."))
        if not set(field.data) & set(measurable_keys(self.mapping())):
            raise ValidationError(
                _("None of the ticked metrics can be measured from this file with this mapping.")
            )

    def chosen_metrics(self) -> list[str]:
        """The ticked metrics the mapping can measure (all of them if the choice was not shown)."""
        keys = measurable_keys(self.mapping())
        if not self.metrics_shown.data:
            return keys
        return [key for key in keys if key in (self.metrics.data or [])]

    def validate_users_team_column(self, field: Any) -> None:
        if self.has_users and not (self.users_user_column.data and field.data):
            raise ValidationError(_("Choose the user and the team columns of the user list."))

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
    submit = SubmitField(_l("Preview again"))
