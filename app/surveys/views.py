"""Pulse surveys for the people running them: build, schedule, hand out links and QR codes.

Everyone in the organisation may look; only consultants (and site admins)
change anything or download personal links (emails and who has not answered
yet are the consultant's to handle). Outsiders get 404.
"""

from __future__ import annotations

import segno
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.access import OrgAccess, initiative_access, members_only, survey_access
from app.downloads import attachment
from app.formtools import ConfirmForm, attach_problems
from app.services import audit, organizations, surveys
from app.services.errors import ServiceError
from app.services.organizations import LineError
from app.services.surveys import PROMISED_MINUTES, CampaignTeamRow, Status
from app.surveys.forms import PersonalLinksForm, ScheduleForm, SurveyForm
from insights.translation import ngettext
from models import Campaign, Initiative, Survey
from models.base import utcnow

bp = Blueprint("surveys", __name__)
members_only(bp)


def _survey(survey_id: int, *, manage: bool = False) -> tuple[Survey, Initiative, OrgAccess]:
    return survey_access(current_user, survey_id, manage=manage)


def _campaign(
    campaign_id: int, *, manage: bool = False
) -> tuple[Campaign, Survey, Initiative, OrgAccess]:
    campaign = surveys.get_campaign(campaign_id)
    if campaign is None:
        abort(404)
    survey, initiative, access = _survey(campaign.survey_id, manage=manage)
    return campaign, survey, initiative, access


def _attach(form: FlaskForm, error: ServiceError) -> None:
    """Put each problem on its field, or above the form when no field fits."""
    form.form_errors.extend(attach_problems(form, error.problems))


def _status() -> int:
    """A form shown again after a POST was invalid: 422, with what was typed."""
    return 422 if request.method == "POST" else 200


# --- surveys -----------------------------------------------------------------


@bp.get("/initiatives/<int:initiative_id>/surveys")
def index(initiative_id: int) -> str:
    initiative, access = initiative_access(current_user, initiative_id)
    return render_template(
        "surveys/index.html",
        initiative=initiative,
        access=access,
        rows=surveys.surveys_of(initiative.id, utcnow()),
        confirm=ConfirmForm(formdata=None),
        Status=Status,
        promised_minutes=PROMISED_MINUTES,
    )


@bp.route("/initiatives/<int:initiative_id>/surveys/new", methods=["GET", "POST"])
def new(initiative_id: int) -> tuple[str, int] | Response:
    initiative, access = initiative_access(current_user, initiative_id, manage=True)
    form = SurveyForm() if request.method == "POST" else SurveyForm.starter()
    if form.validate_on_submit():
        try:
            survey = surveys.create_survey(
                initiative,
                form.title.data or "",
                form.intro.data or "",
                form.dimensions.data or [],
                form.custom_items(),
                current_user,
                reminders=form.reminders(),
                language=form.chosen_language(),
            )
        except ServiceError as error:
            _attach(form, error)
        else:
            flash(
                _("Survey “%(title)s” saved. Schedule its first campaign.", title=survey.title),
                "success",
            )
            return redirect(url_for("surveys.schedule", survey_id=survey.id))
    return _render_builder(form, initiative, access, None), _status()


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
def edit(survey_id: int) -> tuple[str, int] | Response:
    survey, initiative, access = _survey(survey_id, manage=True)
    version = surveys.latest_version(survey.id)
    if request.method == "POST":
        form = SurveyForm(language=survey.default_language)
    else:
        form = SurveyForm.of(survey, version)
    if form.validate_on_submit():
        try:
            saved = surveys.update_survey(
                survey,
                form.title.data or "",
                form.intro.data or "",
                form.dimensions.data or [],
                form.custom_items(),
                utcnow(),
                reminders=form.reminders(),
                language=form.language(),
            )
        except ServiceError as error:
            _attach(form, error)
        else:
            flash(_saved_message(saved.number if saved else None), "success")
            return redirect(url_for("surveys.index", initiative_id=initiative.id))
    return _render_builder(form, initiative, access, survey, version.number), _status()


def _saved_message(new_version: int | None) -> str:
    if new_version is None:
        return str(_("Survey saved; the statements did not change."))
    return str(
        _(
            "Survey saved as version %(number)s. Campaigns that have opened keep the "
            "statements they asked; scheduled ones ask the new version.",
            number=new_version,
        )
    )


def _render_builder(
    form: SurveyForm,
    initiative: Initiative,
    access: OrgAccess,
    survey: Survey | None,
    version_number: int | None = None,
) -> str:
    form.offer_blank_rows()
    return render_template(
        "surveys/builder.html",
        form=form,
        initiative=initiative,
        access=access,
        survey=survey,
        version_number=version_number,
        promised_minutes=PROMISED_MINUTES,
    )


@bp.post("/surveys/<int:survey_id>/stop-repeating")
def stop_repeating(survey_id: int) -> Response:
    survey, initiative, _access = _survey(survey_id, manage=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    surveys.stop_repeating(survey)
    flash(
        _("“%(title)s” no longer repeats; its campaigns stay as they are.", title=survey.title),
        "success",
    )
    return redirect(url_for("surveys.index", initiative_id=initiative.id))


# --- campaigns -----------------------------------------------------------------


@bp.route("/surveys/<int:survey_id>/campaigns/new", methods=["GET", "POST"])
def schedule(survey_id: int) -> tuple[str, int] | Response:
    survey, initiative, access = _survey(survey_id, manage=True)
    teams = organizations.teams_of(access.organization.id)
    form = ScheduleForm()
    form.set_team_choices([(team.id, team.name) for team in teams])
    if request.method == "GET":
        form.prefill(utcnow().date(), [team.id for team in teams], survey.recurrence_days)
    if form.validate_on_submit():
        try:
            campaign = surveys.schedule_campaign(survey, form.schedule(), utcnow())
        except ServiceError as error:
            _attach(form, error)
        else:
            flash(
                _("Campaign scheduled. Print the team QR codes or add personal links."), "success"
            )
            return redirect(url_for("surveys.campaign", campaign_id=campaign.id))
    page = render_template(
        "surveys/schedule.html", form=form, survey=survey, initiative=initiative, access=access
    )
    return page, _status()


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int) -> str:
    campaign, survey, initiative, access = _campaign(campaign_id)
    rows = surveys.campaign_teams(campaign)
    return _render_campaign(campaign, survey, initiative, access, rows)


@bp.post("/campaigns/<int:campaign_id>/personal-links")
def upload_links(campaign_id: int) -> str | Response | tuple[str, int]:
    campaign, survey, initiative, access = _campaign(campaign_id, manage=True)
    form = PersonalLinksForm()
    line_errors: list[LineError] = []
    if form.validate_on_submit():
        try:
            result, line_errors = surveys.import_personal_links(
                campaign, form.file.data.read(), utcnow()
            )
        except ServiceError as error:
            _attach(form, error)
        else:
            if not line_errors:
                flash(_imported_message(result), "success")
                return redirect(url_for("surveys.campaign", campaign_id=campaign.id))
            form.file.errors = [
                _("Nothing was imported. Fix these lines and upload the file again.")
            ]
    rows = surveys.campaign_teams(campaign)
    return _render_campaign(campaign, survey, initiative, access, rows, form, line_errors), 422


def _imported_message(result: surveys.LinkImport) -> str:
    created = ngettext(
        "%(num)s personal link created.", "%(num)s personal links created.", result.created
    )
    if not result.kept:
        return str(created)
    kept = ngettext(
        "%(num)s already had one and keeps it.", "%(num)s already had one and keep it.", result.kept
    )
    return f"{created} {kept}"


@bp.get("/campaigns/<int:campaign_id>/personal-links.csv")
def unused_links(campaign_id: int) -> Response:
    campaign, survey, _initiative, access = _campaign(campaign_id, manage=True)
    try:
        body = surveys.unused_links_csv(
            campaign, lambda code: url_for("pulse.answer", code=code, _external=True), utcnow()
        )
    except ServiceError as error:
        flash(str(error), "error")
        return redirect(url_for("surveys.campaign", campaign_id=campaign.id))
    # The file holds working answer links: whoever holds one can answer as that person.
    audit.record_read(
        "links.exported",
        f"Downloaded the unused personal links of survey {survey.title!r}, campaign #{campaign.id}",
        actor=current_user,
        organization=access.organization,
        details={"survey_id": survey.id, "campaign_id": campaign.id},
    )
    return attachment(body, f"personal-links-not-used-campaign-{campaign.id}.csv")


@bp.get("/campaigns/<int:campaign_id>/qr-codes")
def qr_sheet(campaign_id: int) -> str:
    campaign, survey, initiative, access = _campaign(campaign_id)
    rows = surveys.campaign_teams(campaign)
    return render_template(
        "surveys/qr_sheet.html",
        campaign=campaign,
        survey=survey,
        initiative=initiative,
        access=access,
        cards=_team_links(rows),
        minutes=surveys.minutes_for(len(surveys.scored_items(campaign.version))),
    )


@bp.post("/campaigns/<int:campaign_id>/close")
def close(campaign_id: int) -> Response:
    """Close an open campaign early; the tick publishes its results a few minutes later."""
    campaign, *_rest = _campaign(campaign_id, manage=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        surveys.close_campaign(campaign, utcnow(), actor=current_user)
    except ServiceError as error:
        flash(str(error), "error")
    else:
        flash(_("Campaign closed. Its results are published within a few minutes."), "success")
    return redirect(url_for("surveys.campaign", campaign_id=campaign.id))


@bp.post("/campaigns/<int:campaign_id>/cancel")
def cancel(campaign_id: int) -> Response:
    campaign, survey, initiative, _access = _campaign(campaign_id, manage=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        surveys.cancel_campaign(campaign, utcnow(), actor=current_user)
    except ServiceError as error:
        flash(str(error), "error")
        return redirect(url_for("surveys.campaign", campaign_id=campaign.id))
    flash(_("Campaign cancelled; “%(title)s” no longer repeats.", title=survey.title), "success")
    return redirect(url_for("surveys.index", initiative_id=initiative.id))


def _render_campaign(
    campaign: Campaign,
    survey: Survey,
    initiative: Initiative,
    access: OrgAccess,
    rows: list[CampaignTeamRow],
    form: PersonalLinksForm | None = None,
    line_errors: list[LineError] | None = None,
) -> str:
    statements = surveys.scored_items(campaign.version)
    return render_template(
        "surveys/campaign.html",
        campaign=campaign,
        survey=survey,
        initiative=initiative,
        access=access,
        status=surveys.status_of(campaign.opens_at, campaign.closes_at, utcnow()),
        Status=Status,
        last_day=surveys.last_day_of(campaign.closes_at),
        statements=statements,
        fallbacks=surveys.fallbacks_of(statements, survey.default_language),
        links=_team_links(rows),
        form=form or PersonalLinksForm(formdata=None),
        line_errors=line_errors or [],
        confirm=ConfirmForm(formdata=None),
    )


def _team_links(rows: list[CampaignTeamRow]) -> list[tuple[CampaignTeamRow, str, Markup]]:
    """Each team with its full link and that link as a QR code."""
    links = []
    for row in rows:
        url = url_for("pulse.answer", code=row.code, _external=True)
        links.append((row, url, _qr_svg(url, row.name)))
    return links


def _qr_svg(url: str, team: str) -> Markup:
    """A link as an inline SVG QR code; segno escapes the title it writes."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1,
        border=2,
        omitsize=True,
        light="#fff",
        title=_("QR code of the pulse link for %(team)s", team=team),
    )
    return Markup(svg)  # noqa: S704 - SVG written by segno from our own URL and team name
