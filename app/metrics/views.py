"""Adoption and customer metrics: the catalogue, a chart per metric and the import wizard.

Executives read; consultants (and site admins) set targets, add metrics and
import. The wizard keeps the uploaded files on disk between its steps (upload →
map, for activity logs → preview → confirm) and writes nothing until confirm.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from app import charts
from app.access import OrgAccess, initiative_access, members_only
from app.formtools import ConfirmForm, attach_problems
from app.metrics import uploads
from app.metrics.forms import (
    ConflictForm,
    MappingForm,
    MetricForm,
    TargetForm,
    UploadForm,
)
from app.metrics.guesses import initial_mapping
from app.services import metrics
from app.services.errors import ServiceError
from app.services.metrics import ACTIVITY_LOG, ImportPlan, MetricFields, crm_shapes
from app.services.metrics.measurable import MEASURES, definition
from app.services.metrics.readings import metric_lines, team_only_values
from app.services.outlooks import outlook_of
from app.templating import format_number
from insights.adoption import CATEGORIES, DIRECTIONS, meets_target
from insights.adoption.badges import target_badge
from insights.translation import ngettext
from insights.trends import Projection, projection_words
from models import Initiative, Metric

bp = Blueprint("metrics", __name__)
members_only(bp)


@bp.app_template_filter("metric_value")
def metric_value(value: float | None, unit: str = "") -> str:
    """12.5 % → "12.5%", 3.25 logins/week → "3.25 logins/week"; scores without a unit."""
    if value is None:
        return "—"
    number = f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"
    number = number.rstrip("0").rstrip(".") if "." in number else number
    if unit == "%":
        return f"{number}%"
    return number if unit in ("", "score") else f"{number} {unit}"


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    size = f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit // 2**10} KB"
    initiative_id = (request.view_args or {}).get("initiative_id")
    page = render_template("metrics/too_large.html", limit=size, initiative_id=initiative_id)
    return page, 413


# --- the catalogue -------------------------------------------------------------------------


@bp.get("/initiatives/<int:initiative_id>/metrics")
def catalogue(initiative_id: int) -> tuple[str, int]:
    initiative, access = initiative_access(current_user, initiative_id)
    return _render_catalogue(initiative, access, MetricForm(formdata=None))


@bp.post("/initiatives/<int:initiative_id>/metrics/custom")
def add_metric(initiative_id: int) -> tuple[str, int] | Response:
    initiative, access = initiative_access(current_user, initiative_id, manage=True)
    form = MetricForm()
    if form.validate_on_submit():
        try:
            metric = metrics.add_metric(initiative, _metric_fields(form))
        except ServiceError as error:
            _flash_unplaced(attach_problems(form, error.problems))
        else:
            flash(
                _("Metric “%(name)s” added. Import its values next.", name=metric.name), "success"
            )
            return redirect(url_for("metrics.catalogue", initiative_id=initiative.id))
    return _render_catalogue(initiative, access, form, 422)


def _status() -> int:
    """A form page reached by a POST is an invalid form: 422, with what was typed kept."""
    return 422 if request.method == "POST" else 200


def _flash_unplaced(messages: list[str]) -> None:
    for message in messages:
        flash(message, "error")


def _metric_fields(form: MetricForm) -> MetricFields:
    return MetricFields(
        key=form.key.data or "",
        name=form.name.data or "",
        unit=form.unit.data or "",
        direction=form.direction.data or "",
        category=form.category.data or "",
        target=form.target.data,
        target_date=form.target_date.data,
        description=form.description.data or "",
    )


def _render_catalogue(
    initiative: Initiative, access: OrgAccess, form: MetricForm, status: int = 200
) -> tuple[str, int]:
    catalogue = metrics.metrics_of(initiative)
    latest = metrics.latest_values(initiative)
    groups = [
        (_(label), [metric for metric in catalogue if metric.category == key])
        for key, label in CATEGORIES.items()
    ]
    met = {  # how far from target and which side, e.g. "0.6 points below target"
        metric.id: target_badge(
            latest[metric.id].value,
            metric.target,
            higher_is_better=metric.direction == "higher",
            unit=metric.unit,
        )
        for metric in catalogue
        if metric.id in latest
    }
    page = render_template(
        "metrics/catalogue.html",
        initiative=initiative,
        access=access,
        groups=groups,
        latest=latest,
        teams_only=team_only_values(initiative),
        met=met,
        has_values=metrics.observation_count(initiative) > 0,
        form=form,
    )
    return page, status


def _metric_or_404(initiative: Initiative, key: str) -> Metric:
    metric = metrics.metric_by_key(initiative, key)
    if metric is None:
        abort(404)
    return metric


@bp.get("/initiatives/<int:initiative_id>/metrics/<key>")
def metric(initiative_id: int, key: str) -> str:
    initiative, access = initiative_access(current_user, initiative_id)
    metric = _metric_or_404(initiative, key)
    lines, folded = metric_lines(initiative, metric)
    courses = {line.team_id: _course(metric, line) for line in lines}
    figure = charts.metric_series_chart(
        [(s.name, [p.period for p in s.points], [p.value for p in s.points]) for s in lines],
        unit=metric.unit,
        target=metric.target,
    )
    return render_template(
        "metrics/metric.html",
        initiative=initiative,
        access=access,
        metric=metric,
        lines=lines,
        periods=sorted({p.period for s in lines for p in s.points}, reverse=True),
        chart_spec=charts.chart_json(figure) if lines else None,
        direction=DIRECTIONS[metric.direction],
        category=CATEGORIES[metric.category],
        meets_target=meets_target,
        courses=courses,
        folded=folded,
        definition=definition(metric.description, metric.basis),
    )


@bp.app_template_filter("projection_words")
def projection_words_filter(projection: Projection | None, higher_is_better: bool = True) -> str:
    """A projection in plain words, for any page: ``outlook.projection|projection_words``."""
    return projection_words(projection, higher_is_better=higher_is_better)


def _course(metric: Metric, line: metrics.TeamSeries) -> str:
    """Where the series is heading, in plain words: the same projection as the dashboard."""
    _series, projection = outlook_of(
        metric, [point.period for point in line.points], [point.value for point in line.points]
    )
    return projection_words(projection, higher_is_better=metric.direction == "higher")


@bp.route("/initiatives/<int:initiative_id>/metrics/<key>/target", methods=["GET", "POST"])
def edit_target(initiative_id: int, key: str) -> tuple[str, int] | Response:
    initiative, access = initiative_access(current_user, initiative_id, manage=True)
    metric = _metric_or_404(initiative, key)
    form = TargetForm(obj=metric)
    if form.validate_on_submit():
        try:
            metrics.set_target(metric, form.target.data, form.target_date.data)
        except ServiceError as error:
            _flash_unplaced(attach_problems(form, error.problems))
        else:
            flash(_("Target of “%(name)s” saved.", name=metric.name), "success")
            return redirect(url_for("metrics.catalogue", initiative_id=initiative.id))
    page = render_template(
        "metrics/target_form.html", initiative=initiative, access=access, metric=metric, form=form
    )
    return page, _status()


# --- the import wizard ---------------------------------------------------------------------


@cache
def time_zones() -> list[str]:
    return sorted(available_timezones())


def _upload(initiative_id: int, token: str) -> tuple[Initiative, OrgAccess, uploads.Upload]:
    """The upload if it is the current user's, for this initiative; 404 otherwise."""
    initiative, access = initiative_access(current_user, initiative_id, manage=True)
    upload = uploads.load(token)
    if upload is None or (upload.meta.get("initiative_id"), upload.meta.get("user_id")) != (
        initiative.id,
        current_user.id,
    ):
        abort(404)
    return initiative, access, upload


def _step(endpoint: str, initiative: Initiative, upload: uploads.Upload) -> Response:
    return redirect(url_for(endpoint, initiative_id=initiative.id, token=upload.token))


def _unmapped(upload: uploads.Upload) -> bool:
    return upload.meta["kind"] == ACTIVITY_LOG and upload.mapping is None


@bp.route("/initiatives/<int:initiative_id>/metrics/import", methods=["GET", "POST"])
def upload(initiative_id: int) -> tuple[str, int] | Response:
    initiative, access = initiative_access(current_user, initiative_id, manage=True)
    form = UploadForm()
    if form.validate_on_submit():
        activity = form.kind.data == ACTIVITY_LOG
        saved = uploads.create(
            form.file.data,
            form.users_file.data if activity else None,
            {
                "initiative_id": initiative.id,
                "user_id": current_user.id,
                "kind": form.kind.data,
                "on_conflict": form.on_conflict.data,
                "date_format": form.date_format.data,
                "filename": Path(form.file.data.filename or "upload.csv").name[:200],
            },
        )
        return _step("metrics.map_columns" if activity else "metrics.preview", initiative, saved)
    page = render_template("metrics/upload.html", initiative=initiative, access=access, form=form)
    return page, _status()


@bp.route("/initiatives/<int:initiative_id>/metrics/import/<token>/map", methods=["GET", "POST"])
def map_columns(initiative_id: int, token: str) -> tuple[str, int] | Response:
    initiative, access, upload = _upload(initiative_id, token)
    if upload.meta["kind"] != ACTIVITY_LOG:
        abort(404)
    log = uploads.sample(upload)
    users = uploads.sample(upload, uploads.USERS) if upload.has_users else None
    remembered = upload.mapping or metrics.remembered_mapping(initiative)
    data = initial_mapping(remembered, log, users) if request.method == "GET" else None
    if data is not None and upload.meta.get("metrics") is not None:
        data["metrics"] = upload.meta["metrics"]  # back from the preview: as chosen
    form = MappingForm(data=data)
    form.set_columns(log.header, users.header if users else None)
    if form.validate_on_submit():
        upload.meta["mapping"] = form.mapping().settings()
        upload.meta["metrics"] = form.chosen_metrics()
        upload.save_meta()
        return _step("metrics.preview", initiative, upload)
    context: dict[str, Any] = {
        "log": log,
        "users": users,
        "zones": time_zones(),
        "shape": crm_shapes.recognise(log.header),
    }
    page = render_template(
        "metrics/map.html",
        initiative=initiative,
        access=access,
        upload=upload,
        form=form,
        **context,
    )
    return page, _status()


@bp.get("/initiatives/<int:initiative_id>/metrics/import/<token>/preview")
def preview(initiative_id: int, token: str) -> str | Response:
    initiative, access, upload = _upload(initiative_id, token)
    if _unmapped(upload):
        return _step("metrics.map_columns", initiative, upload)
    plan = uploads.plan(initiative, upload)  # a read: nothing is written before confirm
    return _render_preview(initiative, access, upload, plan)


def _render_preview(
    initiative: Initiative, access: OrgAccess, upload: uploads.Upload, plan: ImportPlan
) -> str:
    return render_template(
        "metrics/preview.html",
        initiative=initiative,
        access=access,
        upload=upload,
        plan=plan,
        rows=metrics.preview_rows(plan),
        counts=metrics.preview_counts(plan),
        confirm_form=ConfirmForm(),
        max_errors=MAX_ERRORS_SHOWN,
        measures={key: _(label) for key, label in MEASURES.items()},
    )


# A file can hold thousands of bad rows; the page lists this many, the API all of them.
MAX_ERRORS_SHOWN = 1000


@bp.post("/initiatives/<int:initiative_id>/metrics/import/<token>/conflict")
def choose_conflict(initiative_id: int, token: str) -> tuple[str, int] | Response:
    initiative, access, upload = _upload(initiative_id, token)
    form = ConflictForm()
    if _unmapped(upload):
        return _step("metrics.map_columns", initiative, upload)
    if not form.validate_on_submit():
        flash(_("Choose whether to keep or replace the stored values."), "error")
        plan = uploads.plan(initiative, upload)
        return _render_preview(initiative, access, upload, plan), 422
    upload.meta["on_conflict"] = form.on_conflict.data
    upload.save_meta()
    return _step("metrics.preview", initiative, upload)


@bp.post("/initiatives/<int:initiative_id>/metrics/import/<token>/confirm")
def confirm(initiative_id: int, token: str) -> tuple[str, int] | Response:
    initiative, access, upload = _upload(initiative_id, token)
    if not ConfirmForm().validate_on_submit() or _unmapped(upload):
        abort(400)
    plan = uploads.plan(initiative, upload)
    if not plan.ok:
        return _render_preview(initiative, access, upload, plan), 422
    written = metrics.confirm_import(initiative, plan, upload.mapping, actor=current_user)
    uploads.discard(upload)
    flash(
        ngettext(
            "%(count)s value imported from %(filename)s.",
            "%(count)s values imported from %(filename)s.",
            written,
            count=format_number(written),
            filename=upload.meta["filename"],
        ),
        "success",
    )
    return redirect(url_for("metrics.catalogue", initiative_id=initiative.id))


@bp.post("/initiatives/<int:initiative_id>/metrics/import/<token>/cancel")
def cancel(initiative_id: int, token: str) -> Response:
    initiative, _access, upload = _upload(initiative_id, token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    uploads.discard(upload)
    flash(_("Import cancelled; nothing was saved."), "info")
    return redirect(url_for("metrics.catalogue", initiative_id=initiative.id))
