"""Machine-facing routes outside the API: the health check and vendored assets."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, jsonify, send_file
from sqlalchemy import text
from werkzeug.wrappers import Response

from app.charts import plotly_js_path
from models import db

# plotly.js changes only with the installed plotly package, whose version is in the URL.
ONE_YEAR = 365 * 24 * 3600

bp = Blueprint("system", __name__)


@bp.get("/healthz")
def healthz() -> Response | tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", error="The database does not answer."), 503
    return jsonify(status="ok")


@bp.get("/assets/plotly-<version>.min.js")
def plotly_js(version: str) -> Response:
    response = send_file(
        str(plotly_js_path()), mimetype="text/javascript", max_age=ONE_YEAR, conditional=True
    )
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon."""
    return send_file(
        str(Path(__file__).parent / "static" / "favicon.svg"),
        mimetype="image/svg+xml",
        max_age=ONE_YEAR,
    )
