"""The JSON API's blueprint: bearer tokens on every route but the document, and the routes.

The views live in :mod:`app.api.endpoints`, one module per question; this table
is the one place that says which URL reaches which view.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, jsonify, request
from werkzeug.wrappers import Response

from app.api.auth import authenticate_bearer
from app.api.endpoints import diagnosis, effects, metrics, organizations, practices, results
from app.api.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")

ROUTES: list[tuple[str, Callable[..., Response], str]] = [
    ("/organizations", organizations.list_organizations, "GET"),
    ("/organizations/<int:organization_id>/initiatives", organizations.list_initiatives, "GET"),
    ("/initiatives/<int:initiative_id>/teams", organizations.list_teams, "GET"),
    ("/initiatives/<int:initiative_id>/stages", organizations.initiative_stages, "GET"),
    ("/initiatives/<int:initiative_id>/leaders", practices.list_leaders, "GET"),
    ("/leaders/<int:leader_id>/practices", practices.leader_practices, "GET"),
    ("/initiatives/<int:initiative_id>/metrics", metrics.list_metrics, "GET"),
    ("/initiatives/<int:initiative_id>/metrics", metrics.import_metrics, "POST"),
    ("/initiatives/<int:initiative_id>/metrics/<key>", metrics.metric_series, "GET"),
    ("/initiatives/<int:initiative_id>/diagnosis", diagnosis.initiative_diagnosis, "GET"),
    ("/initiatives/<int:initiative_id>/effects", effects.initiative_effects, "GET"),
    ("/initiatives/<int:initiative_id>/surveys", results.list_surveys, "GET"),
    ("/surveys/<int:survey_id>/results", results.survey_results, "GET"),
]
for _rule, _view, _method in ROUTES:
    bp.add_url_rule(_rule, view_func=_view, methods=[_method])


@bp.before_request
def require_token() -> Response | None:
    if request.endpoint == "api.openapi":
        return None
    return authenticate_bearer()


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document, generated once per application from routes and models."""
    document = current_app.extensions.get("stepwise_openapi")
    if document is None:
        document = openapi_document(current_app, bp.url_prefix or "", "api.openapi")
        current_app.extensions["stepwise_openapi"] = document
    return jsonify(document)
