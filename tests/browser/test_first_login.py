"""A newcomer logs in with the printed demo account and reaches the initiative."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect

from app.demo import DEMO_LOGINS, seed_demo
from models import db

pytestmark = pytest.mark.browser


def test_demo_consultant_logs_in_and_reaches_the_initiative(live_app: Flask, page) -> None:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        seed_demo()
        db.session.commit()
    consultant = next(login for login in DEMO_LOGINS if login.role == "consultant")

    page.goto("/")
    assert "/login" in page.url
    page.get_by_label("Email").fill(consultant.email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("do not match an account")).to_be_visible()

    page.get_by_label("Password").fill(consultant.password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Northwind Mutual").click()
    page.get_by_role("link", name="Customer 360 CRM rollout").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer 360 CRM rollout")
    expect(page.get_by_text("175", exact=True)).to_be_visible()


def test_login_page_fits_a_phone(live_server: str, chromium) -> None:  # type: ignore[no-untyped-def]
    context = chromium.new_context(viewport={"width": 375, "height": 740}, base_url=live_server)
    page = context.new_page()
    page.goto("/login")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 375, "no horizontal scrolling on a 375-px phone"
