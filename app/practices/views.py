"""Pages of the leadership-practices 360.

Consultants (and site admins) open and close a cycle per leader and see every
report and the team view; a leader rates themself, shares their observer link
and reads their own report; observers answer through that link with no
account. Fellow executives never see each other's reports (404, so as not to
reveal whose 360 exists). The leader's self-assessment and the observers'
pages are staff pages: they speak every staff language (``app.i18n``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.access import OrgAccess, initiative_access
from app.extensions import csrf
from app.formtools import attach_problems
from app.i18n import current_language, speak_staff_languages
from app.practices import charts
from app.practices.access import cycle_access, own_cycle, report_access
from app.practices.forms import (
    CloseCycleForm,
    ObserverForm,
    OpenCycleForm,
    RatingsForm,
    SelfAssessmentForm,
)
from app.services import practices
from app.services.errors import ServiceError
from app.services.practices.leaders import leaders_view
from insights.driver_words import format_p
from insights.kotter import STEPS_BY_KEY, Step
from insights.leaders import OUTCOMES
from models import Initiative, PracticeCycle
from survey.practice_scoring import BEHAVIOUR_GAP, PRACTICE_GAP
from survey.practices import PRACTICES, PRACTICES_BY_KEY, RELATIONSHIPS, SCALE_LABELS

bp = Blueprint("practices", __name__)

Page = str | tuple[str, int]
# The 360 forms: the leader's own and the observers'.
STAFF_ENDPOINTS = frozenset(
    {"practices.self_assessment", "practices.observe", "practices.observer_thanks"}
)


@bp.url_value_preprocessor
def speak_to_staff(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """The 360 forms speak every staff language (error pages included). A URL
    value preprocessor runs before every before_request, the app's own checks included."""
    if endpoint in STAFF_ENDPOINTS:
        speak_staff_languages()


def _save(form: RatingsForm, save: Callable[[dict[str, int]], int]) -> bool:
    """Validate and store (the service commits); on a problem keep the form, store nothing."""
    if not form.validate_on_submit():
        return False
    try:
        save(form.answers())
    except ServiceError as error:
        form.form_errors.extend(attach_problems(form, error.problems))
        return False
    return True


# --- consultants: cycles and the team view ---------------------------------------------


@bp.get("/initiatives/<int:initiative_id>/practices")
@login_required
def overview(initiative_id: int) -> str:
    initiative, access = initiative_access(current_user, initiative_id)
    return _render_overview(initiative, access, OpenCycleForm(formdata=None))


def _render_overview(initiative: Initiative, access: OrgAccess, open_form: OpenCycleForm) -> str:
    """Consultants: every executive and their latest cycle. An executive: only their own."""
    cycles = practices.cycles_of(initiative.id)
    if not access.can_manage:
        cycles = [cycle for cycle in cycles if cycle.leader_id == current_user.id]
    leaders = practices.executives_of(access.organization.id) if access.can_manage else []
    latest = {cycle.leader_id: cycle for cycle in reversed(cycles)}  # the newest wins
    in_table = {latest[leader.id].id for leader in leaders if leader.id in latest}
    return render_template(
        "practices/overview.html",
        initiative=initiative,
        access=access,
        leaders=leaders,
        cycles=cycles,
        latest=latest,
        earlier=[cycle for cycle in cycles if cycle.id not in in_table],
        answered=practices.participation(cycles),
        open_form=open_form,
        close_form=CloseCycleForm(formdata=None),
        relationships=RELATIONSHIPS,
        min_observers=practices.min_observers(),
    )


@bp.post("/initiatives/<int:initiative_id>/practices/cycles")
@login_required
def open_cycle(initiative_id: int) -> Page | Response:
    initiative, access = initiative_access(current_user, initiative_id, manage=True)
    form = OpenCycleForm()
    if form.validate_on_submit():
        try:
            cycle = practices.open_cycle(initiative, form.leader_id.data or 0, current_user)
        except ServiceError as error:
            form.form_errors.extend(attach_problems(form, error.problems))
        else:
            flash(
                _(
                    "360 opened for %(name)s. They rate themselves and share their "
                    "observer link from their own 360 page.",
                    name=cycle.leader.name,
                ),
                "success",
            )
            return redirect(url_for("practices.overview", initiative_id=initiative.id))
    return _render_overview(initiative, access, form), 422


@bp.post("/practices/<int:cycle_id>/close")
@login_required
def close_cycle(cycle_id: int) -> Response:
    cycle, initiative, _access = cycle_access(current_user, cycle_id, manage=True)
    if CloseCycleForm().validate_on_submit() and practices.close_cycle(cycle, actor=current_user):
        flash(
            _("The 360 of %(name)s is closed; it accepts no more ratings.", name=cycle.leader.name),
            "success",
        )
    return redirect(url_for("practices.overview", initiative_id=initiative.id))


@bp.get("/initiatives/<int:initiative_id>/practices/team")
@login_required
def team(initiative_id: int) -> str:
    initiative, access = initiative_access(current_user, initiative_id, manage=True)
    team = practices.team_report(initiative, practices.min_observers())
    steps = kotter_steps(team.view.weakest_steps)
    return render_template(
        "practices/team.html",
        initiative=initiative,
        access=access,
        team=team,
        team_chart=charts.team_profile(team.view),
        steps=steps,
        steps_label=steps_label(steps),
        step_names={
            p.key: "; ".join(f"{s.position}. {s.shown_name}" for s in kotter_steps(p.kotter_steps))
            for p in PRACTICES
        },
        min_observers=practices.min_observers(),
    )


@bp.get("/initiatives/<int:initiative_id>/practices/leaders")
@login_required
def leaders(initiative_id: int) -> str:
    """Whether leaders' practices (observers' view) go with their teams' pulse and adoption."""
    initiative, access = initiative_access(current_user, initiative_id, manage=True)
    return render_template(
        "practices/leaders.html",
        initiative=initiative,
        access=access,
        view=leaders_view(initiative),
        practices=PRACTICES_BY_KEY,
        outcomes=OUTCOMES,
        format_p=format_p,
    )


def kotter_steps(keys: tuple[str, ...]) -> list[Step]:
    return sorted((STEPS_BY_KEY[key] for key in keys), key=lambda step: step.position)


def steps_label(steps: list[Step]) -> str:
    """The steps as people say it: step 4, steps 3–4 (neighbours), steps 2 and 5."""
    positions = [step.position for step in steps]
    if not positions:
        return ""
    if len(positions) == 1:
        return str(_("step %(num)s", num=positions[0]))
    if positions == list(range(positions[0], positions[-1] + 1)):
        return str(_("steps %(first)s–%(last)s", first=positions[0], last=positions[-1]))
    return str(
        _(
            "steps %(first)s and %(last)s",
            first=", ".join(map(str, positions[:-1])),
            last=positions[-1],
        )
    )


# --- the leader ------------------------------------------------------------------------


@bp.route("/practices/<int:cycle_id>/self", methods=["GET", "POST"])
@login_required
def self_assessment(cycle_id: int) -> Page | Response:
    cycle, initiative, access = own_cycle(current_user, cycle_id)
    if request.method == "GET":
        form = SelfAssessmentForm(data=_as_form_data(practices.self_answers(cycle)))
    else:
        form = SelfAssessmentForm()
        today = date.today()
        if _save(
            form, lambda answers: practices.save_self_response(cycle, current_user, answers, today)
        ):
            flash(
                _("Your ratings are saved. You can change them while the 360 is open."),
                "success",
            )
            return redirect(url_for("practices.self_assessment", cycle_id=cycle.id))
    page = _render_self(cycle, initiative, access, form)
    return page if request.method == "GET" else (page, 409 if cycle.closed_at else 422)


def _as_form_data(answers: Mapping[str, int]) -> dict[str, str]:
    return {key: str(value) for key, value in answers.items()}


def _render_self(
    cycle: PracticeCycle, initiative: Initiative, access: OrgAccess, form: SelfAssessmentForm
) -> str:
    return render_template(
        "practices/self.html",
        cycle=cycle,
        initiative=initiative,
        access=access,
        form=form,
        answered=practices.participation([cycle])[cycle.id],
        observer_link=url_for("practices.observe", code=cycle.observer_code, _external=True),
        scale_labels=SCALE_LABELS,
        language=current_language(),
        min_observers=practices.min_observers(),
    )


@bp.get("/practices/<int:cycle_id>/report")
@login_required
def report(cycle_id: int) -> str:
    cycle, initiative, access = report_access(current_user, cycle_id)
    # While the cycle is open the report holds no observer figure (see the service).
    report = practices.report_for(cycle, practices.min_observers(), current_user)
    return render_template(
        "practices/report.html",
        cycle=cycle,
        initiative=initiative,
        access=access,
        report=report,
        answered=practices.participation([cycle])[cycle.id],
        profile_chart=charts.practice_profile(report),
        ranked_chart=charts.strongest_and_weakest(report) if report.ranked_by else None,
        is_leader=cycle.leader_id == current_user.id,
        practices=PRACTICES,
        practices_by_key=PRACTICES_BY_KEY,
        pooled_label=report.pooled.label_in(_) if report.pooled else None,
        language=current_language(),
        behaviour_gap=BEHAVIOUR_GAP,
        practice_gap=PRACTICE_GAP,
    )


# --- observers: no account, the link is the key ----------------------------------------


# The form checks its own CSRF token; exempt from the app-wide check, which would answer a
# lost session with a bare 400 and drop 30 answers, instead of the form back with them kept.
@bp.route("/360/<code>", methods=["GET", "POST"])
@csrf.exempt
def observe(code: str) -> Page | Response:
    cycle = practices.cycle_for_code(code)
    if cycle is None:
        return render_template("practices/observer_unknown.html"), 404
    if cycle.closed_at is not None:
        return render_template("practices/observer_closed.html", cycle=cycle), 410
    form = ObserverForm()
    if request.method == "POST":
        relationship, today = form.relationship.data or "", date.today()
        if _save(form, lambda a: practices.save_observer_response(cycle, relationship, a, today)):
            return redirect(url_for("practices.observer_thanks", code=code))
    page = render_template(
        "practices/observe.html",
        cycle=cycle,
        form=form,
        relationships=RELATIONSHIPS,
        scale_labels=SCALE_LABELS,
        language=current_language(),
        min_observers=practices.min_observers(),
        shows_manager=practices.shows_manager_rating(cycle.initiative_id),
    )
    return page if request.method == "GET" else (page, 422)


@bp.get("/360/<code>/thanks")
def observer_thanks(code: str) -> Page:
    cycle = practices.cycle_for_code(code)
    if cycle is None:
        return render_template("practices/observer_unknown.html"), 404
    return render_template("practices/observer_thanks.html", cycle=cycle)
