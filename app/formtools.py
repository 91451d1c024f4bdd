"""Small pieces shared by the WTForms forms of every blueprint."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from app.services import accounts
from app.services.errors import ServiceError


def strip(value: Any) -> Any:
    """Field filter: ignore spaces pasted around a value."""
    return value.strip() if isinstance(value, str) else value


def email_address(form: Any, field: Any) -> None:
    """Field validator: the one email rule (``accounts.valid_email``) of the login form,
    invitations, the admin page and the CLI (the services store it lower-cased)."""
    if not field.data:
        return
    try:
        accounts.valid_email(field.data)
    except ServiceError as error:
        raise ValidationError(error.message) from None


def strong_password(form: Any, field: Any) -> None:
    """Field validator: the one password rule (``accounts.password_problem``)."""
    problem = accounts.password_problem(field.data or "")
    if problem is not None:
        raise ValidationError(problem)


PASSWORD_RULE = _l(
    "At least %(num)s characters, and not one of the most common passwords; a few unrelated "
    "words make a good one.",
    num=accounts.MIN_PASSWORD_LENGTH,
)


def attach_problems(form: Any, problems: Mapping[str, str]) -> list[str]:
    """Put each problem on its form field; those about no field of the form come back
    (the view flashes them or shows them above the form)."""
    unplaced = []
    for name, message in problems.items():
        field = form._fields.get(name) if name else None
        if field is None:
            unplaced.append(message)
        else:
            field.errors = [*field.errors, message]
    return unplaced


class ConfirmForm(FlaskForm):
    """A POST with only its CSRF token: confirms an action."""


def form_page(page: str) -> str | tuple[str, int]:
    """A form page as answered: 422 when it comes back from a POST (the form was refused,
    re-rendered with what was typed), 200 when it is simply shown."""
    return (page, 422) if request.method == "POST" else page
