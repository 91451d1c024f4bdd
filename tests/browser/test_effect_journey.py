"""Did it work? (#16) walked in a real Chromium, on the demo organisation.

The consultant marks an open step action done for two teams: the action page says
it is too early to tell and how many weeks are still needed. The demo's floor-walkers
(done five weeks ago, app/demo_loop.py) show how much more adoption rose in the teams
they touched, with its interval. The executive reads the dashboard's "Did it work?"
panel on a laptop and a phone, follows it to the action, and changes her Monday digest
choice on the phone. Screenshots at 375 and 1280 px go to test-artifacts/journeys/.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from app.demo import DEMO_LOGINS, DEMO_ORGANIZATION, seed_demo
from app.demo_loop import LOOP_ACTIONS
from models import Initiative, Organization, db
from tests.browser.crawl import log_in
from tests.browser.test_journeys import WIDTHS, assert_fits, browser_of, heading, shoot

pytestmark = pytest.mark.browser

CONSULTANT = next(login for login in DEMO_LOGINS if login.role == "consultant")
MORGAN = next(login for login in DEMO_LOGINS if login.role == "executive")
OPEN_ACTION = "Plan two 90-day wins with a measure each"  # open in the demo (app/demo.py)
FLOOR_WALKERS = LOOP_ACTIONS[0][1]
TWO_TEAMS = ("Sales North", "Broker Partnerships")


def _demo(live_app: Flask) -> int:
    """The demo organisation (weeks of pulses and adoption); its initiative's id."""
    with live_app.app_context():
        seed_demo()
        db.session.commit()
        initiative_id = db.session.scalars(
            select(Initiative.id).join(Organization).where(Organization.name == DEMO_ORGANIZATION)
        ).one()
    return initiative_id


def _did_it_work(page: Page) -> Locator:
    return page.locator("section", has=page.get_by_role("heading", name="Did it work?"))


def test_did_the_action_work(live_app: Flask, live_server: str, page: Page) -> None:
    initiative_id = _demo(live_app)
    page.set_default_timeout(10_000)

    # The consultant marks an open action done, for two teams.
    log_in(page, CONSULTANT.email, CONSULTANT.password)
    page.goto(f"/initiatives/{initiative_id}/actions")
    heading(page, "Actions")
    page.get_by_role("link", name=OPEN_ACTION).click()
    heading(page, "Edit action")
    effect = _did_it_work(page)
    expect(effect).to_contain_text("Once it is marked done")
    done_on = page.get_by_label("Done on")
    expect(done_on).to_be_hidden()  # only a done action has a day done
    page.locator("summary", has_text="Teams it touched: every team").click()
    for team in TWO_TEAMS:
        page.get_by_label(team, exact=True).check()
    page.get_by_label("Action status").select_option(label="Done")
    expect(done_on).to_be_visible()
    shoot(page, "effects", "01-mark-done")
    page.get_by_role("button", name="Save action").click()

    expect(page.get_by_text(f"Action “{OPEN_ACTION}” saved.")).to_be_visible()
    expect(page.get_by_text("Teams it touched: Broker Partnerships, Sales North")).to_be_visible()
    effect = _did_it_work(page)
    expect(effect).to_contain_text("for Broker Partnerships, Sales North")
    adoption = effect.locator("li", has_text="Adoption rate")
    expect(adoption).to_contain_text("Too early")
    # Done today: the week it was done counts on neither side, then four whole weeks.
    expect(adoption).to_contain_text("Too early to tell: 4 more weeks needed.")
    shoot(page, "effects", "02-too-early")

    # The floor-walkers were done five weeks ago: their effect is known.
    page.goto(f"/initiatives/{initiative_id}/actions?status=done")
    page.get_by_role("link", name=FLOOR_WALKERS).click()
    effect = _did_it_work(page)
    expect(effect).to_contain_text("for Contact Centre, Policy Service")
    adoption = effect.locator("li", has_text="Adoption rate")
    expect(adoption).to_contain_text("Better")
    expect(adoption).to_contain_text(
        re.compile(
            r"Adoption rate rose [\d.]+ points more in the teams it touched than in the "
            r"4 others \(95% interval [\d.]+ to [\d.]+; 2 teams against 4"
        )
    )
    shoot(page, "effects", "03-it-worked")
    page.get_by_role("button", name=re.compile("^Log out")).click()

    # The executive, Monday morning: the dashboard's panel on a laptop and a phone.
    log_in(page, MORGAN.email, MORGAN.password)
    heading(page, "Where is it stalling?")
    panel = _did_it_work(page)
    expect(panel).to_contain_text("Actions done in the last 90 days, newest first")
    newest = panel.get_by_role("listitem").first
    expect(newest).to_contain_text(OPEN_ACTION)
    expect(newest).to_contain_text("for Broker Partnerships, Sales North")
    expect(newest).to_contain_text("Too early to tell: 4 more weeks needed.")
    worked = panel.get_by_role("listitem").filter(has_text=FLOOR_WALKERS)
    expect(worked).to_contain_text(re.compile(r"Adoption rate rose [\d.]+ points more"))
    panel.scroll_into_view_if_needed()
    shoot(page, "effects", "04-dashboard")  # at 375 px: nothing scrolls sideways
    page.set_viewport_size(WIDTHS[0])  # her phone
    expect(worked).to_be_visible()
    assert_fits(page, "the dashboard's Did it work? panel")
    page.set_viewport_size(WIDTHS[1])
    worked.get_by_role("link", name=FLOOR_WALKERS).click()
    heading(page, "Edit action")
    expect(page.get_by_label("Action", exact=True)).to_have_value(FLOOR_WALKERS)
    expect(_did_it_work(page)).to_contain_text("Adoption rate rose")

    # Later, on her phone: she stops the Monday digest, then takes it back.
    phone = browser_of(page).new_context(
        base_url=live_server, viewport=WIDTHS[0], is_mobile=True, has_touch=True
    )
    try:
        _digest_on_a_phone(phone.new_page())
    finally:
        phone.close()


def _digest_on_a_phone(morgan: Page) -> None:
    morgan.set_default_timeout(10_000)
    log_in(morgan, MORGAN.email, MORGAN.password)
    heading(morgan, "Where is it stalling?")
    morgan.get_by_role("link", name="Account").click()
    heading(morgan, "Your account")
    digest = morgan.get_by_label(DEMO_ORGANIZATION)
    expect(digest).to_be_checked()  # the demo has opted her in
    digest.uncheck()
    morgan.get_by_role("button", name="Save digest choices").click()
    expect(morgan.get_by_text("You will not receive the digest.")).to_be_visible()
    expect(morgan.get_by_label(DEMO_ORGANIZATION)).not_to_be_checked()
    morgan.reload()  # stored, not just shown
    expect(morgan.get_by_label(DEMO_ORGANIZATION)).not_to_be_checked()
    morgan.get_by_label(DEMO_ORGANIZATION).check()
    morgan.get_by_role("button", name="Save digest choices").click()
    expect(morgan.get_by_text("You will receive the Monday digest.")).to_be_visible()
    expect(morgan.get_by_label(DEMO_ORGANIZATION)).to_be_checked()
    shoot(morgan, "effects", "05-digest-on-a-phone")  # at 375 px: nothing scrolls sideways
