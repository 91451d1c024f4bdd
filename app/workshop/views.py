"""Live workshops: the facilitator's screen and the participants' phones."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workshop", __name__)
