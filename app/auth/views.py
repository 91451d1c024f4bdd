"""Logging in and out, the account page (password, "log out everywhere"), and
accepting an invitation. How a login session lives and ends: app/auth/sessions.py."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.auth import sessions
from app.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    DigestForm,
    JoinForm,
    LoginForm,
)
from app.formtools import ConfirmForm, attach_problems, form_page
from app.services import accounts, digest
from app.services.errors import ServiceError
from app.services.organizations.landing import landing_initiative
from models import Invitation, User

bp = Blueprint("auth", __name__)
bp.before_app_request(sessions.end_idle_session)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so a login link cannot bounce a user elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return landing_url(current_user)


def landing_url(user: User, fallback: str | None = None) -> str:
    """An executive with one initiative lands on its dashboard; everyone else as before."""
    initiative_id = landing_initiative(user)
    if initiative_id is not None:
        return url_for("dashboard.dashboard", initiative_id=initiative_id)
    return fallback or url_for("orgs.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            sessions.log_in(user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
        # The same words whether the account exists or not.
        form.password.errors = [_("That email and password do not match an account.")]
    return form_page(render_template("auth/login.html", form=form))


@bp.post("/logout")
@login_required
def logout() -> Response:
    sessions.log_out()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/account")
@login_required
def account() -> str:
    return _account_page(ChangePasswordForm())


def _account_page(form: ChangePasswordForm, digest_form: DigestForm | None = None) -> str:
    return render_template(
        "auth/account.html",
        form=form,
        everywhere_form=ConfirmForm(),
        digest_form=digest_form or _digest_form(),
    )


def _digest_form(submitted: bool = False) -> DigestForm:
    """The Monday digest boxes: one per organisation of the user, ticked as stored."""
    choices = digest.digest_choices(current_user)
    if submitted:
        form = DigestForm()
    else:
        form = DigestForm(formdata=None, organizations=[org.id for org, on in choices if on])
    form.organizations.choices = [(org.id, org.name) for org, _chosen in choices]
    return form


@bp.post("/account/digest")
@login_required
def digest_choices() -> str | Response | tuple[str, int]:
    form = _digest_form(submitted=True)
    if form.validate_on_submit():
        on = digest.set_digest(current_user, form.organizations.data or [])
        flash(
            _("You will receive the Monday digest.")
            if on
            else _("You will not receive the digest."),
            "success",
        )
        return redirect(url_for("auth.account", _anchor="digest-heading"))
    return form_page(_account_page(ChangePasswordForm(), form))


@bp.post("/account/password")
@login_required
def change_password() -> str | Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            login = accounts.change_password(
                current_user,
                form.current_password.data or "",
                form.new_password.data or "",
                token=sessions.current_token(),
                user_agent=request.headers.get("User-Agent"),
            )
        except ServiceError as error:
            for message in attach_problems(form, error.problems):
                flash(message, "error")
        else:
            sessions.keep_after_password_change(login)
            flash(_("Your password is changed; every other device is logged out."), "success")
            return redirect(url_for("auth.account"))
    return form_page(_account_page(form))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere() -> Response:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    accounts.end_all_login_sessions(current_user)
    sessions.log_out()
    flash(_("You are logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> str | Response | tuple[str, int]:
    invitation = accounts.open_invitation(token)
    if invitation is None:
        return render_template("auth/invitation_gone.html"), 410
    existing = accounts.user_by_email(invitation.email)
    if existing is not None:
        return _join_existing_account(invitation, existing)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = accounts.join_as_new_user(
                invitation, form.name.data or "", form.password.data or ""
            )
        except ServiceError as error:
            for message in attach_problems(form, error.problems):
                flash(message, "error")
        else:
            sessions.log_in(user, remember=False)
            flash(_("Welcome to %(name)s.", name=invitation.organization.name), "success")
            return redirect(landing_url(user, _organization_url(invitation)))
    page = render_template("auth/accept_invitation.html", form=form, invitation=invitation)
    return form_page(page)


def _join_existing_account(invitation: Invitation, user: User) -> str | Response:
    if not current_user.is_authenticated:
        flash(_("Log in as %(email)s to accept the invitation.", email=invitation.email), "info")
        return redirect(url_for("auth.login", next=request.path))
    form = JoinForm()
    if current_user.id != user.id:
        return render_template(
            "auth/accept_invitation.html", invitation=invitation, wrong_account=True, form=None
        )
    if form.validate_on_submit():
        accounts.accept_invitation(invitation, user)
        flash(_("You joined %(name)s.", name=invitation.organization.name), "success")
        return redirect(landing_url(user, _organization_url(invitation)))
    return render_template(
        "auth/accept_invitation.html", invitation=invitation, form=form, join=True
    )


def _organization_url(invitation: Invitation) -> str:
    return url_for("orgs.organization", organization_id=invitation.organization_id)
