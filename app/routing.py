"""URL converters shared by every blueprint."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from werkzeug.routing import IntegerConverter

# Ids are INTEGER columns on SQLite and PostgreSQL alike.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` limited to what an id column can hold.

    A larger number can name no row, so it is a plain 404 from routing; passed
    on to the database it would overflow there and answer 500.
    """

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def as_id(raw: str) -> int | None:
    """``raw`` as an id, or None when it cannot name a row (not digits, or too large)."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) > LARGEST_ID:
        return None
    return int(raw)


def id_arg(name: str) -> int | None:
    """The query argument ``?name=<id>``: None when absent or empty, 404 when it names no row."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    found = as_id(raw)
    if found is None:
        abort(404)
    return found
