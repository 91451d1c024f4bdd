"""Helpers for page tests: read a page as a person does, count rows and SQL statements."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event, func, select
from werkzeug.test import TestResponse

from models import Base, db


def page_text(response: TestResponse) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(text).split())


def count(model: type[Base]) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@contextmanager
def counting_queries(app: Flask) -> Iterator[list[str]]:
    """The SQL statements ``app`` sends while the block runs.

    Count with an app other than the test's own (the ``make_app`` fixture): its
    requests start with an empty session, as in production, whereas the
    ``client`` fixture shares the test's session and what it has loaded.
    """
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
