"""Pulse-survey results for the people leading the change.

Everyone in the organisation sees the results and may post "you said, we
did"; consultants and site admins also see Cronbach's alpha and download the
raw anonymised answers. Outsiders get 404. Every page, chart and export here
reads ``app.services.results.survey_results``, so the anonymity rules are
applied once, the same way, for all of them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.access import OrgAccess, members_only, survey_access
from app.formtools import ConfirmForm, attach_problems
from app.results.forms import ActionForm
from app.results.page import build_page, default_campaign
from app.routing import id_arg
from app.services import audit, survey_actions
from app.services.errors import ServiceError
from app.services.results import (
    SurveyResults,
    UnknownFilter,
    newest_shown_campaign,
    survey_results,
)
from app.services.results.exports import aggregates_csv_lines, answers_csv_lines
from models import Initiative, Survey
from models.base import utcnow

bp = Blueprint("results", __name__)
members_only(bp)


def _survey(survey_id: int, *, manage: bool = False) -> tuple[Survey, Initiative, OrgAccess]:
    return survey_access(current_user, survey_id, manage=manage)


def _results(
    survey: Survey,
    campaign_id: int | None,
    team_id: int | None,
    team_groups_of: Collection[int] | None = None,
) -> SurveyResults:
    try:
        return survey_results(survey, campaign_id, team_id, team_groups_of=team_groups_of)
    except UnknownFilter:
        abort(404)


def _page_results(survey: Survey, campaign_id: int | None, team_id: int | None) -> SurveyResults:
    """Every campaign's figures for the scope (the trends), and the shown campaign's teams."""
    chosen = campaign_id or newest_shown_campaign(survey.id, team_id)
    return _results(survey, None, team_id, {chosen} if chosen is not None else set())


def _render(
    survey: Survey, initiative: Initiative, access: OrgAccess, form: ActionForm | None = None
) -> str:
    """The results page for ``?campaign=`` and ``?team=``, with the action form."""
    campaign_id, team_id = id_arg("campaign"), id_arg("team")
    results = _page_results(survey, campaign_id, team_id)
    campaign = default_campaign(results, team_id)
    if campaign_id is not None:
        campaign = results.campaign(campaign_id) or abort(404)
    respond = request.args.get("respond", "")
    page = build_page(
        results, campaign, team_id, consultant=access.can_manage, now=utcnow(), respond=respond,
        teams_page=request.args.get("teams_page", 1, type=int) or 1,
        comments_page=request.args.get("comments_page", 1, type=int) or 1,
    )  # fmt: skip
    if form is None:
        form = ActionForm(
            formdata=None,
            data={"you_said": page.suggestion, "team_id": team_id, "dimension_key": respond,
                  "campaign_id": campaign.id if campaign else None},
        ).set_choices(results)  # fmt: skip
    return render_template(
        "results/survey.html", survey=survey, initiative=initiative, access=access, page=page,
        form=form, confirm=ConfirmForm(formdata=None),
    )  # fmt: skip


@bp.get("/surveys/<int:survey_id>/results")
def survey_page(survey_id: int) -> str:
    survey, initiative, access = _survey(survey_id)
    return _render(survey, initiative, access)


@bp.get("/surveys/<int:survey_id>/results.csv")
def export_aggregates(survey_id: int) -> Response:
    """Figures per campaign and group, hidden groups blank: the page's figures as CSV."""
    survey = _survey(survey_id)[0]
    results = _results(survey, id_arg("campaign"), id_arg("team"))
    return _streamed(aggregates_csv_lines(results), f"survey-{survey.id}-results.csv")


@bp.get("/surveys/<int:survey_id>/answers.csv")
def export_answers(survey_id: int) -> Response:
    """Raw anonymised answers, for consultants and site admins only; each download is audited."""
    survey, _initiative, access = _survey(survey_id, manage=True)
    campaign_id = id_arg("campaign")
    results = _results(survey, campaign_id, None)
    audit.record_read(
        "answers.exported",
        f"Downloaded the raw answers of survey {survey.title!r}"
        + (f", campaign #{campaign_id}" if campaign_id is not None else ""),
        actor=current_user,
        organization=access.organization,
        details={"survey_id": survey.id, "campaign_id": campaign_id},
    )
    return _streamed(answers_csv_lines(results), f"survey-{survey.id}-answers.csv")


# Lines are sent in chunks of about this many characters, not one write per line.
_CHUNK = 64 * 1024


def _chunks(lines: Iterable[str]) -> Iterator[str]:
    batch: list[str] = []
    size = 0
    for line in lines:
        batch.append(line)
        size += len(line)
        if size >= _CHUNK:
            yield "".join(batch)
            batch, size = [], 0
    if batch:
        yield "".join(batch)


def _streamed(lines: Iterable[str], filename: str) -> Response:
    """CSV ``lines`` as a streamed download named ``filename``, never cached.

    Access and filters are checked before the first line; the request context
    (and so the database session the raw rows are read through) stays open
    while the body is sent.
    """
    response = Response(stream_with_context(_chunks(lines)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/surveys/<int:survey_id>/actions")
def add_action(survey_id: int) -> str | Response | tuple[str, int]:
    survey, initiative, access = _survey(survey_id)
    results = _results(survey, None, None)
    form = ActionForm().set_choices(results)
    if form.validate_on_submit():
        try:
            survey_actions.post_action(
                results, you_said=form.you_said.data or "", we_did=form.we_did.data or "",
                team_id=form.team_id.data, dimension_key=form.dimension_key.data or None,
                campaign_id=form.campaign_id.data, by=current_user, done_on=form.done_on.data,
            )  # fmt: skip
        except ServiceError as error:
            for message in attach_problems(form, error.problems):
                flash(message, "error")
        else:
            flash(_("Posted. Staff see it on their pulse page from now on."), "success")
            return redirect(_back(survey.id) + "#you-said")
    return _render(survey, initiative, access, form), 422


def _back(survey_id: int) -> str:
    args: dict[str, Any] = {k: request.args[k] for k in ("campaign", "team") if request.args.get(k)}
    return url_for("results.survey_page", survey_id=survey_id, **args)


@bp.post("/survey-actions/<int:action_id>/delete")
def delete_action(action_id: int) -> Response:
    """Consultants, site admins and whoever posted the entry may take it down."""
    action = survey_actions.get_action(action_id) or abort(404)
    survey, _initiative, access = _survey(action.survey_id)
    if not (access.can_manage or action.created_by_id == current_user.id):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    survey_actions.delete_action(action, actor=current_user)
    flash(_("The entry was taken down; staff no longer see it."), "success")
    return redirect(_back(survey.id) + "#you-said")
