"""The floor for ``bench/throughput.py``: one row inserted and committed per POST.

The same stack as the app (Flask, Flask-SQLAlchemy, the same ``DATABASE_URL``
turned into the same engine URL by ``config.database_url``; on SQLite the
pragmas the app's own connections have, which ``throughput.py`` reads from the
app and passes in ``BENCH_SQLITE_PRAGMAS``) but nothing else: no templates, no
extensions, no reads. ``POST /insert`` parses the form, inserts one row into the scratch
table ``bench_bare_insert`` and commits, then answers a 302 like the pulse form
does. ``throughput.py`` creates the table before and drops it afterwards.

    DATABASE_URL=sqlite:////tmp/bench.db gunicorn -w 4 --pythonpath bench 'bare_insert:create_app()'
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script or under gunicorn from anywhere

from flask import Flask, redirect, request  # noqa: E402
from flask_sqlalchemy import SQLAlchemy  # noqa: E402
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, event  # noqa: E402
from werkzeug.wrappers import Response  # noqa: E402

from config import database_url  # noqa: E402

TABLE = "bench_bare_insert"
# What the app sets on each SQLite connection (app/extensions.py), as
# "name=value;..." in this order; throughput.py passes the app's actual values.
PRAGMAS_ENV = "BENCH_SQLITE_PRAGMAS"
PRAGMAS = ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")  # PRAGMA synchronous answers 0..3

metadata = MetaData()
bare_insert = Table(
    TABLE,
    metadata,
    Column("id", Integer, primary_key=True),
    Column("fields", Integer, nullable=False),
    Column("note", String(40), nullable=False),
    Column("created_at", DateTime, nullable=False),
)
db = SQLAlchemy(metadata=metadata)


def engine_url(raw: str | None = None) -> str:
    """The engine URL the app would use for ``raw`` (default: ``DATABASE_URL``)."""
    return database_url(raw or os.environ.get("DATABASE_URL"), ROOT / "instance")


def read_pragmas(dbapi_connection: Any) -> str:
    """A connection's ``PRAGMAS`` as ``name=value;...``."""
    values = []
    for name in PRAGMAS:
        value = dbapi_connection.execute(f"PRAGMA {name}").fetchone()[0]
        if name == "synchronous":
            value = SYNCHRONOUS[value]
        values.append(f"{name}={value}")
    return ";".join(values)


def _set_pragmas(pragmas: str) -> Callable[[Any, Any], None]:
    def listener(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas.split(";"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return listener


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = engine_url()
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            pragmas = os.environ.get(PRAGMAS_ENV)
            if not pragmas:
                raise RuntimeError(f"{PRAGMAS_ENV} must hold the app's SQLite pragmas")
            event.listen(db.engine, "connect", _set_pragmas(pragmas))

    @app.post("/insert")
    def insert() -> Response:
        form = request.form.to_dict(flat=False)
        db.session.execute(
            bare_insert.insert().values(
                fields=len(form), note="bare", created_at=datetime.now(UTC).replace(tzinfo=None)
            )
        )
        db.session.commit()
        return redirect("/done")

    return app
