"""Each journey of docs/journeys.md walked in a real Chromium, through the UI only.

Screenshots of each journey's key pages, full page, at a 375-px phone and a
1280-px laptop, go to test-artifacts/journeys/<journey>-<step>-<width>.png.
Only the first accounts are made by builders (there is no sign-up page), and
where a journey needs time to have passed (weeks of pulses and CRM data) the
data is seeded through the demo's services, as each test says. The staff
member's journey (a pulse on a phone) is test_pulse_journey.py, which takes
its screenshots with shoot() from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, ViewportSize, expect

from app.demo import DEMO_LOGINS, seed_demo
from models import db
from models.base import utcnow
from tests import builders
from tests.browser.conftest import ARTIFACTS
from tests.browser.crawl import log_in

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "journeys"
WIDTHS: tuple[ViewportSize, ...] = (
    {"width": 375, "height": 812},
    {"width": 1280, "height": 800},
)
CRM = Path(__file__).resolve().parents[1] / "data" / "crm"


def shoot(page: Page, journey: str, step: str) -> None:
    """Full-page screenshots at both widths; at 375 px nothing scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for size in WIDTHS:
        page.set_viewport_size(size)
        if size["width"] == 375:
            assert_fits(page, f"{journey} {step}")
        path = SHOTS / f"{journey}-{step}-{size['width']}.png"
        page.screenshot(path=str(path), full_page=True)
    if before is not None:
        page.set_viewport_size(before)


def assert_fits(page: Page, where: str) -> None:
    """No sideways scrolling, once the layout has settled (a frame or two after a resize)."""
    width = 0
    for _ in range(20):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width <= page.evaluate("window.innerWidth"):
            return
        page.wait_for_timeout(100)
    pytest.fail(f"{where}: the page is {width}px wide on a 375-px phone")


def charts_drawn(page: Page) -> None:
    """Plotly has drawn every chart on the page (before a screenshot)."""
    undrawn = page.locator('[data-chart]:not([data-drawn="true"])')
    expect(undrawn).to_have_count(0, timeout=15_000)


def heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def browser_of(page: Page) -> Browser:
    """The same Chromium, for another person's own browser (a new context: no shared login)."""
    browser = page.context.browser
    assert browser is not None
    return browser


def rate_all(page: Page, score: Callable[[int], int]) -> None:
    """Taps a score (1-10) for each of the 30 behaviours, as fingers on a phone would."""
    items = page.locator('fieldset.pr-item[id^="b"]')
    expect(items).to_have_count(30)
    for number in range(30):
        items.nth(number).locator("label.pr-choice").nth(score(number) - 1).click()


def test_consultant_first_hour_on_a_fresh_database(live_app: Flask, page: Page) -> None:
    with live_app.app_context():  # no sign-up page: the first account comes from the CLI
        builders.make_user("ada@stepwise.example", name="Ada Lovell", is_admin=True)
        db.session.commit()
    page.set_default_timeout(10_000)
    log_in(page, "ada@stepwise.example", builders.PASSWORD)
    heading(page, "Your organisations")
    page.get_by_role("link", name="Create the first organisation").click()
    page.get_by_label("Organisation name").fill("Harbour Insurance")
    page.get_by_role("button", name="Create organisation").click()
    expect(page.get_by_text("Organisation “Harbour Insurance” created.")).to_be_visible()
    expect(page.get_by_text("No CRM initiative yet.")).to_be_visible()
    shoot(page, "consultant", "01-organisation")

    page.get_by_role("link", name="New initiative").first.click()
    page.get_by_label("Name").fill("Harbour CRM rollout")
    page.get_by_label("CRM product").fill("Salesforce Sales Cloud")
    page.get_by_label("Start date").fill("2026-09-01")
    page.get_by_label("Go-live date").fill("2026-11-02")
    page.get_by_label("Licensed seats").fill("60")
    page.get_by_role("button", name="Save initiative").click()
    heading(page, "Harbour CRM rollout")
    expect(page.get_by_text("Harbour Insurance · Salesforce Sales Cloud")).to_be_visible()
    expect(page.get_by_text("2 Nov 2026")).to_be_visible()
    expect(page.get_by_text("60", exact=True)).to_be_visible()
    shoot(page, "consultant", "02-initiative")
    initiative = page.url

    page.get_by_role("link", name="add teams").click()
    page.get_by_label("Teams, one per line").fill(
        "Customer Operations, 2\nSales, 5, Customer Operations\nService, 5, Customer Operations"
    )
    page.get_by_role("button", name="Add these teams").click()
    teams = page.locator("main table")
    for name in ("Customer Operations", "Sales", "Service"):
        expect(teams.get_by_text(name, exact=True).first).to_be_visible()
    shoot(page, "consultant", "03-teams")

    page.get_by_role("link", name="Members").first.click()
    page.get_by_label("Email").fill("erin.exec@harbour.example")
    page.get_by_role("button", name="Create invitation link").click()
    expect(page.get_by_role("heading", name="Invitation link")).to_be_visible()
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    invite = page.get_by_role("textbox", name="Link").input_value()
    assert re.search(r"/invite/[\w-]{20,}$", invite), invite
    shoot(page, "consultant", "04-invite")

    page.goto(initiative)
    page.get_by_role("link", name=re.compile("^Step tracker")).click()
    heading(page, "Change steps")
    steps = page.get_by_text(re.compile(r"^Step [1-8] "))
    expect(steps).to_have_count(8)
    expect(page.get_by_text(re.compile(r"^0 of [3-5] done$"))).to_have_count(8)
    shoot(page, "consultant", "05-tracker")
    page.get_by_role("link", name=re.compile("Establish a sense of urgency")).first.click()
    heading(page, re.compile("Establish a sense of urgency"))
    expect(page.get_by_role("heading", name="Evidence checklist (0 of 4 done)")).to_be_visible()
    page.get_by_role("button", name=re.compile("Mark done.*Churn and complaint figures")).click()
    page.get_by_label("Evidence", exact=True).fill(
        "Weekly lost-renewals figure read out at the sales huddle"
    )
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_role("heading", name="Evidence checklist (1 of 5 done)")).to_be_visible()
    added = page.locator(".st-evidence-text", has_text="Weekly lost-renewals figure read out")
    expect(added).to_be_visible()
    shoot(page, "consultant", "06-step")

    page.goto(initiative)
    page.get_by_role("link", name="Go to the pulse surveys").click()
    page.get_by_role("link", name="Build a survey").click()
    heading(page, "Build a pulse survey")
    shoot(page, "consultant", "07-survey-builder")
    page.get_by_role("button", name="Save survey").click()
    expect(page.get_by_text("Survey “CRM pulse” saved.")).to_be_visible()
    today = utcnow().date()
    page.get_by_label("First day").fill(today.isoformat())
    page.get_by_label("Last day").fill((today + timedelta(days=13)).isoformat())
    for name in ("Customer Operations", "Sales", "Service"):
        page.get_by_label(name, exact=True).check()
    page.get_by_label("Repeat every").fill("14")
    page.get_by_role("button", name="Schedule campaign").click()
    expect(page.get_by_role("link", name="Print the QR codes")).to_be_visible()
    shoot(page, "consultant", "08-campaign")
    page.get_by_role("link", name="Print the QR codes").click()
    codes = page.locator("main svg, main img")
    expect(codes).to_have_count(3)
    shoot(page, "consultant", "09-qr-codes")

    page.goto(initiative)
    page.get_by_role("link", name="Go to the metrics").click()
    page.get_by_role("link", name="Import data").first.click()
    page.get_by_label("CRM activity log").check()
    page.get_by_label("CSV file").set_input_files(CRM / "salesforce_login_history.csv")
    page.get_by_label("User list (activity log only").set_input_files(CRM / "salesforce_users.csv")
    page.get_by_role("button", name="Upload and preview").click()
    shoot(page, "consultant", "10-import-mapping")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_text("Nothing is saved yet. 12 values will be stored.")).to_be_visible()
    shoot(page, "consultant", "11-import-preview")
    page.get_by_role("button", name="Import 12 values").click()
    expect(
        page.get_by_text("12 values imported from salesforce_login_history.csv.")
    ).to_be_visible()
    adoption = page.get_by_role("row", name=re.compile("^Adoption rate"))
    expect(adoption).to_contain_text("5%")
    expect(adoption).to_contain_text("8 Jun 2026")
    charts_drawn(page)
    shoot(page, "consultant", "12-metrics")
    adoption.get_by_role("link").first.click()
    heading(page, "Adoption rate")
    by_team = page.locator("table", has_text="Target on the current course")
    # 2 of Sales' 5 people and 1 of Service's 5 logged in the week of 8 June.
    expect(by_team.get_by_role("row", name=re.compile("^Sales 40% 8 Jun 2026"))).to_be_visible()
    expect(by_team.get_by_role("row", name=re.compile("^Service 20% 8 Jun 2026"))).to_be_visible()
    charts_drawn(page)
    shoot(page, "consultant", "13-adoption-by-team")

    # The invited executive opens the copied link in her own browser.
    executive = browser_of(page).new_context(base_url=page.url.split("/initiatives")[0])
    erin = executive.new_page()
    erin.goto(invite)
    heading(erin, "Join Harbour Insurance")
    expect(erin.get_by_text("You are invited as executive")).to_be_visible()
    shoot(erin, "executive", "01-invitation")
    erin.get_by_label("Your name").fill("Erin Walsh")
    erin.get_by_label("Choose a password").fill("tide pool lantern harbour")
    erin.get_by_label("Repeat the password").fill("tide pool lantern harbour")
    erin.get_by_role("button", name="Create my account and join").click()
    heading(erin, "Where is it stalling?")  # an executive lands on the dashboard
    expect(
        erin.get_by_text("Adoption rate: 5% against a target of 80% by 3 May 2027")
    ).to_be_visible()
    dashboard_adoption = erin.locator("table", has_text="Adoption rate by team")
    expect(dashboard_adoption.get_by_role("row", name=re.compile("^Sales 40%"))).to_be_visible()
    charts_drawn(erin)
    shoot(erin, "executive", "02-first-dashboard")
    executive.close()


def test_executive_monday_morning(live_app: Flask, page: Page) -> None:
    with live_app.app_context():  # weeks of pulses, ratings and CRM data: the demo organisation
        seed_demo()
        db.session.commit()
    morgan = next(login for login in DEMO_LOGINS if login.role == "executive")
    page.set_default_timeout(10_000)
    log_in(page, morgan.email, morgan.password)
    heading(page, "Where is it stalling?")
    expect(page.get_by_role("heading", name=re.compile("Stalled at step 5"))).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        re.compile(r"Adoption rate: \d+% against a target of\s+80% by \d+ \w+ \d{4}")
    )
    findings = page.locator("#top > .dash-findings > .dash-finding")
    expect(findings).to_have_count(3)
    # Each finding says its period and how many people are behind it.
    # (the demo's dates move with today's).
    expect(findings.nth(0)).to_contain_text(
        re.compile(r"As of \d+ \w+ \d{4}, rated by 2 leaders and 130 staff")
    )
    expect(findings.nth(2)).to_contain_text(
        re.compile(r"Over the 26 weeks to \d+ \w+ \d{4}, 24 people")
    )
    charts_drawn(page)
    shoot(page, "executive", "03-dashboard")

    findings.nth(2).get_by_role("link", name=re.compile("See the evidence")).click()
    assert page.url.endswith("#teams")
    expect(page.locator("#teams")).to_contain_text("Sales North")

    findings.nth(0).get_by_role("link", name=re.compile("Create an action")).click()
    heading(page, re.compile("Empower broad-based action"))
    action = page.get_by_label("Action", exact=True)
    expect(action).to_have_value(re.compile("^Log the obstacles staff raise"))
    page.get_by_label("Owner").last.select_option(label="Morgan Hale")
    due = utcnow().date() + timedelta(days=14)
    page.get_by_label("Due date").fill(due.isoformat())
    shoot(page, "executive", "04-new-action")
    page.get_by_role("button", name="Add action").click()
    expect(
        page.get_by_text(re.compile("^Action “Log the obstacles staff raise.*” added"))
    ).to_be_visible()
    added = page.locator("#actions li", has_text="Log the obstacles staff raise")
    expect(added).to_contain_text(f"Open · Morgan Hale · due {due.day} {due:%b %Y}")
    shoot(page, "executive", "05-action-added")

    page.get_by_role("link", name="Customer 360 CRM rollout").first.click()
    page.get_by_role("link", name=re.compile("dashboard")).first.click()
    page.locator("summary", has_text="Export").click()
    page.get_by_role("link", name="One-page summary").click()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Stalled at step 5")
    shoot(page, "executive", "06-summary")


def test_leader_in_a_360(live_app: Flask, page: Page) -> None:
    with live_app.app_context():  # the organisation exists; its 360 starts in the UI
        organization = builders.make_organization("Harbour Insurance")
        initiative = builders.make_initiative(organization, name="Harbour CRM rollout")
        builders.make_user("lee@harbour.example", name="Lee Park", organization=organization)
        builders.make_user(
            "cara@stepwise.example", name="Cara Quinn", organization=organization, role="consultant"
        )
        db.session.commit()
        initiative_id = initiative.id
    page.set_default_timeout(10_000)
    log_in(page, "cara@stepwise.example", builders.PASSWORD)
    page.goto(f"/initiatives/{initiative_id}")
    page.get_by_role("link", name="Go to the leadership 360").click()
    heading(page, "Leadership practices 360")
    page.get_by_role("button", name="Open a 360 for Lee Park").click()
    expect(page.get_by_text("360 opened for Lee Park.")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Log out")).click()
    log_in(page, "lee@harbour.example", builders.PASSWORD)
    page.goto(f"/initiatives/{initiative_id}/practices")
    page.get_by_role("link", name="Rate myself and get my observer link").click()
    heading(page, "Your leadership 360")
    observer_link = page.get_by_role("textbox", name="Link to share").input_value()
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    expect(page.get_by_text("0 observers have answered so far")).to_be_visible()
    shoot(page, "leader", "01-self-assessment")
    rate_all(page, lambda number: 9)  # leaders tend to rate themselves high
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.get_by_text("Your ratings are saved.")).to_be_visible()

    # Observers open the shared link on their phones, without an account.
    phone = browser_of(page).new_context(
        base_url=observer_link.split("/360/")[0],
        viewport=WIDTHS[0],
        is_mobile=True,
        has_touch=True,
    )
    observer = phone.new_page()
    for number, relationship in enumerate(("A peer", "A peer", "A peer", "Their manager")):
        observer.goto(observer_link)
        heading(observer, "How does Lee Park lead the CRM rollout?")
        expect(observer.get_by_text("Anonymous: no name, no account")).to_be_visible()
        if number == 0:
            shoot(observer, "leader", "02-observer-form")
        observer.get_by_label(relationship, exact=True).check()
        rate_all(observer, lambda behaviour: 4 + behaviour % 3)
        observer.get_by_role("button", name="Send my ratings").click()
        heading(observer, "Thank you — your ratings are in")
        if number == 0:
            shoot(observer, "leader", "03-observer-thanks")
    phone.close()
    page.reload()
    expect(page.get_by_text("4 observers have answered so far")).to_be_visible()
    shoot(page, "leader", "04-answers-so-far")

    page.get_by_role("button", name=re.compile("^Log out")).click()
    log_in(page, "cara@stepwise.example", builders.PASSWORD)
    page.goto(f"/initiatives/{initiative_id}/practices")
    page.get_by_role("button", name=re.compile("^Close")).first.click()  # the consultant closes it
    expect(page.get_by_text("The 360 of Lee Park is closed")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("^Lee Park"))
    for count in ("1 manager", "3 peers", "0 direct reports"):
        expect(row).to_contain_text(count)
    page.get_by_role("button", name=re.compile("^Log out")).click()
    log_in(page, "lee@harbour.example", builders.PASSWORD)
    page.goto(f"/initiatives/{initiative_id}/practices")
    page.get_by_role("link", name="My report").click()
    heading(page, "360 report: Lee Park")
    groups = page.locator("table", has_text="Mean practice scores (6–60) per relationship")
    expect(groups.get_by_role("row", name=re.compile(r"^Manager 1 Fewer than 3"))).to_be_visible()
    expect(
        groups.get_by_role("row", name=re.compile(r"^Peers 3 Hidden on its own"))
    ).to_be_visible()
    practices_table = page.locator("table", has_text="Gap (self − observers)")
    expect(
        practices_table.get_by_role("row", name=re.compile("^Model the way 54"))
    ).to_contain_text("self higher")
    shoot(page, "leader", "05-report")
