"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from flask import g, request
from werkzeug.wrappers import Response

from app.api.responses import answer
from app.api.schemas.base import Error
from app.services.accounts import user_for_token
from models import User

# Reads never write, so only a request that changes something records the token's use.
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def authenticate_bearer() -> Response | None:
    """Sets ``g.api_user``, or answers 401 with a JSON error."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    user = None
    if scheme.lower() == "bearer" and token:
        user = user_for_token(token, record_use=request.method not in READS)
    if user is None:
        message = "A valid API token is required: send 'Authorization: Bearer <token>'."
        response = answer(Error(error=message), 401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="stepwise"'
        return response
    g.api_user = user
    return None


def api_user() -> User:
    user: User = g.api_user
    return user
