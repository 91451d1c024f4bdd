"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from flask import g, jsonify, request
from werkzeug.wrappers import Response

from app.services.accounts import user_for_token
from models import User, db


def authenticate_bearer() -> Response | None:
    """Sets ``g.api_user``, or answers 401 with a JSON error."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    user = user_for_token(token) if scheme.lower() == "bearer" and token else None
    if user is None:
        response = jsonify(
            error="A valid API token is required: send 'Authorization: Bearer <token>'."
        )
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="stepwise"'
        return response
    db.session.commit()  # keeps the token's last_used_at
    g.api_user = user
    return None


def api_user() -> User:
    user: User = g.api_user
    return user
