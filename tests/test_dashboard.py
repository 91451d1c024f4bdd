"""The diagnosis pages on the demo: the story they tell, who sees them, and what they never show.

Seeding the demo takes most of each test's time, so each test below checks
one whole journey on one seeded demo rather than one fact.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any

from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import event, func, select

from app.demo import DEMO_LOGINS, seed_demo
from app.services.diagnosis import diagnose
from insights.drivers import DRIVER_MIN_TEAMS
from models import (
    Initiative,
    Metric,
    Observation,
    Organization,
    ResponseTally,
    Team,
    db,
)
from tests import builders

SMALL_TEAM = "Sales Operations"  # four people, three answers a campaign: never reported


def _demo() -> Initiative:
    seed_demo()
    db.session.commit()
    return db.session.scalars(
        select(Initiative).join(Organization).where(Organization.name == "Northwind Mutual")
    ).one()


def _login(client: FlaskClient, role: str) -> None:
    login = next(item for item in DEMO_LOGINS if item.role == role)
    response = client.post("/login", data={"email": login.email, "password": login.password})
    assert response.status_code == 302


def _text(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def _charts(page: str) -> list[dict[str, Any]]:
    return [json.loads(html.unescape(raw)) for raw in re.findall(r'data-chart="([^"]*)"', page)]


def test_the_demo_story(app) -> None:  # type: ignore[no-untyped-def]
    initiative = _demo()
    queries: list[str] = []
    listen = lambda *args: queries.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    found = diagnose(initiative)
    event.remove(db.engine, "before_cursor_execute", listen)

    assert found.stall_point == "empower"
    stall, gap, hotspot = found.top
    assert stall.kind == "stall" and stall.title.startswith("The rollout is stalling at step 5")
    assert gap.kind == "gap" and gap.step == "urgency"
    (urgency,) = [g for g in found.gaps if g.key == "urgency"]
    assert urgency.leaders == 4.5 and 2.4 <= urgency.staff <= 2.8
    assert f"Leaders rate urgency 4.5/5 (n=2), staff {urgency.staff:.1f}/5" in gap.evidence
    assert hotspot.kind == "hotspot" and hotspot.teams == ("Sales North",)
    assert hotspot.title.startswith("Adoption rate has levelled off in Sales North, short of 80%")
    assert "likeliest reason measured: staff fear the tool replaces their relationships" in (
        hotspot.evidence
    )
    assert hotspot.step == "vision" and "customer relationships" in hotspot.suggestion
    (north,) = [s for s in found.team_series("adoption_rate") if s.team == "Sales North"]
    assert north.target is not None and north.trend.label == "plateau"
    assert 0.4 <= north.latest / north.target <= 0.6
    assert found.adoption is not None and found.adoption.projected_on is None
    # Broker Partnerships is folded with it: Sales minus the others would give it away.
    assert found.hidden_teams == ("Broker Partnerships", SMALL_TEAM)
    assert SMALL_TEAM not in {s.team for s in found.series}
    assert SMALL_TEAM not in {t.name for t in found.teams}
    assert found.leadership is not None and found.leadership not in found.findings

    # No N+1: more teams and more weeks of figures cost no more queries.
    metric = db.session.scalars(select(Metric).where(Metric.key == "adoption_rate")).one()
    for number in range(3):
        team = builders.make_team(initiative.organization, f"Extra {number}", headcount=9)
        db.session.add_all(
            Observation(metric_id=metric.id, team_id=team.id, period=period, value=50.0 + number)
            for period in north.periods
        )
    db.session.commit()
    db.session.refresh(initiative)
    again: list[str] = []
    listen_again = lambda *args: again.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen_again)
    more = diagnose(initiative)
    event.remove(db.engine, "before_cursor_execute", listen_again)
    assert len(more.team_series("adoption_rate")) == len(found.team_series("adoption_rate")) + 3
    assert len(again) == len(queries) <= 30


def test_executive_and_consultant_views(app, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    initiative = _demo()
    base = f"/initiatives/{initiative.id}/dashboard"
    _login(client, "executive")

    page = client.get(f"/initiatives/{initiative.id}")
    assert f'href="{base}"' in page.get_data(as_text=True)
    response = client.get(base)
    assert response.status_code == 200
    text = _text(response)
    assert "Stalled at step 5: Empower broad-based action" in text
    titles = re.findall(r'<h3 id="finding-\d+-title">.*?</span> (.*?)</h3>', text)
    assert titles[0] == "The rollout is stalling at step 5: empower broad-based action"
    assert titles[1] == "Leaders rate urgency much higher than staff do"
    assert titles[2].startswith("Adoption rate has levelled off in Sales North")
    stalled = re.search(r'class="dash-stair dash-weak is-stalled".*?</li>', text)
    assert stalled is not None and "Stalls here" in stalled.group()
    health = diagnose(initiative).step("empower").health
    assert f'<span class="dash-health">{health:.0f}<span class="dash-of">/100' in stalled.group()
    # One verdict in plain words, never "not on the current trend" beside "too few weeks".
    assert "levelling off below the target" in text and "not on the current trend" not in text
    # "Create an action" opens the step's action form with the suggestion as its title
    assert re.search(
        rf"/initiatives/{initiative.id}/steps/empower\?action=Log\+the\+obstacles\+staff\+raise[^\"]*"
        r"#add-action-heading",
        text,
    )
    assert len(_charts(response.get_data(as_text=True))) == 5
    assert "weakest practice" not in text  # the 360 team view is the consultants'

    assert client.get(f"{base}/consultant").status_code == 403
    summary = _text(client.get(f"{base}/summary"))
    assert "Stalled at step 5, empower broad-based action" in summary
    assert "data-print" in summary and "plotly" not in summary

    client.post("/logout")
    _login(client, "consultant")
    consultant = _text(client.get(f"{base}/consultant"))
    assert "Every finding, with its evidence" in consultant
    assert "Drivers: which pulse dimensions move with adoption" in consultant
    assert (
        "Cronbach’s alpha" in consultant and "The leadership team’s weakest practice" in consultant
    )
    assert (
        f"No driver can be named yet: not enough teams: 6 of the {DRIVER_MIN_TEAMS} needed"
        in consultant
    )

    client.post("/logout")
    outsider = builders.make_user(
        "someone@globex.example", organization=builders.make_organization()
    )
    db.session.commit()
    builders.login(client, outsider)
    for suffix in ("", "/consultant", "/summary", "/findings.csv", "/findings.xlsx"):
        assert client.get(base + suffix).status_code == 404


def _numbers_for(team: str, spec: dict[str, Any]) -> list[Any]:
    """Every number a chart's data attaches to ``team`` (a trace, a bar or a heatmap row)."""
    found: list[Any] = []
    for trace in spec["data"]:
        if team in str(trace.get("name", "")):
            found += [v for v in trace.get("y", []) if v is not None]
        if trace.get("type") == "heatmap":
            for label, row, texts in zip(trace["y"], trace["z"], trace["text"], strict=True):
                if team in label:
                    found += [v for v in row if v is not None]
                    found += [t for t in texts if re.fullmatch(r"\d+(\.\d+)?", t)]
        for axis in ("x", "y"):
            values = trace.get(axis) or []
            if trace.get("type") == "bar" and any(team in str(v) for v in values):
                found.append(trace)
    return found


def test_anonymity_holds_in_every_chart_and_export(app, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    initiative = _demo()
    small = db.session.scalars(select(Team).where(Team.name == SMALL_TEAM)).one()
    largest = db.session.scalar(
        select(func.max(ResponseTally.responses)).where(ResponseTally.team_id == small.id)
    )
    assert largest is not None and largest < 5  # the demo keeps it under the threshold
    base = f"/initiatives/{initiative.id}/dashboard"
    _login(client, "consultant")

    specs = _charts(client.get(base).get_data(as_text=True))
    specs += _charts(client.get(f"{base}/consultant").get_data(as_text=True))
    assert len(specs) == 10
    for spec in specs:
        assert _numbers_for(SMALL_TEAM, spec) == []
    heatmap = next(s for s in specs if s["data"][0]["type"] == "heatmap")["data"][0]
    assert any(SMALL_TEAM in label for label in heatmap["y"])  # shown, as a blank labelled row

    exported = client.get(f"{base}/findings.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [row["kind"] for row in rows[:3]] == ["stall", "gap", "hotspot"]
    assert rows[2]["teams"] == "Sales North"
    assert SMALL_TEAM not in exported.get_data(as_text=True)

    workbook = load_workbook(io.BytesIO(client.get(f"{base}/findings.xlsx").data))
    assert workbook.sheetnames == ["Findings", "Steps", "Adoption"]
    cells = [str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row]
    assert SMALL_TEAM not in " ".join(cells)
    titles = [row[5] for row in workbook["Findings"].iter_rows(min_row=4, values_only=True)]
    assert titles == [row["title"] for row in rows]


def test_nothing_to_diagnose_yet(app, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    """A new initiative: empty states that say what to do first, and no chart to draw."""
    organization = builders.make_organization()
    initiative = builders.make_initiative(organization)
    consultant = builders.make_user(organization=organization, role="consultant")
    db.session.commit()
    builders.login(client, consultant)
    page = client.get(f"/initiatives/{initiative.id}/dashboard/consultant")
    assert page.status_code == 200
    text = _text(page)
    assert "No step is holding the rollout back yet" in text
    assert "Import the CRM’s login history" in text
    assert _charts(page.get_data(as_text=True)) == []
