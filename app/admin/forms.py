from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app.formtools import email_address, strip, strong_password
from app.services.accounts import MIN_PASSWORD_LENGTH


class OrganizationForm(FlaskForm):
    # Its own id: the account form on the same page has a "name" field too.
    name = StringField(
        _l("Organisation name"),
        id="organization-name",
        filters=[strip],
        validators=[DataRequired(), Length(max=120)],
    )
    consultant_email = EmailField(
        _l("Lead consultant's email"),
        filters=[strip],
        validators=[Optional(), email_address, Length(max=254)],
        description=_l("An existing account joins at once; anyone else gets an invitation link."),
    )
    submit = SubmitField(_l("Create organisation"))


class UserForm(FlaskForm):
    email = EmailField(
        _l("Email"), filters=[strip], validators=[DataRequired(), email_address, Length(max=254)]
    )
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        _l("Temporary password"),
        validators=[DataRequired(), strong_password],
        description=_l(
            "At least %(num)s characters, and not one of the most common passwords; a few"
            " unrelated words make a good one. Hand it over in person.",
            num=MIN_PASSWORD_LENGTH,
        ),
    )
    is_admin = BooleanField(_l("Site administrator (sees every organisation)"))
    submit = SubmitField(_l("Create account"))
