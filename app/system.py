"""Machine-facing routes outside the API: the health check and the favicon.

Static files, plotly.js included, are served by ``app.assets``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, jsonify, send_file
from sqlalchemy import text
from werkzeug.wrappers import Response

from models import db

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


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon."""
    return send_file(
        str(Path(__file__).parent / "static" / "favicon.svg"),
        mimetype="image/svg+xml",
        max_age=ONE_YEAR,
    )
