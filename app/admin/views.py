"""Site administration: organisations and consultant accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.admin.forms import OrganizationForm, UserForm
from app.pagination import paginate
from app.services import accounts, organizations
from app.services.accounts import AccountError
from app.services.organizations import OrganizationError
from models import Organization, Role, User, db

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
    if not form.validate_on_submit():
        return _render(form, UserForm(formdata=None)), 422
    try:
        organization = organizations.create_organization(form.name.data or "")
    except OrganizationError as error:
        form.name.errors = [str(error)]
        return _render(form, UserForm(formdata=None)), 422
    invite_link = None
    email = form.consultant_email.data
    if email:
        consultant = accounts.user_by_email(email)
        if consultant is not None:
            accounts.add_member(consultant, organization, Role.CONSULTANT)
        else:
            _, token = accounts.create_invitation(
                organization, email, Role.CONSULTANT, current_user
            )
            invite_link = url_for("auth.accept_invitation", token=token, _external=True)
    db.session.commit()
    flash(f"Organisation “{organization.name}” created.", "success")
    if invite_link:
        return _render(OrganizationForm(formdata=None), UserForm(formdata=None), invite_link)
    return redirect(url_for("orgs.organization", organization_id=organization.id))


@bp.post("/users")
def create_user() -> str | Response | tuple[str, int]:
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.email.data or "",
                form.name.data or "",
                form.password.data or "",
                is_admin=form.is_admin.data,
            )
        except AccountError as error:
            form.email.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"Account for {user.email} created.", "success")
            return redirect(url_for("admin.index"))
    return _render(OrganizationForm(formdata=None), form), 422
