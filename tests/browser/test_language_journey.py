"""A sales rep in Lyon answers the pulse in French on a phone; the consultant's results
count those answers together with the English ones of the Leeds service desk."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.services.responses import record_response
from models import Campaign, Response, Role, Survey, db
from survey.instruments import AGREE5_LABELS, ITEMS_BY_KEY, RECOMMEND10
from survey.library_text import MODULES
from tests import builders
from tests.browser.crawl import log_in
from tests.browser.test_journeys import shoot
from tests.i18n.sources import ROOT

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
CONSULTANT = "consultant@lyon-leeds.test"


def french(message: str) -> str:
    with (ROOT / "translations/fr/LC_MESSAGES/messages.po").open("rb") as po:
        translated = read_po(po, locale="fr")[message].string
    assert isinstance(translated, str) and translated, message
    return translated


def _seed(live_app: Flask) -> tuple[int, int, str]:
    """Two teams asked in one open campaign; four French and five English answers in."""
    with live_app.app_context():
        organization = builders.make_organization("Northwind Europe")
        initiative = builders.make_initiative(organization, name="One CRM")
        builders.make_user(
            CONSULTANT, name="Casey Consultant", organization=organization, role=Role.CONSULTANT
        )
        lyon = builders.make_team(organization, "Ventes Lyon", headcount=8)
        leeds = builders.make_team(organization, "Leeds service", headcount=8)
        survey = builders.make_survey(initiative, title="CRM pulse")
        campaign = builders.make_campaign(survey, [lyon, leeds])
        statements = [item for item in campaign.version.items if item["scale"] != "text"]
        for language, team, agree in (("fr", lyon, 5), ("en", leeds, 3)):
            for _ in range(4 if language == "fr" else 5):
                answers = {
                    row["key"]: (8 if row["scale"] == RECOMMEND10 else agree) for row in statements
                }
                record_response(
                    campaign.id, team.id, answers, None, builders.DAY, language=language
                )
        db.session.commit()
        return survey.id, campaign.id, builders.team_code(survey, lyon)


def _answer_in_french(phone: Page, code: str) -> None:
    phone.goto(f"/p/{code}")
    expect(phone.locator("html")).to_have_attribute("lang", "fr")
    vision = MODULES["fr"].ITEMS["kotter_vision_1"]
    expect(phone.get_by_text(vision)).to_be_visible()
    expect(phone.get_by_text(ITEMS_BY_KEY["kotter_vision_1"].text)).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The switch: German for a moment (kept for this device), then back to French.
    switch = phone.get_by_role("navigation", name=re.compile("."))
    phone.get_by_role("link", name="Deutsch").click()
    expect(phone.locator("html")).to_have_attribute("lang", "de")
    phone.goto(f"/p/{code}")
    expect(phone.locator("html")).to_have_attribute("lang", "de")
    phone.get_by_role("link", name="Français").click()
    expect(phone.locator("html")).to_have_attribute("lang", "fr")
    expect(switch.first).to_be_visible()

    questions = phone.locator("fieldset[data-item]")
    for number in range(questions.count()):
        question = questions.nth(number)
        if question.locator("input[value='10']").count():
            question.get_by_label("8", exact=True).check()
        else:
            question.get_by_label(french(AGREE5_LABELS[5]), exact=True).check()
    shoot(phone, "staff", "04-pulse-in-french")
    phone.locator("form[data-pulse-form] button[type=submit]").click()
    expect(phone).to_have_url(re.compile(rf"/p/{re.escape(code)}/thanks$"))
    expect(phone.locator("html")).to_have_attribute("lang", "fr")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_pulse_answered_in_french_counts_with_the_english_answers(  # type: ignore[no-untyped-def]
    live_app: Flask, live_server: str, chromium, page: Page
) -> None:
    survey_id, campaign_id, code = _seed(live_app)
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server, is_mobile=True, has_touch=True, locale="fr-FR"
    )
    _answer_in_french(context.new_page(), code)
    context.close()

    with live_app.app_context():
        languages = db.session.scalars(select(Response.language)).all()
        assert sorted(languages) == ["en"] * 5 + ["fr"] * 5
        builders.publish(db.session.get_one(Campaign, campaign_id))
        title = db.session.get_one(Survey, survey_id).title

    log_in(page, CONSULTANT, builders.PASSWORD)
    page.goto(f"/surveys/{survey_id}/results")
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    facts = page.locator(".rs-facts")
    expect(facts).to_contain_text("10")
    # Vision: five French 5s and five English 3s are one item with a mean of 4.00.
    vision = page.locator("table.rs-dimensions tr", has_text="Vision")
    expect(vision.locator("td").first).to_have_text("4.00")
    by_language = page.get_by_role("region", name=re.compile("Responses by language"))
    expect(by_language).to_contain_text(re.compile(r"English 5 · Français 5"))
