"""The workshop's projector screen: the whole room reads it on a 1920×1080 projector."""

from __future__ import annotations

import pytest
from flask import Flask

from app.services import workshops
from models import Role, db
from tests import builders
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
# Three leaders, far apart on two steps, so bars and "Leaders disagree" marks take their room.
VOTES = {
    "Tom (Sales)": {"urgency": 4, "coalition": 5, "vision": 1, "wins": 3, "anchor": 2},
    "Aisha (Service)": {"urgency": 5, "coalition": 4, "vision": 5, "wins": 1, "anchor": 2},
    "Lee (IT)": {"urgency": 3, "communicate": 2, "empower": 4, "consolidate": 3},
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
        session = workshops.start_session(initiative, consultant, "Leadership kick-off")
        for name, votes in VOTES.items():
            participant, _ = workshops.join(session, name)
            workshops.save_votes(participant, session, votes)
        return session.id, consultant.email


def test_the_projector_screen_fits_1920_by_1080_with_a_readable_join_link(  # type: ignore[no-untyped-def]
    live_app: Flask, chromium, live_server: str
) -> None:
    session_id, email = _seed(live_app)
    context = chromium.new_context(viewport=PROJECTOR, base_url=live_server)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(builders.PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/")
        page.goto(f"/workshops/{session_id}")
        page.wait_for_load_state("networkidle")

        # Nothing to scroll, down or across.
        size = page.evaluate(
            "({h: document.documentElement.scrollHeight, w: document.documentElement.scrollWidth})"
        )
        assert size["h"] <= PROJECTOR["height"], f"the page is {size['h']} px tall"
        assert size["w"] <= PROJECTOR["width"]

        # All eight steps, whole, on screen; the screen is used, not a 60 % column.
        boxes = [step.bounding_box() for step in page.locator(".ws-step").all()]
        assert len(boxes) == 8
        for box in boxes:
            assert box is not None
            assert box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"]
            assert box["x"] >= 0 and box["x"] + box["width"] <= PROJECTOR["width"]
        screen = page.locator(".ws-screen").bounding_box()
        assert screen is not None and screen["width"] >= 0.9 * PROJECTOR["width"]

        # The join link under the QR code, large enough to read from the back of the room.
        link = page.locator("[data-field=join-url]")
        assert link.is_visible()
        assert link.inner_text().endswith(
            f"/join?code={page.locator('[data-field=code]').inner_text()}"
        )
        font = float(link.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        assert font >= 24, f"the join link is {font} px"
        qr = page.locator(".ws-qr").bounding_box()
        below = link.bounding_box()
        assert qr is not None and below is not None and below["y"] >= qr["y"] + qr["height"]
        assert below["y"] + below["height"] <= PROJECTOR["height"]
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "workshop_projector_1920.png"))
        context.close()
