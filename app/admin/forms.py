from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.formtools import strip
from app.services.accounts import MIN_PASSWORD_LENGTH


class OrganizationForm(FlaskForm):
    name = StringField(
        "Organisation name", filters=[strip], validators=[DataRequired(), Length(max=120)]
    )
    consultant_email = EmailField(
        "Lead consultant's email",
        filters=[strip],
        validators=[Optional(), Email(), Length(max=254)],
        description="An existing account joins at once; anyone else gets an invitation link.",
    )
    submit = SubmitField("Create organisation")


class UserForm(FlaskForm):
    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        "Temporary password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters; hand it over in person.",
    )
    is_admin = BooleanField("Site administrator (sees every organisation)")
    submit = SubmitField("Create account")
