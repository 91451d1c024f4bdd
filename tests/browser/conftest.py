"""A live Stepwise server in a thread and a real headless Chromium driving it.

Chromium is Debian's (/usr/bin/chromium); Playwright only drives it. Browser
tests skip, saying why, only when that binary is absent.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from models import db
from tests.conftest import base_config

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[Flask]:
    """The app as people get it: CSRF on, a real SQLite file."""
    app = create_app(
        base_config(f"sqlite:///{tmp_path / 'live.db'}", WTF_CSRF_ENABLED=True, TESTING=False)
    )
    with app.app_context():
        upgrade()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# A form sent back with its problems answers 422, which Chromium logs as a failed load
# of the page itself: that is the product working, not an error on the page.
FORM_REFUSED = "the server responded with a status of 422 (UNPROCESSABLE ENTITY)"


@pytest.fixture
def page(chromium, live_server: str, request: pytest.FixtureRequest) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A desktop-sized page that fails the test on any request leaving the machine."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server)
    outside: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(live_server) or route.request.url.startswith("data:")
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.endswith(FORM_REFUSED)
            else None
        ),
    )
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not outside, f"requests left the machine: {outside}"
    assert not errors, f"console errors: {errors}"
