"""URL converters shared by every blueprint."""

from __future__ import annotations

from typing import Any

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
