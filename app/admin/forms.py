from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app.formtools import PASSWORD_RULE, email_address, strip, strong_password


class OrganizationForm(FlaskForm):
    # Its own id: the account form on the same page has a "name" field too.
    name = StringField(
        "Organisation name",
        id="organization-name",
        filters=[strip],
        validators=[DataRequired(), Length(max=120)],
    )
    consultant_email = EmailField(
        "Lead consultant's email",
        filters=[strip],
        validators=[Optional(), email_address, Length(max=254)],
        description="An existing account joins at once; anyone else gets an invitation link.",
    )
    submit = SubmitField("Create organisation")


class UserForm(FlaskForm):
    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), email_address, Length(max=254)]
    )
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        "Temporary password",
        validators=[DataRequired(), strong_password],
        description=f"{PASSWORD_RULE} Hand it over in person.",
    )
    is_admin = BooleanField("Site administrator (sees every organisation)")
    submit = SubmitField("Create account")
