"""The database the migrations build is the one the models describe, and the layers stay apart."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import text

from app import PROJECT_ROOT
from models import db


def schema_differences() -> list[Any]:
    """What ``flask db migrate`` would write next: empty when migrations and models agree."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, db.metadata)


def test_migrations_build_the_models_schema_on_a_fresh_sqlite_file(sqlite_app: Flask) -> None:
    assert schema_differences() == []


def test_migrations_build_the_models_schema(app: Flask) -> None:
    """Runs on both backends; on PostgreSQL types and constraints are compared for real."""
    assert schema_differences() == []


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(sqlite_app: Flask) -> None:
    def pragma(name: str) -> Any:
        return db.session.execute(text(f"PRAGMA {name}")).scalar()

    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") > 0


# The web stack and the layers built on it; the pure packages may import none of them.
WEB_STACK = {"flask", "werkzeug", "sqlalchemy", "flask_sqlalchemy", "alembic", "app", "models"}

IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys
import survey, insights
for package in (survey, insights):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
print(json.dumps(sorted(sys.modules)))
"""


def test_pure_packages_load_neither_flask_nor_sqlalchemy() -> None:
    """``survey`` and ``insights`` must run, and be tested, without the web stack."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    modules = set(json.loads(result.stdout))
    assert {"survey", "insights", "insights.stages"} <= modules, "the probe imported them"
    assert sorted(name for name in modules if name.split(".")[0] in WEB_STACK) == []
