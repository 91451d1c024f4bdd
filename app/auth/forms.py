from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app.formtools import PASSWORD_RULE, email_address, strip, strong_password
from app.surveys.forms import MultiCheckboxField


class LoginForm(FlaskForm):
    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), email_address, Length(max=254)]
    )
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me logged in on this device")
    submit = SubmitField("Log in")


class AcceptInvitationForm(FlaskForm):
    """New account for an invited person; the email comes from the invitation."""

    name = StringField("Your name", filters=[strip], validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        "Choose a password", validators=[DataRequired(), strong_password], description=PASSWORD_RULE
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )
    submit = SubmitField("Create my account and join")


class JoinForm(FlaskForm):
    submit = SubmitField("Join")


class DigestForm(FlaskForm):
    """One box per organisation of the user's; the choices are set by the view."""

    organizations = MultiCheckboxField(
        "Send me the Monday digest of", coerce=int, choices=[], validate_choice=False
    )
    submit = SubmitField("Save digest choices")

    def validate_organizations(self, field: MultiCheckboxField) -> None:
        mine = {value for value, _ in field.choices or []}
        if set(field.data or []) - mine:
            raise ValidationError("Tick only organisations you belong to.")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password", validators=[DataRequired(), strong_password], description=PASSWORD_RULE
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords differ.")],
    )
    submit = SubmitField("Change password")
