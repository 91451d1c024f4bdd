"""The Kotter step tracker: steps, evidence, actions and assessment rounds.

Any member of the organisation (executive or consultant, or a site admin)
updates a step, ticks evidence, rates rounds and adds actions; only those who
manage (consultants, site admins) shape the evidence checklist and start or
close rounds. The rounds' views are in ``app.stages.rounds``; their routes are
registered on this blueprint at the end of this module.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.access import OrgAccess, initiative_access, members_only
from app.formtools import ConfirmForm, attach_problems, form_page
from app.pagination import paginate
from app.services import effects, organizations, stages
from app.services.errors import ServiceError
from app.stages import rounds as round_views
from app.stages.forms import (
    FILTER_STATUS_LABELS,
    ActionFilterForm,
    ActionForm,
    EvidenceForm,
    StageForm,
    TickForm,
    owner_choices,
)
from insights.kotter import STEPS, STEPS_BY_KEY, Step
from insights.stages import STATUS_LABELS, warning_text
from models import Action, EvidenceItem, Initiative, Stage, User, db

Page = str | tuple[str, int]

bp = Blueprint("stages", __name__)
members_only(bp)


@bp.context_processor
def labels() -> dict[str, object]:
    return {
        "status_labels": STATUS_LABELS,
        "action_status_labels": FILTER_STATUS_LABELS,
        "steps_by_key": STEPS_BY_KEY,
        "warning_text": warning_text,
    }


# --- shared look-ups: the object or 404 (outsiders) / 403 (not allowed) ---------------


def _stage(initiative_id: int, key: str) -> tuple[Initiative, OrgAccess, Stage]:
    initiative, access = initiative_access(current_user, initiative_id)
    stage = stages.find_stage(initiative, key)
    if stage is None:
        abort(404)
    return initiative, access, stage


def _evidence(item_id: int, *, manage: bool = False) -> tuple[EvidenceItem, OrgAccess]:
    item = stages.evidence_item(item_id)
    if item is None:
        abort(404)
    _initiative, access = initiative_access(current_user, item.stage.initiative_id, manage=manage)
    return item, access


def _action(action_id: int) -> tuple[Action, Initiative, OrgAccess]:
    action = stages.action_by_id(action_id)
    if action is None:
        abort(404)
    initiative, access = initiative_access(current_user, action.initiative_id)
    return action, initiative, access


def _members(access: OrgAccess) -> list[User]:
    return [user for user, _ in organizations.members_of(access.organization.id)]


def _refused(form: FlaskForm, error: ServiceError) -> None:
    """Put a service's refusal on the fields it names; a problem about no field is flashed."""
    for message in attach_problems(form, error.problems):
        flash(message, "error")


def _step_url(stage: Stage, anchor: str | None = None) -> str:
    return url_for("stages.step", initiative_id=stage.initiative_id, key=stage.key, _anchor=anchor)


# --- the tracker and one step ------------------------------------------------------------


@bp.get("/initiatives/<int:initiative_id>/steps")
def tracker(initiative_id: int) -> str:
    initiative, access = initiative_access(current_user, initiative_id)
    today = date.today()
    return render_template(
        "stages/tracker.html",
        initiative=initiative,
        access=access,
        overview=stages.stage_overview(initiative, today),
        today=today,
    )


@bp.route("/initiatives/<int:initiative_id>/steps/<key>", methods=["GET", "POST"])
def step(initiative_id: int, key: str) -> Page | Response:
    initiative, access, stage = _stage(initiative_id, key)
    members = _members(access)
    form = StageForm(prefix="stage", obj=stage, owner_id=stage.owner_id or 0)
    form.owner_id.choices = owner_choices(members)
    if form.validate_on_submit():
        try:
            stages.update_stage(
                stage,
                status=form.status.data,
                owner=stages.member_owner(access.organization.id, form.owner_id.data),
                target_date=form.target_date.data,
                notes=form.notes.data or "",
                by=current_user,
            )
        except ServiceError as error:
            _refused(form, error)
        else:
            flash(_("Step %(position)s saved.", position=stage.position), "success")
            return redirect(_step_url(stage))
    return form_page(_render_step(initiative, access, stage, members, stage_form=form))


@bp.post("/initiatives/<int:initiative_id>/steps/<key>/evidence")
def add_evidence(initiative_id: int, key: str) -> Page | Response:
    initiative, access, stage = _stage(initiative_id, key)
    if not access.can_manage:
        abort(403)
    form = EvidenceForm(prefix="evidence")
    if form.validate_on_submit():
        try:
            stages.add_evidence(stage, form.text.data or "")
        except ServiceError as error:
            _refused(form, error)
        else:
            flash(_("Evidence added to the checklist."), "success")
            return redirect(_step_url(stage, "evidence"))
    return form_page(_render_step(initiative, access, stage, _members(access), evidence_form=form))


@bp.post("/initiatives/<int:initiative_id>/steps/<key>/actions")
def add_step_action(initiative_id: int, key: str) -> Page | Response:
    initiative, access, stage = _stage(initiative_id, key)
    members = _members(access)
    form = _action_form(access, members)
    if form.validate_on_submit() and _save_action(form, initiative, access) is not None:
        flash(_("Action “%(title)s” added.", title=form.title.data), "success")
        return redirect(_step_url(stage, "actions"))
    return form_page(_render_step(initiative, access, stage, members, action_form=form))


def _render_step(
    initiative: Initiative,
    access: OrgAccess,
    stage: Stage,
    members: list[User],
    *,
    stage_form: StageForm | None = None,
    evidence_form: EvidenceForm | None = None,
    action_form: ActionForm | None = None,
) -> str:
    if stage_form is None:
        stage_form = StageForm(
            prefix="stage", formdata=None, obj=stage, owner_id=stage.owner_id or 0
        )
        stage_form.owner_id.choices = owner_choices(members)
    return render_template(
        "stages/step.html",
        initiative=initiative,
        access=access,
        stage=stage,
        step=STEPS_BY_KEY[stage.key],
        neighbours=_neighbours(stage.position),
        evidence=stages.evidence_of(stage),
        history=stages.status_history(stage),
        actions=db.session.scalars(stages.actions_query(initiative, stage_key=stage.key)).all(),
        stage_form=stage_form,
        evidence_form=evidence_form or EvidenceForm(prefix="evidence", formdata=None),
        # ?action=... pre-fills the title, so a dashboard finding becomes an action in one step.
        action_form=action_form
        or _action_form(
            access,
            members,
            formdata=None,
            stage_key=stage.key,
            title=request.args.get("action", "")[:200],
        ),
        today=date.today(),
    )


def _neighbours(position: int) -> tuple[Step | None, Step | None]:
    """The steps before and after, for the previous/next links of a step page."""
    return (
        STEPS[position - 2] if position > 1 else None,
        STEPS[position] if position < len(STEPS) else None,
    )


# --- evidence items ----------------------------------------------------------------------


@bp.post("/evidence/<int:item_id>/tick")
def tick_evidence(item_id: int) -> Response:
    item, _access = _evidence(item_id)
    form = TickForm()
    if not form.validate_on_submit() or form.done.data not in ("0", "1"):
        abort(400)  # a button's hidden value, never typed: a forged request
    done = form.done.data == "1"
    stages.tick_evidence(item, done, current_user)
    if done:
        flash(_("“%(text)s” marked as done.", text=item.text), "success")
    else:
        flash(_("“%(text)s” marked as not done.", text=item.text), "success")
    return redirect(_step_url(item.stage, f"evidence-{item.id}"))


@bp.route("/evidence/<int:item_id>/edit", methods=["GET", "POST"])
def edit_evidence(item_id: int) -> Page | Response:
    item, access = _evidence(item_id, manage=True)
    form = EvidenceForm(obj=item)
    if form.validate_on_submit():
        try:
            stages.edit_evidence(item, form.text.data or "")
        except ServiceError as error:
            _refused(form, error)
        else:
            flash(_("Evidence saved."), "success")
            return redirect(_step_url(item.stage, f"evidence-{item.id}"))
    page = render_template(
        "stages/evidence_form.html",
        form=form,
        item=item,
        stage=item.stage,
        step=STEPS_BY_KEY[item.stage.key],
        initiative=db.session.get(Initiative, item.stage.initiative_id),
        access=access,
        delete_form=ConfirmForm(formdata=None),
    )
    return form_page(page)


@bp.post("/evidence/<int:item_id>/delete")
def delete_evidence(item_id: int) -> Response:
    item, _access = _evidence(item_id, manage=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    stage, text = item.stage, item.text
    stages.remove_evidence(item, actor=current_user)
    flash(_("“%(text)s” removed from the checklist.", text=text), "success")
    return redirect(_step_url(stage, "evidence"))


# --- actions -----------------------------------------------------------------------------


def _action_form(access: OrgAccess, members: list[User], **kwargs: object) -> ActionForm:
    form = ActionForm(prefix="action", **kwargs)
    teams = organizations.teams_of(access.organization.id)
    form.set_choices(members, [(team.id, team.name) for team in teams])
    return form


def _save_action(
    form: ActionForm, initiative: Initiative, access: OrgAccess, action: Action | None = None
) -> Action | None:
    """Save the form's action, or name on the form why not (nothing is changed then)."""
    try:
        return stages.save_action(
            initiative,
            stage_key=form.stage_key.data,
            title=form.title.data or "",
            owner=stages.member_owner(access.organization.id, form.owner_id.data),
            due_date=form.due_date.data,
            status=form.status.data,
            by=current_user,
            action=action,
            teams=form.teams.data or [],
            done_on=form.done_on.data,
        )
    except ServiceError as error:
        _refused(form, error)
        return None


@bp.route("/initiatives/<int:initiative_id>/actions", methods=["GET", "POST"])
def actions(initiative_id: int) -> Page | Response:
    initiative, access = initiative_access(current_user, initiative_id)
    members = _members(access)
    form = _action_form(access, members)
    if form.validate_on_submit() and _save_action(form, initiative, access) is not None:
        flash(_("Action “%(title)s” added.", title=form.title.data), "success")
        return redirect(url_for("stages.actions", initiative_id=initiative_id))
    filters = ActionFilterForm(request.args)
    filters.owner.choices = owner_choices(members, nobody=_("anyone"))
    today = date.today()
    query = stages.actions_query(
        initiative, owner_id=filters.owner_value(), status=filters.status_value(), today=today
    )
    page = render_template(
        "stages/actions.html",
        initiative=initiative,
        access=access,
        page=paginate(query),
        filters=filters,
        form=form,
        today=today,
        is_overdue=stages.is_overdue,
    )
    return form_page(page)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
def edit_action(action_id: int) -> Page | Response:
    action, initiative, access = _action(action_id)
    form = _action_form(access, _members(access), obj=action, owner_id=action.owner_id or 0)
    if not form.is_submitted():  # the stored teams and day, not the ActionTeam rows
        form.teams.data = [row.team_id for row in action.teams]
        form.done_on.data = action.done_at.date() if action.done_at else None
    if form.validate_on_submit() and _save_action(form, initiative, access, action) is not None:
        flash(_("Action “%(title)s” saved.", title=action.title), "success")
        return redirect(url_for("stages.edit_action", action_id=action.id, _anchor="effect"))
    page = render_template(
        "stages/action_form.html",
        form=form,
        action=action,
        initiative=initiative,
        access=access,
        effect=effects.effect_of_action(action, date.today()),
    )
    return form_page(page)


# --- assessment rounds (the views are in app.stages.rounds) ---------------------------------

for _rule, _view, _methods in (
    ("/initiatives/<int:initiative_id>/rounds", round_views.rounds, ["GET", "POST"]),
    ("/rounds/<int:round_id>", round_views.round_detail, ["GET"]),
    ("/rounds/<int:round_id>/rate", round_views.rate, ["GET", "POST"]),
    ("/rounds/<int:round_id>/close", round_views.close_round, ["POST"]),
):
    bp.add_url_rule(_rule, view_func=_view, methods=_methods)
