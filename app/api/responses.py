"""Turning models into JSON answers, and the API's own 4xx answers."""

from __future__ import annotations

import re
from datetime import date
from typing import NoReturn

from flask import abort, current_app, request
from werkzeug.wrappers import Response

from app.api.schemas.base import EXECUTIVE, ApiModel, Audience, Error, exclusions
from app.routing import LARGEST_ID, as_id


def answer(model: ApiModel, status: int = 200, *, audience: Audience = EXECUTIVE) -> Response:
    """``model`` as JSON for ``audience``: what a shape keeps for consultants is left out
    unless the caller is one, so forgetting the audience hides rather than leaks."""
    body = model.model_dump_json(by_alias=True, exclude=exclusions(model, audience) or None)
    return current_app.response_class(body, status=status, mimetype="application/json")


def fail(status: int, message: str) -> NoReturn:
    """Stop the request with ``{"error": message}`` and ``status``."""
    abort(answer(Error(error=message), status))


def whole_number_arg(name: str, default: int, largest: int | None = None) -> int:
    """``?name=`` as a whole number from 1 (to ``largest``): the default when absent, else 400."""
    raw = request.args.get(name, "").strip()
    if not raw and name not in request.args:
        return default
    value = as_id(raw)
    top = largest if largest is not None else LARGEST_ID
    if value is None or not 1 <= value <= top:
        fail(400, f"{name} must be a whole number from 1 to {top}.")
    return value


def date_arg(name: str) -> date | None:
    """``?name=YYYY-MM-DD`` as a date: None when absent, else 400 unless it is a real day."""
    if name not in request.args:
        return None
    raw = request.args[name].strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw, flags=re.ASCII):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass  # 2026-02-30
    fail(400, f"{name} must be a date written YYYY-MM-DD.")
