"""The kick-off workshop: leaders rate the steps on their phones, the projector follows live."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from app.workshop.forms import SCALE_LABELS
from insights.kotter import STEPS_BY_KEY
from models import AssessmentRating, AssessmentRound, Role, db
from tests import builders
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
# Two leaders who agree on urgency and are three points apart on the vision.
VOTES = {
    "Tom (Sales)": {"urgency": 4, "vision": 2, "wins": 3},
    "Aisha (Service)": {"urgency": 5, "vision": 5},
}


def _seed(live_app: Flask) -> tuple[int, str]:
    with live_app.app_context():
        organization = builders.make_organization("Northwind Test")
        initiative = builders.make_initiative(organization, name="Customer 360")
        consultant = builders.make_user(
            "dana@northwind.example",
            name="Dana Okafor",
            organization=organization,
            role=Role.CONSULTANT,
        )
        db.session.commit()
        return initiative.id, consultant.email


def _join_and_vote(chromium, live_server: str, code: str, name: str, votes: dict[str, int]):  # type: ignore[no-untyped-def]
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    phone.goto(f"/join?code={code}")  # what the QR code opens
    expect(phone.get_by_label("Code on the screen")).to_have_value(code)
    phone.get_by_label("Your name").fill(name)
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Kick-off workshop")
    for key, score in votes.items():
        question = phone.get_by_role("group", name=re.compile(STEPS_BY_KEY[key].name))
        question.get_by_label(f"{score} {SCALE_LABELS[score]}", exact=True).check()
    phone.get_by_role("button", name="Save my ratings").click()
    expect(phone.get_by_text("your ratings are saved")).to_be_visible()
    first, score = next(iter(votes.items()))
    expect(
        phone.get_by_role("group", name=re.compile(STEPS_BY_KEY[first].name)).get_by_label(
            f"{score} {SCALE_LABELS[score]}", exact=True
        )
    ).to_be_checked()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "workshop_phone_vote.png"), full_page=True)
    return context, phone


def test_a_live_workshop_from_start_to_saved_round(  # type: ignore[no-untyped-def]
    live_app: Flask, live_server: str, chromium, page
) -> None:
    initiative_id, email = _seed(live_app)

    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(builders.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/initiatives/{initiative_id}/workshops")
    page.get_by_label("Title").fill("Kick-off workshop")
    page.get_by_role("button", name="Start a live workshop").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kick-off workshop")
    code = page.locator('[data-field="code"]').inner_text()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", code)
    expect(page.locator('[data-field="join-url"]')).to_have_text(f"{live_server}/join?code={code}")
    expect(page.locator(".ws-qr svg")).to_be_visible()
    expect(page.locator('[data-field="participants"]')).to_have_text("0")
    page.evaluate("window.stillTheSamePage = true")

    phones = [
        _join_and_vote(chromium, live_server, code, name, votes) for name, votes in VOTES.items()
    ]

    # The projector follows without a reload.
    urgency = page.locator('[data-step="urgency"]')
    vision = page.locator('[data-step="vision"]')
    expect(page.locator('[data-field="participants"]')).to_have_text("2", timeout=10_000)
    expect(urgency.locator('[data-field="n"]')).to_have_text("2", timeout=10_000)
    expect(urgency.locator('[data-field="mean"]')).to_have_text("4.5")
    expect(urgency.locator('[data-count="4"]')).to_have_text("1")
    expect(urgency.locator('[data-count="5"]')).to_have_text("1")
    expect(urgency.locator('[data-field="disagreement"]')).to_be_hidden()
    expect(vision.locator('[data-field="n"]')).to_have_text("2", timeout=10_000)
    expect(vision.locator('[data-field="disagreement"]')).to_be_visible()
    expect(vision.locator('[data-field="spread"]')).to_have_text("3")
    expect(page.locator('[data-step="wins"] [data-field="n"]')).to_have_text("1")
    assert page.evaluate("window.stillTheSamePage") is True
    for name in VOTES:
        expect(page.get_by_text(name)).to_have_count(0)
    page.wait_for_timeout(500)  # let the bars finish growing
    page.screenshot(path=str(ARTIFACTS / "workshop_facilitator_live.png"), full_page=True)

    page.get_by_role("button", name="Close and save as assessment round").click()
    expect(page).to_have_url(re.compile(rf"/initiatives/{initiative_id}/steps$"))
    expect(page.get_by_text("Saved as assessment round “Kick-off workshop”")).to_be_visible()
    # The step tracker now shows the workshop as the latest round, with each step's mean.
    ratings = page.get_by_role("region", name="Leaders’ ratings")
    expect(ratings.get_by_role("link", name="Kick-off workshop")).to_be_visible()
    expect(page.locator("#step-urgency")).to_contain_text("4.5 of 5")
    expect(page.locator("#step-urgency")).to_contain_text("n = 2")
    expect(page.locator("#step-vision")).to_contain_text("3.5 of 5")
    expect(page.locator("#step-wins")).to_contain_text("3.0 of 5")
    expect(page.locator("#step-anchor")).to_contain_text("not rated yet")

    with live_app.app_context():
        assessment = db.session.scalar(select(AssessmentRound))
        assert assessment is not None and assessment.source == "workshop"
        assert assessment.name == "Kick-off workshop"
        saved = {
            (rating.rater_name, rating.stage_key): rating.score
            for rating in db.session.scalars(select(AssessmentRating))
        }
        db.session.remove()
    assert saved == {
        (name, key): score for name, votes in VOTES.items() for key, score in votes.items()
    }

    context, phone = phones[0]
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "This workshop has ended. Thank you!"
    )
    for context, _ in phones:
        context.close()
