"""The Kotter step tracker: steps, evidence, actions and assessment rounds."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("stages", __name__)


@bp.before_request
@login_required
def require_login() -> None:
    """Every page here is for logged-in members only."""
