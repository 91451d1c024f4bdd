"""Site administration: organisations and consultant accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.admin.forms import OrganizationForm, UserForm
from app.formtools import attach_problems
from app.pagination import paginate
from app.services import accounts, organizations
from app.services.errors import ServiceError
from models import Organization, User, db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin() -> None:
    if not current_user.is_admin:
        abort(403)


def _render(org_form: OrganizationForm, user_form: UserForm, invite_link: str | None = None) -> str:
    return render_template(
        "admin/index.html",
        organizations=paginate(select(Organization).order_by(Organization.name)),
        users=db.session.scalars(select(User).order_by(User.name).limit(200)).all(),
        org_form=org_form,
        user_form=user_form,
        invite_link=invite_link,
    )


@bp.get("/")
def index() -> str:
    return _render(OrganizationForm(), UserForm())


@bp.post("/organizations")
def create_organization() -> str | Response | tuple[str, int]:
    form = OrganizationForm()
    if form.validate_on_submit():
        try:
            organization, token = organizations.open_organization(
                form.name.data or "", form.consultant_email.data, current_user
            )
        except ServiceError as error:
            _flash(attach_problems(form, error.problems))
        else:
            flash(f"Organisation “{organization.name}” created.", "success")
            if token is None:
                return redirect(url_for("orgs.organization", organization_id=organization.id))
            # The invitation's link is shown once, here: its token is stored only hashed.
            link = url_for("auth.accept_invitation", token=token, _external=True)
            return _render(OrganizationForm(formdata=None), UserForm(formdata=None), link)
    return _render(form, UserForm(formdata=None)), 422


@bp.post("/users")
def create_user() -> str | Response | tuple[str, int]:
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_account(
                form.email.data or "",
                form.name.data or "",
                form.password.data or "",
                is_admin=form.is_admin.data,
                actor=current_user,
            )
        except ServiceError as error:
            _flash(attach_problems(form, error.problems))
        else:
            flash(f"Account for {user.email} created.", "success")
            return redirect(url_for("admin.index"))
    return _render(OrganizationForm(formdata=None), form), 422


def _flash(messages: list[str]) -> None:
    for message in messages:
        flash(message, "error")
