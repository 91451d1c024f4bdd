"""URL converters shared by every blueprint."""

from __future__ import annotations

from flask import abort, request
from werkzeug.routing import IntegerConverter

# Ids are INTEGER columns on SQLite and PostgreSQL alike.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` limited to what an id column can hold.

    A larger number can name no row: it is read as 0 (no row has that id either),
    so the view answers its usual 404. Passed on to the database it would overflow
    there and answer 500; refused by routing it would be a 405 wherever another
    method shares the path (Werkzeug checks the method before the converter).
    """

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= LARGEST_ID else 0


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
