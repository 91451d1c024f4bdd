"""Adoption and customer metrics: the catalogue, imports and one metric's series."""

from __future__ import annotations

import io

from flask import abort, request
from werkzeug.wrappers import Response

from app.access import initiative_access
from app.api.auth import api_user
from app.api.openapi import Operation, Query, documented
from app.api.responses import answer, fail
from app.api.schemas.base import Items
from app.api.schemas.metrics import (
    Imported,
    ImportRejected,
    Metric,
    MetricSeries,
    ObservationsIn,
    Projection,
    SeriesPoint,
)
from app.routing import as_id
from app.services import metrics
from app.services.metrics.readings import shown_series
from app.services.outlooks import outlook_of
from models import Initiative

CSV_EXAMPLE = "date,team,metric,value\n2026-06-01,Claims,csat,82\n2026-06-01,,adoption_rate,64.5\n"


@documented(Operation("The metric catalogue of the initiative", [Items[Metric]]))
def list_metrics(initiative_id: int) -> Response:
    initiative, _ = initiative_access(api_user(), initiative_id)
    catalogue = metrics.metrics_of(initiative)
    return answer(Items[Metric](items=[Metric.of(metric) for metric in catalogue]))


@documented(
    Operation(
        "Import observations, all or nothing (consultants only)",
        [Imported],
        query=[
            Query(
                "on_conflict",
                {"type": "string", "enum": list(metrics.ON_CONFLICT), "default": metrics.REJECT},
                "a period already stored is rejected unless 'replace'",
            )
        ],
        body={
            "text/csv": {"type": "string", "examples": [CSV_EXAMPLE]},
            "application/json": ObservationsIn,
        },
        errors={
            400: "on_conflict is neither 'reject' nor 'replace'",
            403: "Executives may read metrics but not import them",
            415: "The body is neither text/csv nor application/json",
            422: "Nothing was imported; every bad row with its line",
        },
        error_models={422: ImportRejected},
    )
)
def import_metrics(initiative_id: int) -> Response:
    """All or nothing: ``{"imported": n}``, or 422 with every bad row and nothing written."""
    initiative, _ = initiative_access(api_user(), initiative_id, manage=True)
    on_conflict = request.args.get("on_conflict", metrics.REJECT)
    if on_conflict not in metrics.ON_CONFLICT:
        fail(400, "on_conflict must be 'reject' or 'replace'.")
    if request.mimetype == "text/csv":
        body = io.TextIOWrapper(request.stream, encoding="utf-8-sig", newline="")
        plan = metrics.plan_tidy(initiative, body, on_conflict)
    elif request.is_json:
        plan = metrics.plan_json(initiative, request.get_json(silent=True), on_conflict)
    else:
        fail(415, "Send text/csv (date,team,metric,value) or application/json.")
    if plan.errors:
        return answer(ImportRejected.of(plan.errors), 422)
    written = metrics.confirm_import(initiative, plan, actor=api_user())
    return answer(Imported(imported=written))


@documented(
    Operation(
        "One metric's series for the whole initiative or one team",
        [MetricSeries],
        query=[
            Query("team", {"type": "integer"}, "a team id; without it, the whole-initiative series")
        ],
        errors={400: "team is not an id"},
    )
)
def metric_series(initiative_id: int, key: str) -> Response:
    """The series, its recent trend and, with a target, the projection (docs/api.md)."""
    initiative, _ = initiative_access(api_user(), initiative_id)
    metric = metrics.metric_by_key(initiative, key) or abort(404)
    team_id = _team_param(initiative)
    points = shown_series(initiative, metric, team_id)
    if points is None:
        # A team too small to show (or hidden to protect one) counts in a larger figure.
        return answer(
            MetricSeries(
                metric=Metric.of(metric), team_id=team_id, suppressed=True, series=[],
                trend=None, projected_target_date=None, projection_method=None, projection=None,
            )
        )  # fmt: skip
    trend, projection = outlook_of(
        metric, [point.period for point in points], [point.value for point in points]
    )
    return answer(
        MetricSeries(
            metric=Metric.of(metric),
            team_id=team_id,
            suppressed=False,
            series=[SeriesPoint.of(point) for point in points],
            trend=trend.label,
            projected_target_date=projection.reached_on if projection else None,
            projection_method=projection.method if projection else None,
            projection=Projection.of(projection),
        )
    )


def _team_param(initiative: Initiative) -> int | None:
    """``?team=<id>``: None when absent, 400 when not an id, 404 outside the organisation."""
    raw = request.args.get("team", "").strip()
    if not raw:
        return None
    team_id = as_id(raw)
    if team_id is None:
        fail(400, "team must be the id of a team.")
    if metrics.team_of(initiative, team_id) is None:
        abort(404)
    return team_id
