from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app.formtools import PASSWORD_RULE, email_address, strip, strong_password
from app.surveys.forms import MultiCheckboxField


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"), filters=[strip], validators=[DataRequired(), email_address, Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class AcceptInvitationForm(FlaskForm):
    """New account for an invited person; the email comes from the invitation."""

    name = StringField(
        _l("Your name"), filters=[strip], validators=[DataRequired(), Length(max=120)]
    )
    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(), strong_password],
        description=PASSWORD_RULE,
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Create my account and join"))


class JoinForm(FlaskForm):
    submit = SubmitField(_l("Join"))


class DigestForm(FlaskForm):
    """One box per organisation of the user's; the choices are set by the view."""

    organizations = MultiCheckboxField(
        _l("Send me the Monday digest of"), coerce=int, choices=[], validate_choice=False
    )
    submit = SubmitField(_l("Save digest choices"))

    def validate_organizations(self, field: MultiCheckboxField) -> None:
        mine = {value for value, _label in field.choices or []}
        if set(field.data or []) - mine:
            raise ValidationError(_("Tick only organisations you belong to."))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), strong_password], description=PASSWORD_RULE
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))
