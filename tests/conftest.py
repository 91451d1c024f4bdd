"""Fixtures: every app-level test runs on SQLite and, when a server can be had, on PostgreSQL.

PostgreSQL comes from ``TEST_DATABASE_URL`` or from a throwaway cluster that the
suite starts itself when the server binaries are installed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from models import Initiative, Organization, Role, Team, User, db
from tests import builders
from tests.get_guard import GetWriteGuard
from tests.pg_cluster import ClusterUnavailable, create_database, start_cluster
from tests.smtp_server import smtp_server  # noqa: F401 - a fixture for every test module

# Shared fixtures: an open pulse for the world's team (``survey``, ``campaign``, ``code``).
pytest_plugins = ("tests.pulse_fixtures",)

BACKENDS = ("sqlite", "postgresql")
_backend_report: dict[str, str] = {}


def pytest_report_header() -> str:
    if os.environ.get("TEST_DATABASE_URL"):
        return "database backends: sqlite; postgresql from TEST_DATABASE_URL"
    return "database backends: sqlite; postgresql via a throwaway cluster when installed"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist each worker finds its own backends: hand them to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["stepwise_backends"] = dict(_backend_report)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    for backend, how in getattr(node, "workeroutput", {}).get("stepwise_backends", {}).items():
        # Each worker starts its own throwaway cluster; the port differs, the story does not.
        _backend_report.setdefault(backend, re.sub(r" \(port \d+\)", "", how))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _backend_report:
        return
    terminalreporter.section("database backends")
    for backend, how in _backend_report.items():
        terminalreporter.write_line(f"{backend}: {how}")


def base_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "STEPWISE_MIN_GROUP_SIZE": 5,
        "STEPWISE_MIN_COMMENT_GROUP_SIZE": 10,
        "STEPWISE_MIN_OBSERVERS": 3,
        "STEPWISE_PRODUCTION": False,
        "WTF_CSRF_ENABLED": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "INVITATION_DAYS": 14,
        "PAGE_SIZE": 25,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }
    config.update(overrides)
    return config


@pytest.fixture(autouse=True)
def get_guard() -> Iterator[GetWriteGuard]:
    """Fail any test in which a GET or HEAD request flushes the session or writes a row.

    Writes are collected and reported at teardown, so that the request behaves as in
    production and the failure names every route that wrote (tests/get_guard.py).
    """
    with GetWriteGuard() as guard:
        yield guard
    if guard.writes:
        pytest.fail(f"GET must never write:\n{guard.report()}", pytrace=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _backend_report["postgresql"] = "ran, on TEST_DATABASE_URL"
        yield url.replace("postgresql://", "postgresql+psycopg://", 1)
        return
    try:
        cluster = start_cluster()
    except ClusterUnavailable as reason:
        _backend_report["postgresql"] = f"skipped: {reason}"
        pytest.skip(f"PostgreSQL unavailable: {reason}")
    _backend_report["postgresql"] = f"ran, on a throwaway cluster (port {cluster.port})"
    try:
        yield create_database(cluster.url, "stepwise_test")
    finally:
        cluster.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database per backend for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'stepwise.db'}"
        _backend_report.setdefault("sqlite", "ran, on a temporary file")
    else:
        url = request.getfixturevalue("postgres_server")
    app = create_app(base_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def _empty_all_tables() -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        quoted = ", ".join(f'"{name}"' for name in tables)
        db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 - our own table names
    db.session.commit()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(base_config(database_url))
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Apps on the test database with settings changed; their connections close afterwards."""
    made: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        other = create_app(base_config(database_url, **overrides))
        made.append(other)
        return other

    yield factory
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    """A SQLite-only app for tests that are about the machine, not the database."""
    app = create_app(base_config(f"sqlite:///{tmp_path / 'stepwise.db'}"))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@dataclass
class World:
    """One organisation with its people, and an outsider from another one."""

    organization: Organization
    initiative: Initiative
    team: Team
    consultant: User
    executive: User
    outsider: User
    admin: User
    other_organization: Organization
    other_initiative: Initiative
    other_team: Team

    def user(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)


@pytest.fixture
def world(app: Flask) -> World:
    organization = builders.make_organization("Acme Insurance")
    other = builders.make_organization("Globex Bank")
    world = World(
        organization=organization,
        initiative=builders.make_initiative(organization, name="Acme CRM"),
        team=builders.make_team(organization, "Claims"),
        consultant=builders.make_user(
            "consultant@acme.example", organization=organization, role=Role.CONSULTANT
        ),
        executive=builders.make_user("exec@acme.example", organization=organization),
        outsider=builders.make_user("exec@globex.example", organization=other),
        admin=builders.make_user("admin@stepwise.example", is_admin=True),
        other_organization=other,
        other_initiative=builders.make_initiative(other, name="Globex CRM"),
        other_team=builders.make_team(other, "Retail"),
    )
    db.session.commit()
    return world
