"""The executive's five minutes on a phone (375 px) and a laptop (1280 px), on the demo.

Top-down in the order of the executive's questions: where is it stalling, the top
findings, adoption against target; nothing wider than the screen, no step name
broken mid-word, step cards of one height, no chart toolbar over a plot on a phone.
"""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect

from app.demo import DEMO_LOGINS, seed_demo
from models import db
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

SIZES = {"phone": (375, 740), "laptop": (1280, 800)}

LAYOUT = """() => {
  const top = (sel) => document.querySelector(sel).getBoundingClientRect().top + window.scrollY;
  const names = [...document.querySelectorAll('.dash-stair .dash-name')];
  const cards = [...document.querySelectorAll('.dash-stair a')]
    .map((a) => a.getBoundingClientRect().height);
  const legends = [...document.querySelectorAll('[data-chart] .legend .scrollbar')]
    .filter((bar) => bar.getBoundingClientRect().height > 0);
  return {
    order: ['#headline-heading', '#top-heading', '#adoption-heading', '#steps-heading'].map(top),
    adoptionTop: document.querySelector('.dash-glance').getBoundingClientRect().bottom,
    exportTop: top('.dash-export'),
    overdueTop: top('#overdue'),
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    broken: names.filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent),
    heights: cards,
    legendScrollbars: legends.length,
    modebars: document.querySelectorAll('.modebar-container .modebar').length,
  };
}"""


@pytest.mark.parametrize("size", list(SIZES))
def test_the_dashboard_reads_in_the_order_of_the_questions(  # type: ignore[no-untyped-def]
    live_app: Flask, page, size: str
) -> None:
    with live_app.app_context():
        seed_demo()
        db.session.commit()
    executive = next(login for login in DEMO_LOGINS if login.role == "executive")
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})

    page.goto("/login")
    page.get_by_label("Email").fill(executive.email)
    page.get_by_label("Password").fill(executive.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where is it stalling?")
    expect(page.locator('[data-chart][data-drawn="true"]')).to_have_count(5, timeout=15_000)

    found = page.evaluate(LAYOUT)
    stall, findings, adoption, steps = found["order"]
    assert stall < findings < adoption < steps, found["order"]
    assert found["scroll"] <= found["inner"], "no horizontal scrollbar"
    assert found["broken"] == [], "step names are never cut inside a word"
    assert max(found["heights"]) - min(found["heights"]) < 1, found["heights"]
    assert found["legendScrollbars"] == 0, "no legend needs its own scrollbar"
    if size == "phone":
        assert found["modebars"] == 0, "no chart toolbar over a plot on a phone"
        assert found["exportTop"] > found["overdueTop"], "the export menu comes after the content"
    else:
        assert found["adoptionTop"] <= height, "adoption against target above the fold"
        assert found["exportTop"] < stall

    menu = page.locator("details.dash-export")
    menu.locator("summary").click()
    expect(menu.get_by_role("link", name="Findings (CSV)")).to_be_visible()
    table = page.locator("table.dash-heat-table")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth") or size == "phone"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{size}-{width}.png"), full_page=True)
