"""Machine-facing routes outside the API: the health check and the favicon.

Static files, plotly.js included, are served by ``app.assets``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, jsonify
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
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon.

    Sent from memory (it is a few hundred bytes), so no open file outlives a request
    whose body is never read.
    """
    response = Response(_favicon(), mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR
    return response


@cache
def _favicon() -> bytes:
    return (Path(__file__).parent / "static" / "favicon.svg").read_bytes()
