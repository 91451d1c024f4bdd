"""One pagination helper for every list page."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from models import db

# Far beyond any real list; a larger ?page= would overflow the database's OFFSET.
LAST_PAGE = 1_000_000


def paginate(query: Select[Any], per_page: int | None = None) -> Pagination:
    """The page of ``query`` named by ``?page=``; a page past the end is simply empty."""
    return db.paginate(
        query,
        page=min(request.args.get("page", 1, type=int), LAST_PAGE),
        per_page=per_page or current_app.config["PAGE_SIZE"],
        max_per_page=200,
        error_out=False,
    )
