"""Error pages in the layout for people, JSON errors for the API."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError, TooManyRequests
from werkzeug.wrappers import Response

from app import limits
from models import db
from survey.languages import N_

MESSAGES = {
    400: N_("The request could not be understood. Reload the page and try again."),
    401: N_("A valid API token is required."),
    403: N_("Your role does not allow this. Ask a consultant of the organisation."),
    404: N_("There is nothing here, or you do not have access to it."),
    405: N_("That action is not possible here."),
    410: N_("This link has expired or was already used."),
    413: N_("The upload is too large."),
    422: N_("Some of what was sent is not valid."),
    500: N_("Something went wrong on our side. Nothing you typed was lost; please try again."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_http_error(error: HTTPException) -> tuple[Response | str, int]:
    code = error.code or 500
    message = MESSAGES.get(code, error.description or N_("Something went wrong."))
    if wants_json():
        return jsonify(error=message), code  # the API speaks English (API.md)
    return render_template("errors/error.html", code=code, message=_(message)), code


def handle_too_many(_error: TooManyRequests) -> Response:
    """An abuse limit (app/limits.py): how long to wait, in words and in Retry-After."""
    seconds = limits.retry_after()
    wait = limits.wait_phrase(seconds)
    if wants_json():
        message = f"Too many requests. Try again in {wait}."
        response = make_response(jsonify(error=message), 429)
    else:
        message = _("Too many attempts. Try again in %(wait)s.", wait=wait)
        page = render_template("errors/error.html", code=429, message=message)
        response = make_response(page, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def handle_unexpected(error: Exception) -> tuple[Response | str, int]:
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    return handle_http_error(InternalServerError())


def refuse_nul_characters() -> tuple[str, int] | None:
    """Before every request: a form value holding a NUL character is refused (400), naming
    the field. Nobody types one; PostgreSQL cannot store one (SQLite would, silently)."""
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return None
    for name, value in request.form.items(multi=True):
        if "\x00" in value:
            message = _(
                "The field %(name)s holds a NUL character, which cannot be stored.", name=repr(name)
            )
            return render_template("errors/error.html", code=400, message=message), 400
    return None


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(TooManyRequests, handle_too_many)
    app.register_error_handler(InternalServerError, handle_unexpected)
