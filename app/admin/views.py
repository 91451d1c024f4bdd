"""Site administration: organisations and consultant accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from app import kept_links
from app.admin.forms import OrganizationForm, UserForm
from app.formtools import attach_problems
from app.pagination import paginate
from app.services import accounts, organizations
from app.services.errors import ServiceError
from models import Organization, User, db

bp = Blueprint("admin", __name__, url_prefix="/admin")
# Where the lead consultant's invitation link waits until the admin dismisses it.
INVITE_PAGE = "admin"


@bp.before_request
@login_required
def require_admin() -> None:
    if not current_user.is_admin:
        abort(403)


def _render(org_form: OrganizationForm, user_form: UserForm) -> str:
    return render_template(
        "admin/index.html",
        organizations=paginate(select(Organization).order_by(Organization.name)),
        users=db.session.scalars(select(User).order_by(User.name).limit(200)).all(),
        org_form=org_form,
        user_form=user_form,
        invite_link=kept_links.kept(INVITE_PAGE),
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
            flash(_("Organisation “%(name)s” created.", name=organization.name), "success")
            if token is None:
                return redirect(url_for("orgs.organization", organization_id=organization.id))
            # Its token is stored only hashed: the link waits on the admin page, in this
            # login's signed session, so a reload does not lose it (app/kept_links.py).
            kept_links.keep(
                INVITE_PAGE, url_for("auth.accept_invitation", token=token, _external=True)
            )
            return redirect(url_for("admin.index", _anchor="invite-link-heading"))
    return _render(form, UserForm(formdata=None)), 422


@bp.post("/invitation-link/dismiss")
def dismiss_invite_link() -> Response:
    kept_links.dismiss(INVITE_PAGE)
    return redirect(url_for("admin.index"))


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
            flash(_("Account for %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.index"))
    return _render(OrganizationForm(formdata=None), form), 422


def _flash(messages: list[str]) -> None:
    for message in messages:
        flash(message, "error")
