"""Assessment rounds: each leader rates the eight steps, and the ratings are compared.

Any member reads the rounds and rates; only those who manage (consultants, site
admins) start or close a round. The routes are registered on the stages blueprint
by ``app.stages.views`` (endpoints ``stages.rounds``, ``stages.round_detail``,
``stages.rate``, ``stages.close_round``); this module does not import it, so there
is no import cycle.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.access import OrgAccess, initiative_access
from app.formtools import ConfirmForm, attach_problems, form_page
from app.services import stages
from app.services.errors import ServiceError
from app.stages.forms import QUESTION, SCALE_LABELS, RateForm, RoundForm
from models import AssessmentRound, Initiative

Page = str | tuple[str, int]


def _assessment_round(
    round_id: int, *, manage: bool = False
) -> tuple[AssessmentRound, Initiative, OrgAccess]:
    assessment = stages.round_by_id(round_id)
    if assessment is None:
        abort(404)
    initiative, access = initiative_access(current_user, assessment.initiative_id, manage=manage)
    return assessment, initiative, access


def rounds(initiative_id: int) -> Page | Response:
    manage = request.method == "POST"  # anyone reads the rounds; only managers start one
    initiative, access = initiative_access(current_user, initiative_id, manage=manage)
    form = RoundForm()
    if form.validate_on_submit():
        assessment = stages.create_round(
            initiative, form.name.data or "", form.held_on.data, current_user
        )
        flash(
            _(
                "Round “%(name)s” started. Each leader now rates the eight steps.",
                name=assessment.name,
            ),
            "success",
        )
        return redirect(url_for("stages.round_detail", round_id=assessment.id))
    page = render_template(
        "stages/rounds.html",
        initiative=initiative,
        access=access,
        history=stages.round_history(initiative),
        form=form,
    )
    return form_page(page)


def round_detail(round_id: int) -> str:
    assessment, initiative, access = _assessment_round(round_id)
    result = next(r for r in stages.round_history(initiative) if r.round.id == assessment.id)
    return render_template(
        "stages/round.html",
        initiative=initiative,
        access=access,
        assessment=assessment,
        result=result,
        comments=stages.round_comments(assessment),
        rated=bool(stages.ratings_by(assessment, stages.rater_key(current_user))),
        close_form=ConfirmForm(formdata=None),
    )


def rate(round_id: int) -> Page | Response:
    assessment, initiative, access = _assessment_round(round_id)
    rater = stages.rater_key(current_user)
    earlier = stages.ratings_by(assessment, rater)
    form = RateForm(data=RateForm.initial(earlier) if request.method == "GET" else None)
    problem = None
    if assessment.closed_at is None and form.validate_on_submit():
        try:
            stages.save_ratings(assessment, rater, current_user.name, form.ratings())
        except ServiceError as error:  # e.g. closed a moment ago
            problem = " ".join(attach_problems(form, error.problems))
        else:
            flash(
                _(
                    "Your ratings for “%(name)s” are saved. "
                    "You can change them until the round is closed.",
                    name=assessment.name,
                ),
                "success",
            )
            return redirect(url_for("stages.round_detail", round_id=assessment.id))
    page = render_template(
        "stages/rate.html",
        initiative=initiative,
        access=access,
        assessment=assessment,
        form=form,
        rerating=bool(earlier),
        problem=problem,
        question=QUESTION,
        scale_labels=SCALE_LABELS,
    )
    if request.method == "POST" and assessment.closed_at is not None:
        return page, 409  # not a mistake in the form: the round closed
    return form_page(page)


def close_round(round_id: int) -> Response:
    assessment, _initiative, _access = _assessment_round(round_id, manage=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    stages.close_round(assessment)
    flash(_("Round “%(name)s” closed: its ratings are final.", name=assessment.name), "success")
    return redirect(url_for("stages.round_detail", round_id=assessment.id))
