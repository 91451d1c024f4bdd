"""File downloads (CSV, XLSX): one way to send them, never cached."""

from __future__ import annotations

from flask import make_response
from werkzeug.wrappers import Response


def attachment(body: str | bytes, filename: str, mimetype: str = "text/csv") -> Response:
    """``body`` as a download named ``filename``; exports hold people's data, so no caching."""
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
