"""Pages of an organisation: its initiatives, teams and members."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app import kept_links
from app.access import (
    OrgAccess,
    initiative_access,
    members_only,
    organization_access,
    team_access,
    visible_organizations,
)
from app.formtools import ConfirmForm, attach_problems, form_page
from app.orgs.forms import (
    InitiativeForm,
    InviteForm,
    OrganizationDeleteForm,
    TeamForm,
    TeamImportForm,
    TeamRemoveForm,
)
from app.orgs.messages import removal_message, restored_message
from app.pagination import paginate
from app.services import organizations
from app.services.errors import ServiceError
from app.services.organizations import RemovalPlan, deletion
from app.services.organizations.landing import landing_initiative
from app.services.organizations.teams import team_totals
from insights.translation import ngettext
from models import Role, Team, User, db

bp = Blueprint("orgs", __name__)
members_only(bp)


@bp.get("/")
def home() -> str | Response:
    """The list of organisations; an executive with one initiative goes to its dashboard."""
    initiative_id = landing_initiative(current_user)
    if initiative_id is not None:
        return redirect(url_for("dashboard.dashboard", initiative_id=initiative_id))
    page = paginate(visible_organizations(current_user))
    counts = organizations.initiative_counts([org.id for org in page.items])
    return render_template("orgs/home.html", page=page, initiative_counts=counts)


@bp.get("/orgs/<int:organization_id>")
def organization(organization_id: int) -> str:
    access = organization_access(current_user, organization_id)
    initiatives = organizations.initiatives_of(organization_id)
    return render_template("orgs/organization.html", access=access, initiatives=initiatives)


@bp.route("/orgs/<int:organization_id>/delete", methods=["GET", "POST"])
def delete_organization(organization_id: int) -> str | Response | tuple[str, int]:
    """The danger page: delete the organisation and all of its data, its exact name typed."""
    access = organization_access(current_user, organization_id, manage=True)
    form = OrganizationDeleteForm()
    if form.validate_on_submit():
        try:
            done = deletion.delete_organization(
                access.organization, form.name.data or "", current_user
            )
        except ServiceError as error:
            _attach(form, error)
        else:
            flash(
                _("Organisation “%(name)s” and all of its data deleted.", name=done.name), "success"
            )
            return redirect(url_for("orgs.home"))
    return form_page(render_template("orgs/delete.html", access=access, form=form))


@bp.route("/orgs/<int:organization_id>/initiatives/new", methods=["GET", "POST"])
def new_initiative(organization_id: int) -> str | Response | tuple[str, int]:
    access = organization_access(current_user, organization_id, manage=True)
    form = InitiativeForm()
    if form.validate_on_submit():
        try:
            initiative = organizations.save_initiative(access.organization, form.fields_value())
        except ServiceError as error:
            _attach(form, error)
        else:
            flash(
                _("Initiative “%(name)s” created. Add its teams next.", name=initiative.name),
                "success",
            )
            return redirect(url_for("orgs.initiative", initiative_id=initiative.id))
    page = render_template("orgs/initiative_form.html", form=form, access=access, initiative=None)
    return form_page(page)


@bp.get("/initiatives/<int:initiative_id>")
def initiative(initiative_id: int) -> str:
    initiative, access = initiative_access(current_user, initiative_id)
    team_count = len(organizations.teams_of(access.organization.id))
    return render_template(
        "orgs/initiative.html", initiative=initiative, access=access, team_count=team_count
    )


@bp.route("/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
def edit_initiative(initiative_id: int) -> str | Response | tuple[str, int]:
    initiative, access = initiative_access(current_user, initiative_id, manage=True)
    form = InitiativeForm(obj=initiative)
    if form.validate_on_submit():
        try:
            organizations.save_initiative(access.organization, form.fields_value(), initiative)
        except ServiceError as error:
            _attach(form, error)
        else:
            flash(_("Initiative saved."), "success")
            return redirect(url_for("orgs.initiative", initiative_id=initiative.id))
    page = render_template(
        "orgs/initiative_form.html", form=form, access=access, initiative=initiative
    )
    return form_page(page)


def _attach(form: FlaskForm, error: ServiceError) -> None:
    """Put the problems on the form's fields; flash those about no field."""
    for message in attach_problems(form, error.problems):
        flash(message, "error")


@bp.route("/orgs/<int:organization_id>/teams", methods=["GET", "POST"])
def teams(organization_id: int) -> str | Response | tuple[str, int]:
    access = organization_access(current_user, organization_id)
    form = TeamForm(prefix="team")
    form.set_parent_choices(_team_choices(organization_id))
    form.set_leader_choices(_member_choices(organization_id))
    import_form = TeamImportForm(prefix="import", formdata=None)
    if request.method == "POST":
        organization_access(current_user, organization_id, manage=True)
        if form.validate_on_submit():
            try:
                team = organizations.save_team(
                    access.organization,
                    form.name.data or "",
                    form.headcount.data or 0,
                    form.parent_value(),
                    leader_id=form.leader_value(),
                )
            except ServiceError as error:
                _attach(form, error)
            else:
                flash(_("Team “%(name)s” added.", name=team.name), "success")
                return redirect(url_for("orgs.teams", organization_id=organization_id))
    return form_page(_render_teams(access, form, import_form))


@bp.post("/orgs/<int:organization_id>/teams/import")
def import_teams(organization_id: int) -> Response | tuple[str, int]:
    access = organization_access(current_user, organization_id, manage=True)
    form = TeamForm(prefix="team", formdata=None)
    form.set_parent_choices(_team_choices(organization_id))
    form.set_leader_choices(_member_choices(organization_id))
    import_form = TeamImportForm(prefix="import")
    line_errors: list[organizations.LineError] = []
    if import_form.validate_on_submit():
        saved, line_errors = organizations.import_teams(
            access.organization, import_form.lines.data or "", actor=current_user
        )
        if not line_errors:
            flash(ngettext("%(num)s team saved.", "%(num)s teams saved.", saved), "success")
            return redirect(url_for("orgs.teams", organization_id=organization_id))
        import_form.lines.errors = [_("Nothing was saved. Fix the lines below and try again.")]
    return _render_teams(access, form, import_form, line_errors), 422


def _render_teams(
    access: OrgAccess,
    form: TeamForm,
    import_form: TeamImportForm,
    line_errors: Sequence[organizations.LineError] = (),
) -> str:
    organization_id = access.organization.id
    page = paginate(organizations.active_teams_query(organization_id), per_page=50)
    # Archived teams stay out of the list unless asked for: they are only history.
    return render_template(
        "orgs/teams.html",
        access=access,
        page=page,
        team_names=organizations.team_names(organization_id),
        team_totals=team_totals(organization_id),
        archived=organizations.archived_teams_of(organization_id),
        show_archived=request.args.get("archived") == "1",
        form=form,
        import_form=import_form,
        line_errors=line_errors,
        confirm=ConfirmForm(formdata=None),
    )


def _team_choices(organization_id: int, exclude: int | None = None) -> list[tuple[int, str]]:
    return [
        (team.id, team.name)
        for team in organizations.teams_of(organization_id)
        if team.id != exclude
    ]


def _member_choices(organization_id: int) -> list[tuple[int, str]]:
    """Every member of the organisation, whatever their role: who may lead a team."""
    return [(user.id, user.name) for user, _ in organizations.members_of(organization_id)]


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
def edit_team(team_id: int) -> str | Response | tuple[str, int]:
    team, access = team_access(current_user, team_id, manage=True)
    if team.archived_at is not None:
        return _archived_team(team, access)
    form = TeamForm(obj=team)
    form.set_parent_choices(_team_choices(access.organization.id, exclude=team.id))
    form.set_leader_choices(_member_choices(access.organization.id))
    if form.validate_on_submit():
        try:
            organizations.save_team(
                access.organization,
                form.name.data or "",
                form.headcount.data or 0,
                form.parent_value(),
                team,
                leader_id=form.leader_value(),
            )
        except ServiceError as error:
            _attach(form, error)
        else:
            flash(_("Team “%(name)s” saved.", name=team.name), "success")
            return redirect(url_for("orgs.teams", organization_id=access.organization.id))
    page = render_template(
        "orgs/team_form.html",
        form=form,
        team=team,
        access=access,
        plan=organizations.removal_plan(team),
    )
    return form_page(page)


def _archived_team(team: Team, access: OrgAccess) -> str | Response:
    """An archived team is not edited, only restored: say so instead of offering the form."""
    if request.method == "POST":
        flash(
            _("Team “%(name)s” is archived: restore it before changing it.", name=team.name),
            "error",
        )
        return redirect(url_for("orgs.edit_team", team_id=team.id))
    return render_template(
        "orgs/team_archived.html", team=team, access=access, confirm=ConfirmForm(formdata=None)
    )


@bp.route("/teams/<int:team_id>/delete", methods=["GET", "POST"])
def delete_team(team_id: int) -> str | Response | tuple[str, int]:
    """Archive a team with history, delete one without; its sub-teams as the person chooses."""
    team, access = team_access(current_user, team_id, manage=True)
    if team.archived_at is not None:
        flash(_("Team “%(name)s” is already archived.", name=team.name), "error")
        return redirect(url_for("orgs.edit_team", team_id=team.id))
    plan = organizations.removal_plan(team)
    form = TeamRemoveForm()
    if not plan.sub_teams:
        del form.children
    problem = None
    if form.validate_on_submit():
        name, parent = team.name, plan.new_parent.name if plan.new_parent else None
        try:
            removal = organizations.remove_team(team, form.children_value(), actor=current_user)
        except ServiceError as error:
            # Sub-teams added since the page was shown: ask again with them listed.
            problem = error.message
            plan = organizations.removal_plan(team)
        else:
            flash(removal_message(name, parent, removal), "success")
            return redirect(url_for("orgs.teams", organization_id=access.organization.id))
    return form_page(_render_removal(team, access, plan, form, problem))


def _render_removal(
    team: Team,
    access: OrgAccess,
    plan: RemovalPlan,
    form: TeamRemoveForm,
    problem: str | None,
) -> str:
    if plan.sub_teams and "children" not in form:
        form = TeamRemoveForm(formdata=None)
    return render_template(
        "orgs/team_remove.html", team=team, access=access, plan=plan, form=form, problem=problem
    )


@bp.post("/teams/<int:team_id>/restore")
def restore_team(team_id: int) -> Response:
    team, access = team_access(current_user, team_id, manage=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        lifted_from = organizations.restore_team(team, actor=current_user)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("orgs.teams", organization_id=access.organization.id))
    flash(restored_message(team, lifted_from), "success")
    return redirect(url_for("orgs.teams", organization_id=access.organization.id))


@bp.route("/orgs/<int:organization_id>/members", methods=["GET", "POST"])
def members(organization_id: int) -> str | Response | tuple[str, int]:
    access = organization_access(current_user, organization_id)
    form = InviteForm()
    if request.method == "POST":
        organization_access(current_user, organization_id, manage=True)
        if form.validate_on_submit():
            try:
                invitation, token = organizations.invite_member(
                    access.organization, form.email.data or "", Role(form.role.data), current_user
                )
            except ServiceError as error:
                _attach(form, error)
            else:
                # The token is stored only hashed: the link waits on this page, in this
                # login's signed session, so a reload does not lose it (app/kept_links.py).
                flash(
                    _(
                        "Invitation for %(email)s created. Copy the link below.",
                        email=invitation.email,
                    ),
                    "success",
                )
                link = url_for("auth.accept_invitation", token=token, _external=True)
                kept_links.keep(_invite_page(organization_id), link)
                return redirect(
                    url_for(
                        "orgs.members",
                        organization_id=organization_id,
                        _anchor="invite-link-heading",
                    )
                )
    return form_page(_render_members(access, form))


def _invite_page(organization_id: int) -> str:
    return f"members-{organization_id}"


@bp.post("/orgs/<int:organization_id>/members/invitation-link/dismiss")
def dismiss_invite_link(organization_id: int) -> Response:
    organization_access(current_user, organization_id)
    kept_links.dismiss(_invite_page(organization_id))
    return redirect(url_for("orgs.members", organization_id=organization_id))


def _render_members(access: OrgAccess, form: InviteForm) -> str:
    return render_template(
        "orgs/members.html",
        access=access,
        members=organizations.members_of(access.organization.id),
        form=form,
        invite_link=kept_links.kept(_invite_page(access.organization.id)),
        confirm=ConfirmForm(formdata=None),
    )


@bp.post("/orgs/<int:organization_id>/members/<int:user_id>/remove")
def remove_member(organization_id: int, user_id: int) -> Response:
    access = organization_access(current_user, organization_id, manage=True)
    user = db.session.get(User, user_id)
    if user is None or not ConfirmForm().validate_on_submit():
        abort(404 if user is None else 400)
    try:
        organizations.remove_member(access.organization, user, actor=current_user)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "%(name)s no longer has access to %(organization)s.",
                name=user.name,
                organization=access.organization.name,
            ),
            "success",
        )
    return redirect(url_for("orgs.members", organization_id=organization_id))
