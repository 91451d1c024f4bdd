"""The database the migrations build is the one the models describe, and the layers stay apart."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from app import PROJECT_ROOT
from insights.adoption import DEFAULT_CATALOGUE
from insights.kotter import STEPS
from models import EvidenceItem, Initiative, Metric, Stage, db
from tests import builders


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


def test_upgrading_gives_every_initiative_its_steps_and_catalogue(app: Flask) -> None:
    """Revision 0008 creates what pages used to create on a GET; what exists stays as it is."""
    organization = builders.make_organization()
    # As before 0008, without the service: no steps and no catalogue.
    bare, partial = (
        Initiative(
            organization=organization, name=name, crm_product="Acme CRM",
            start_date=date(2026, 3, 2), go_live_date=None, licensed_seats=50,
        )
        for name in ("Bare", "Partial")
    )  # fmt: skip
    db.session.add_all([bare, partial])
    db.session.flush()
    db.session.add(Stage(initiative_id=partial.id, key="urgency", position=1, notes="ours"))
    db.session.add(
        Metric(
            initiative_id=partial.id, key=DEFAULT_CATALOGUE[0].key, name="Kept", unit="%",
            category=DEFAULT_CATALOGUE[0].category, target=12.5,
        )
    )  # fmt: skip
    db.session.commit()
    bare_id, partial_id = bare.id, partial.id
    db.session.close()
    downgrade(revision="0007")
    upgrade()

    for initiative_id in (bare_id, partial_id):
        stages = db.session.scalars(
            select(Stage).where(Stage.initiative_id == initiative_id).order_by(Stage.position)
        ).all()
        assert [stage.key for stage in stages] == [step.key for step in STEPS]
        metrics = db.session.scalars(select(Metric).where(Metric.initiative_id == initiative_id))
        assert {metric.key for metric in metrics} == {d.key for d in DEFAULT_CATALOGUE}
    fresh = db.session.scalar(
        select(Stage).where(Stage.initiative_id == bare_id, Stage.key == "vision")
    )
    assert fresh is not None and fresh.status == "not_started"
    assert [item.text for item in fresh.evidence] == list(STEPS[2].evidence)
    kept = db.session.scalar(
        select(Stage).where(Stage.initiative_id == partial_id, Stage.key == "urgency")
    )
    assert kept is not None and kept.notes == "ours" and kept.evidence == []
    metric = db.session.scalar(
        select(Metric).where(
            Metric.initiative_id == partial_id, Metric.key == DEFAULT_CATALOGUE[0].key
        )
    )
    assert metric is not None and (metric.name, metric.target) == ("Kept", 12.5)
    default = db.session.scalar(
        select(Metric).where(
            Metric.initiative_id == bare_id, Metric.key == DEFAULT_CATALOGUE[0].key
        )
    )
    assert default is not None and default.is_default and default.target_date is not None
    assert db.session.scalar(select(EvidenceItem.id).limit(1)) is not None


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
