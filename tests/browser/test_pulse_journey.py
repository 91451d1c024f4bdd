"""A staff member answers the pulse on a phone, through the QR code on the team board."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from app.services import surveys
from app.services.surveys import Schedule
from models import Response, ResponseTally, db
from models.base import utcnow
from survey.instruments import AGREE5_LABELS, RECOMMEND10, STARTER_PULSE
from tests import builders
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_journeys import shoot

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
# Fingers need about 44 CSS pixels (WCAG 2.5.5 / platform guidelines).
SMALLEST_TAP = 44


def _seed(live_app: Flask) -> tuple[str, list[tuple[str, str]]]:
    """An open campaign of the starter pulse for one team; its team link and its statements."""
    with live_app.app_context():
        organization = builders.make_organization("Northwind Test")
        initiative = builders.make_initiative(organization, name="Customer 360")
        team = builders.make_team(organization, "Claims")
        survey = surveys.create_survey(initiative, "CRM pulse", "", list(STARTER_PULSE))
        today = utcnow().date()
        surveys.schedule_campaign(survey, Schedule(today, today, [team.id]), utcnow())
        code = surveys.team_links(survey.id, [team.id])[team.id].code
        statements = [
            (item.text, item.scale)
            for item in surveys.scored_items(surveys.latest_version(survey.id))
        ]
        db.session.commit()
        return code, statements


def test_a_pulse_answered_on_a_phone_through_the_team_link(  # type: ignore[no-untyped-def]
    live_app: Flask, live_server: str, chromium
) -> None:
    code, statements = _seed(live_app)
    total = len(statements)
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server, is_mobile=True, has_touch=True
    )
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server) else route.abort()
        ),
    )
    phone = context.new_page()
    console_errors: list[str] = []
    phone.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    phone.goto(f"/p/{code}")  # what the QR code opens
    expect(phone.get_by_role("heading", level=1)).to_have_text("CRM pulse")
    expect(phone.get_by_text("Northwind Test · Customer 360")).to_be_visible()
    expect(phone.get_by_text("at least 5 people", exact=False)).to_be_visible()
    expect(phone.get_by_text(f"About 2 minutes: {total} statements", exact=False)).to_be_visible()
    expect(phone.get_by_text(f"0 of {total} answered")).to_be_visible()
    scripts = phone.evaluate("Array.from(document.scripts).map(s => s.src)")
    assert not [src for src in scripts if "plotly" in src.lower()]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "staff", "01-pulse-opened")
    choice = phone.locator(".pulse-choice").first.bounding_box()
    assert choice is not None and choice["height"] >= SMALLEST_TAP

    questions = phone.locator("fieldset[data-item]")
    expect(questions).to_have_count(total)
    # The first answer, then a send too early: the form comes back with it kept.
    questions.nth(0).get_by_label(AGREE5_LABELS[4], exact=True).check()
    expect(phone.get_by_text(f"1 of {total} answered")).to_be_visible()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("alert")).to_contain_text("Statement 2: choose an answer")
    expect(questions.nth(0).get_by_label(AGREE5_LABELS[4], exact=True)).to_be_checked()
    expect(phone.get_by_text(f"1 of {total} answered")).to_be_visible()

    for number, (_, scale) in enumerate(statements[1:], start=1):
        question = questions.nth(number)
        if scale == RECOMMEND10:
            question.get_by_label("8", exact=True).check()
        else:
            question.get_by_label(AGREE5_LABELS[(number % 5) + 1], exact=True).check()
    expect(phone.get_by_text(f"{total} of {total} answered")).to_be_visible()
    phone.get_by_label(re.compile("anything else")).fill("Please keep the old phone list.")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "pulse_phone_answering.png"), full_page=True)
    shoot(phone, "staff", "02-answered")
    phone.get_by_role("button", name="Send my answers").click()

    expect(phone).to_have_url(re.compile(rf"/p/{re.escape(code)}/thanks$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you — your answers are in")
    expect(phone.get_by_role("heading", name="You said, we did")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(ARTIFACTS / "pulse_phone_thanks.png"), full_page=True)
    shoot(phone, "staff", "03-thank-you")
    context.close()

    assert not [url for url in requested if "plotly" in url.lower()]
    assert all(url.startswith(live_server) for url in requested)
    # The early send came back as 422 on purpose; Chromium logs any 4xx page load.
    assert not [message for message in console_errors if "status of 422" not in message]
    with live_app.app_context():
        assert db.session.scalar(select(ResponseTally.responses)) == 1
        stored = db.session.scalars(select(Response)).one()
        assert stored.comment == "Please keep the old phone list."
