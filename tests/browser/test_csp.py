"""Every page the demo's people reach works under the Content-Security-Policy.

The ``page`` fixture fails a test on any console error, and Chromium reports every
blocked script or style there; a ``securitypolicyviolation`` listener adds what it saw,
with the directive and the line, so a failure says what was blocked.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from flask import Flask
from playwright.sync_api import expect

from app.demo import DEMO_LOGINS, seed_demo
from models import db
from tests.browser.crawl import log_in, page_links

pytestmark = pytest.mark.browser

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
});
"""
# Pages of one kind (ids and query values aside) visited at most this often.
PER_KIND = 2


def _kind(path: str, query: str) -> str:
    keys = sorted(part.split("=")[0] for part in query.split("&") if part)
    return re.sub(r"\d+", "N", path) + "?" + "&".join(keys)


def _crawl(page, start: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Visit every kind of page reachable by links from ``start``; wait for its charts."""
    queue, seen, kinds = [start], {start}, Counter[str]()
    visited = []
    while queue:
        url = queue.pop(0)
        page.goto(url)
        visited.append(url)
        charts = page.locator("[data-chart]")
        expect(page.locator("[data-chart]:not([data-drawn])")).to_have_count(0, timeout=15_000)
        if charts.count():
            expect(page.locator("[data-chart] svg.main-svg").first).to_be_visible()
        for link, parts in page_links(page, seen):
            kind = _kind(parts.path, parts.query)
            if kinds[kind] < PER_KIND:
                kinds[kind] += 1
                queue.append(link)
    return visited


@pytest.mark.parametrize("role", ["consultant", "executive"])
def test_every_page_works_under_the_policy(live_app: Flask, page, role: str) -> None:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        seed_demo()
        db.session.commit()
    person = next(login for login in DEMO_LOGINS if login.role == role)
    page.add_init_script(REPORT_VIOLATIONS)
    visited = _crawl(page, "/join") + _crawl(page, "/login")
    log_in(page, person.email, person.password)
    visited += _crawl(page, "/")
    # The crawl went everywhere that matters: steps, 360s, pulses, metrics, the dashboard.
    for area in ("/steps", "/practices", "/results", "/metrics", "/dashboard", "/workshops"):
        assert any(area in url for url in visited), (area, visited)
    assert len(visited) > 30


def test_charts_draw_with_their_own_styles(live_app: Flask, page) -> None:  # type: ignore[no-untyped-def]
    """Plotly's layers are stacked by css/plotly.css; without it a chart falls apart."""
    with live_app.app_context():
        seed_demo()
        db.session.commit()
    executive = next(login for login in DEMO_LOGINS if login.role == "executive")
    page.add_init_script(REPORT_VIOLATIONS)
    log_in(page, executive.email, executive.password)  # lands on the dashboard

    chart = page.locator('[data-chart][data-drawn="true"]').first
    expect(chart.locator("svg.main-svg").first).to_be_visible(timeout=15_000)
    layers = chart.locator("svg.main-svg")
    assert layers.count() >= 2
    tops = {layers.nth(i).bounding_box()["y"] for i in range(layers.count())}
    assert len(tops) == 1, "the chart's SVG layers lie on top of each other"
    chart.hover()
    expect(chart.locator(".modebar")).to_be_visible()
    assert page.evaluate("document.querySelectorAll('style').length") == 0
