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
from datetime import datetime
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
    assert "behind: 14 points short, and levelling off" in text
    assert "not on the current trend" not in text
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


PERIOD_OR_AS_OF = re.compile(
    r"^(As of \d+ \w+ \d{4}|Over the \d+ weeks to \d+ \w+ \d{4}|In the week of \d+ \w+ \d{4}"
    r"|In the pulse of [^,]+), [^:]*\d+ (people|person|leaders?|staff|answers?|teams?|actions?)"
)
JARGON = ("p=", "p =", "Mann", "Sen ", "Sen)", "Theil", "alpha", "ρ", "/5", "(n=")


def test_findings_in_plain_words_with_period_and_n(app, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    """The executive reads the period and the n of every finding, and no statistics jargon."""
    initiative = _demo()
    found = diagnose(initiative)
    for finding in found.findings_for(True):
        assert PERIOD_OR_AS_OF.match(finding.executive), finding.executive
        assert not [word for word in JARGON if word in finding.executive], finding.executive
        assert (finding.period is None) != (finding.as_of is None), finding.kind
    stall, gap, hotspot = found.top
    assert stall.executive.startswith(f"As of {found.today.day} ")
    assert "rated by 2 leaders and 130 staff" in stall.basis
    assert "1 of 5 pieces of evidence in place" in stall.executive
    assert "1 of 5 evidence items ticked" in stall.evidence  # the exact wording stays
    assert hotspot.basis.startswith("Over the 26 weeks to 16 Nov 2026, ")

    base = f"/initiatives/{initiative.id}/dashboard"
    _login(client, "executive")
    summary = _text(client.get(f"{base}/summary"))
    dashboard = _text(client.get(base))
    for page in (summary, dashboard):
        assert not [word for word in ("p=", "Mann", "Theil", "Sen slope", "alpha") if word in page]
        assert "target reached: not on the current trend" not in page
        assert "As of " in page and "Over the 26 weeks to 16 Nov 2026" in page
        # a projected or expected date is never on or before the page's "as of" date
        for match in re.finditer(r"(?:projected|expected)[^.;]*?(\d{1,2} \w{3} \d{4})", page):
            shown = datetime.strptime(match.group(1), "%d %b %Y").date()
            assert shown > found.today, match.group()
    assert "behind: 14 points short" in summary and "rising steadily over the last 12" in summary
    rows = list(csv.DictReader(io.StringIO(client.get(f"{base}/findings.csv").get_data(True))))
    assert all(row["basis"] and (row["period_from"] or row["as_of"]) for row in rows)
    assert "(n=" not in rows[0]["evidence"] and "pieces of evidence" in rows[0]["evidence"]

    client.post("/logout")
    _login(client, "consultant")
    consultant = _text(client.get(f"{base}/consultant"))
    assert "Mann–Kendall" in consultant and "Theil–Sen" in consultant and "alpha" in consultant
    assert "1 of 5 evidence items ticked; rated by leaders 2.0/5 (n=2)" in consultant
    assert "Based on:</strong> As of " in consultant
    exported = client.get(f"{base}/findings.csv").get_data(as_text=True)
    assert "(n=2)" in exported and "mann_kendall" not in exported
    workbook = load_workbook(io.BytesIO(client.get(f"{base}/findings.xlsx").data))
    assert "mann_kendall_p" in [c.value for c in workbook["Adoption"][3]]


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


# --- the executive's five minutes: landing, badges, charts ------------------------------------


def test_an_executive_lands_on_the_dashboard_after_login_and_after_an_invitation(
    client: FlaskClient,
) -> None:
    from app.services import accounts
    from models import Role
    from tests.builders.people import PASSWORD

    org = builders.make_organization()
    initiative = builders.make_initiative(org)
    executive = builders.make_user(organization=org, role=Role.EXECUTIVE)
    consultant = builders.make_user(organization=org, role=Role.CONSULTANT)
    db.session.commit()
    dashboard = f"/initiatives/{initiative.id}/dashboard"

    response = client.post("/login", data={"email": executive.email, "password": PASSWORD})
    assert response.headers["Location"] == dashboard
    assert client.get("/").headers["Location"] == dashboard
    assert "Where is it stalling?" in _text(client.get(dashboard))
    client.post("/logout")

    builders.login(client, consultant)  # consultants keep the list of organisations
    assert client.get("/").status_code == 200
    _, token = accounts.create_invitation(
        org, "new.exec@example.example", Role.EXECUTIVE, consultant
    )
    db.session.commit()
    client.post("/logout")
    response = client.post(
        f"/invite/{token}",
        data={"name": "New Exec", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.headers["Location"] == dashboard

    builders.make_initiative(org)  # two initiatives: a choice, so the organisation page
    db.session.commit()
    client.post("/logout")
    builders.login(client, executive)
    assert client.get("/").status_code == 200


def test_badges_say_how_far_which_way_and_on_how_many_weeks() -> None:
    from insights.adoption.badges import target_badge

    assert target_badge(84.4, 85, unit="%", trend="rising", weeks=12).text == (
        "0.6 points below target, rising (12 weeks)"
    )
    assert target_badge(83.4, 85, unit="%", trend="plateau", weeks=8).text == (
        "1.6 points below target, flat (8 weeks)"
    )
    assert target_badge(3.5, 2.0, higher_is_better=False, unit="days", trend="declining").text == (
        "1.5 days above target, falling"
    )
    assert target_badge(85.0, 85, unit="%").text == "on target"
    assert target_badge(85.0, 85, unit="%").tone == "ok"
    assert target_badge(None, 85, unit="%").text == "no data yet"
    assert target_badge(40.0, None, unit="%").text == "no target set"


def test_charts_emphasise_the_whole_initiative_and_start_where_the_scale_starts() -> None:
    from datetime import date

    from app.charts import TEAM_PALETTE, WHOLE_COLOR, chart_data, metric_series_chart, wrap_label

    weeks = [date(2026, 10, day).isoformat() for day in (5, 12, 19)]
    lines = [("Whole initiative", weeks, [50.0, 55.0, 60.0])]
    lines += [(f"Team {n}", weeks, [40.0 + n, 45.0, 50.0]) for n in range(8)]
    data = chart_data(metric_series_chart(lines, unit="%", target=80))
    traces = data["data"]
    whole, *teams, target = traces
    assert whole["line"]["color"] == WHOLE_COLOR and whole["line"]["width"] >= 2 * max(
        t["line"]["width"] for t in teams
    )
    assert len(teams) == 6, "at most six team lines"
    assert len({t["line"]["color"] for t in teams}) == 6 == len(set(TEAM_PALETTE))
    assert target["name"].startswith("Target 80")
    assert data["layout"]["yaxis"]["range"] == [0, 100]
    assert data["layout"]["legend"]["orientation"] == "h"

    assert wrap_label("Communicating the vision", 16) == "Communicating<br>the vision"
    assert wrap_label("Urgency", 16) == "Urgency"
    assert "<br>" in wrap_label("Resistance: fear of losing relationships", 16)
    assert all(
        len(part) <= 16
        for part in wrap_label("Resistance: fear of losing relationships", 16).split("<br>")
    )


def test_dashboard_charts_on_the_demo_read_on_their_scales(app) -> None:  # type: ignore[no-untyped-def]
    initiative = _demo()
    from app.dashboard.charts import dashboard_charts

    charts = dashboard_charts(diagnose(initiative))
    gaps = json.loads(charts.gaps or "{}")
    assert gaps["layout"]["yaxis"]["range"][0] == 1, "a 1-5 rating starts at 1"
    heat = json.loads(charts.heatmap or "{}")
    assert all(len(part) <= 16 for label in heat["data"][0]["x"] for part in label.split("<br>")), (
        "column labels fit, in whole words"
    )
    adoption = json.loads(charts.adoption or "{}")
    assert len(adoption["data"]) <= 1 + 6 + 1

    client = app.test_client()
    _login(client, "executive")
    page = _text(client.get(f"/initiatives/{initiative.id}/dashboard"))
    assert re.search(r"\d+\.\d points below target, (rising|flat|falling) \(\d+ weeks\)", page)
    catalogue = _text(client.get(f"/initiatives/{initiative.id}/metrics"))
    assert "Short of target" not in catalogue
    assert re.search(r"\d+\.\d points (below|above) target", catalogue)
