"""The GET-never-writes guard of tests/conftest.py can fail, and names the route."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from models import Organization, db
from tests.get_guard import GetWriteGuard


def _add_writing_routes(app: Flask) -> None:
    def write() -> str:
        db.session.add(Organization(name="Written by a GET"))
        db.session.commit()
        return "written"

    app.add_url_rule("/test-writes", "test_writes", write, methods=["GET", "POST"])


def test_a_get_that_writes_is_caught_with_its_route(
    app: Flask, client: FlaskClient, get_guard: GetWriteGuard
) -> None:
    _add_writing_routes(app)
    assert client.get("/test-writes?x=1").status_code == 200
    report = get_guard.report()
    assert "GET /test-writes?x=1 (test_writes) flushed changes to Organization" in report
    assert "GET /test-writes?x=1 (test_writes) ran INSERT INTO organization" in report
    get_guard.writes.clear()  # caught as it should be: let this test pass


def test_posts_and_reads_are_left_alone(
    app: Flask, client: FlaskClient, get_guard: GetWriteGuard
) -> None:
    _add_writing_routes(app)
    assert client.post("/test-writes").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert get_guard.writes == []
