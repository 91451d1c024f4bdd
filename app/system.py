"""Machine-facing routes outside the API: the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from werkzeug.wrappers import Response

from models import db

bp = Blueprint("system", __name__)


@bp.get("/healthz")
def healthz() -> Response | tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", error="The database does not answer."), 503
    return jsonify(status="ok")
