from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.formtools import email_address, strip
from app.services.organizations import (
    CHOOSE_LEADER,
    CHOOSE_SUB_TEAMS,
    MAX_HEADCOUNT,
    InitiativeFields,
    SubTeams,
)
from models import Role

ROLE_CHOICES = [
    SelectChoice(
        Role.EXECUTIVE.value, _l("Executive — reads everything, rates steps, owns actions")
    ),
    SelectChoice(Role.CONSULTANT.value, _l("Consultant — also manages teams, members and surveys")),
]


class InitiativeForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=160)],
        description=_l("For example “Customer 360 rollout”."),
    )
    crm_product = StringField(
        _l("CRM product"),
        filters=[strip],
        validators=[DataRequired(), Length(max=120)],
        description=_l("The CRM being rolled out."),
    )
    start_date = DateField(
        _l("Start date"), validators=[DataRequired(message=_l("Enter a valid date."))]
    )
    go_live_date = DateField(_l("Go-live date"), validators=[Optional()])
    licensed_seats = IntegerField(
        _l("Licensed seats"),
        validators=[
            InputRequired(message=_l("Enter a whole number.")),
            NumberRange(min=1, max=10_000_000),
        ],
        description=_l("How many people the CRM is licensed for; adoption is measured against it."),
    )
    submit = SubmitField(_l("Save initiative"))

    def fields_value(self) -> InitiativeFields:
        return InitiativeFields(
            name=self.name.data or "",
            crm_product=self.crm_product.data or "",
            start_date=self.start_date.data,
            go_live_date=self.go_live_date.data,
            licensed_seats=self.licensed_seats.data or 0,
        )


class _LeaderField(SelectField):
    """The team's leader; a team without one (None) shows, and posts, "nobody" (0)."""

    def process_data(self, value: object) -> None:
        super().process_data(0 if value is None else value)


class TeamForm(FlaskForm):
    name = StringField(
        _l("Team name"), filters=[strip], validators=[DataRequired(), Length(max=120)]
    )
    headcount = IntegerField(
        _l("Headcount"),
        validators=[
            InputRequired(message=_l("Enter a whole number of people (0 or more).")),
            NumberRange(min=0, max=MAX_HEADCOUNT),
        ],
        description=_l(
            "The team’s own people, not counting its sub-teams (a parent’s total is "
            "worked out from them); response and adoption rates are measured against it."
        ),
    )
    parent_id = SelectField(_l("Part of"), coerce=int, default=0)
    leader_id = _LeaderField(
        _l("Leader"),
        coerce=int,
        default=0,
        invalid_choice_message=CHOOSE_LEADER,
        description=_l(
            "The member who leads this team (optional): their 360 is related to the "
            "team’s pulse and adoption on the leadership pages."
        ),
    )
    submit = SubmitField(_l("Save team"))

    def set_parent_choices(self, teams: list[tuple[int, str]]) -> None:
        self.parent_id.choices = [
            SelectChoice(0, _("— none (top level) —")),
            *(SelectChoice(team_id, name) for team_id, name in teams),
        ]

    def set_leader_choices(self, members: list[tuple[int, str]]) -> None:
        self.leader_id.choices = [
            SelectChoice(0, _("— nobody named —")),
            *(SelectChoice(user_id, name) for user_id, name in members),
        ]

    def parent_value(self) -> int | None:
        return self.parent_id.data or None

    def leader_value(self) -> int | None:
        return self.leader_id.data or None


class TeamImportForm(FlaskForm):
    lines = TextAreaField(
        _l("Teams, one per line"),
        validators=[DataRequired(message=_l("Paste at least one team."))],
        description=_l(
            "name, headcount, parent team (optional); commas or tabs, "
            "as pasted from a spreadsheet. A headcount is the team’s own people, not counting "
            "its sub-teams."
        ),
        render_kw={
            "rows": 8,
            "placeholder": "Sales, 120\nSales North, 45, Sales\nSales South, 40, Sales",
        },
    )
    submit = SubmitField(_l("Add these teams"))


class TeamRemoveForm(FlaskForm):
    """Confirms archiving or deleting a team; with sub-teams, also says what happens to them."""

    # No default: moving sub-teams up or removing them is the person's decision.
    children = RadioField(
        _l("Its sub-teams"),
        choices=[
            SelectChoice(SubTeams.MOVE_UP.value, _l("Move them up")),
            SelectChoice(SubTeams.WITH_IT.value, _l("Remove them with it")),
        ],
        invalid_choice_message=CHOOSE_SUB_TEAMS,
    )
    submit = SubmitField(_l("Confirm"))

    def children_value(self) -> SubTeams | None:
        # The view removes the field for a team without sub-teams (it is then None).
        if self.children is None or not self.children.data:
            return None
        return SubTeams(self.children.data)


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email"), filters=[strip], validators=[DataRequired(), email_address, Length(max=254)]
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.EXECUTIVE.value)
    submit = SubmitField(_l("Create invitation link"))


class OrganizationDeleteForm(FlaskForm):
    """Deleting an organisation is confirmed by typing its exact name."""

    name = StringField(
        _l("Type the organisation's name to confirm"),
        validators=[DataRequired(message=_l("Type the organisation's name to confirm."))],
    )
