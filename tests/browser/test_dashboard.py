"""Monday morning: the demo executive opens the dashboard on a laptop, then on a phone.

The ``page`` fixture fails the test on any console error (a 4xx page load
included) and on any request leaving the machine, and saves a screenshot.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect

from app.demo import DEMO_LOGINS, seed_demo
from models import db
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
CHARTS = 5  # adoption, leaders vs staff, team heatmap, eNPS, response rate


def _all_charts_drawn(page) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("[data-chart]")).to_have_count(CHARTS)
    expect(page.locator('[data-chart][data-drawn="true"]')).to_have_count(CHARTS, timeout=15_000)
    expect(page.locator("[data-chart] .main-svg").first).to_be_visible()


def test_the_executive_sees_where_the_rollout_stalls(live_app: Flask, page) -> None:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        seed_demo()
        db.session.commit()
    executive = next(login for login in DEMO_LOGINS if login.role == "executive")

    page.goto("/login")
    page.get_by_label("Email").fill(executive.email)
    page.get_by_label("Password").fill(executive.password)
    page.get_by_role("button", name="Log in").click()  # an executive lands on the dashboard

    expect(page.get_by_role("heading", level=1)).to_have_text("Where is it stalling?")
    expect(page.get_by_role("heading", name=re.compile("Stalled at step 5"))).to_be_visible()
    findings = page.locator("#top > .dash-findings > .dash-finding")
    expect(findings).to_have_count(3)
    expect(findings.nth(0)).to_contain_text("stalling at step 5")
    _all_charts_drawn(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-desktop.png"), full_page=True)

    findings.nth(0).get_by_role("link", name=re.compile("See the evidence")).click()
    assert page.url.endswith("#steps")

    page.set_viewport_size(PHONE)
    page.reload()
    _all_charts_drawn(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.goto(page.url.split("#")[0] + "/summary")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the summary prints on one page"
    page.emulate_media(media="screen")
