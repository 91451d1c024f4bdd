"""Real CRM exports (Salesforce, Dynamics 365, HubSpot) import with no change to the mapping.

Each sample in tests/data/crm/ holds the same two weeks: failed logins (or deleted
records), a deactivated user who still worked, a user without a team and, with
the Service team's headcount at 2, more active users than people in the team.
Week 1: Ana, Fay (Sales), Cat, Dan, Eve (Service) and Gus (no team) are active;
Bob's only rows are failed logins (Dynamics: a login without a record change).
Week 2: Ana, Bob (Sales) and Dan (Service); Cat's only row fails (Dynamics: a delete).
"""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from models import Metric, Observation, Team, db
from tests import builders
from tests.builders import login
from tests.conftest import World

DATA = Path(__file__).parent / "data" / "crm"
W1, W2 = date(2026, 6, 1), date(2026, 6, 8)
# Licensed seats 120; Sales 4 people; Service 4 once its headcount is corrected.
ADOPTION = {
    (None, W1): 5.0, ("Sales", W1): 50.0, ("Service", W1): 75.0,
    (None, W2): 2.5, ("Sales", W2): 50.0, ("Service", W2): 25.0,
}  # fmt: skip
SHAPES = {
    "salesforce": ("salesforce_login_history.csv", "salesforce_users.csv"),
    "dynamics": ("dynamics_audit.csv", "dynamics_users.csv"),
    "hubspot": ("hubspot_login_history.csv", "hubspot_users.csv"),
}
RECOGNISED = {
    "salesforce": "Salesforce login history (LoginHistory)",
    "dynamics": "Dynamics 365 audit history",
    "hubspot": "HubSpot login history",
}


class FormValues(HTMLParser):
    """What a browser would submit from the page's mapping form, as it is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "mapping-form" in a.get("class", ""):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.values.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def shown_form(page: str) -> list[tuple[str, str]]:
    parser = FormValues()
    parser.feed(page)
    return parser.values


def text(response: object) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))  # type: ignore[attr-defined]


@pytest.fixture
def consultant(client: FlaskClient, world: World, app: object, tmp_path: Path) -> FlaskClient:
    app.config["STEPWISE_IMPORTS_DIR"] = str(tmp_path / "imports")  # type: ignore[attr-defined]
    builders.make_team(world.organization, "Sales", headcount=4)
    builders.make_team(world.organization, "Service", headcount=2)
    db.session.commit()
    login(client, world.consultant)
    return client


def base(world: World) -> str:
    return f"/initiatives/{world.initiative.id}/metrics"


def upload(client: FlaskClient, world: World, shape: str, on_conflict: str = "reject") -> str:
    log, users = SHAPES[shape]
    response = client.post(
        f"{base(world)}/import",
        data={
            "kind": "activity_log",
            "file": (io.BytesIO((DATA / log).read_bytes()), log),
            "users_file": (io.BytesIO((DATA / users).read_bytes()), users),
            "date_format": "iso",
            "on_conflict": on_conflict,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text(response)[:2000]
    location: str = response.headers["Location"]
    assert location.endswith("/map")
    return location


def map_unchanged(client: FlaskClient, location: str, shape: str) -> str:
    """Open the mapping step and submit it exactly as shown; returns the preview's URL."""
    page = client.get(location).get_data(as_text=True)
    assert f"Recognised: <strong>{RECOGNISED[shape]}</strong>" in page
    response = client.post(location, data=MultiDict(shown_form(page)))
    assert response.status_code == 302, text(response)[:3000]
    preview: str = response.headers["Location"]
    return preview


def stored(world: World) -> dict[tuple[str, str | None, date], float]:
    rows = db.session.execute(
        select(Metric.key, Team.name, Observation.period, Observation.value)
        .join(Metric, Metric.id == Observation.metric_id)
        .outerjoin(Team, Team.id == Observation.team_id)
        .where(Metric.initiative_id == world.initiative.id)
    )
    return {(key, team, period): value for key, team, period, value in rows}


def set_headcount(world: World, name: str, headcount: int) -> None:
    team = db.session.scalar(
        select(Team).where(Team.organization_id == world.organization.id, Team.name == name)
    )
    assert team is not None
    team.headcount = headcount
    db.session.commit()


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_crm_export_imports_with_no_change_to_the_mapping(
    consultant: FlaskClient, world: World, shape: str
) -> None:
    preview_url = map_unchanged(consultant, upload(consultant, world, shape), shape)

    # More active people than the team's headcount: refused, naming the team and the week.
    refused = text(consultant.get(preview_url))
    assert "Nothing can be imported yet" in refused
    assert (
        "Week of 2026-06-01, team Service: 3 active users but a headcount of 2 — "
        "adoption 150% is impossible." in refused
    )
    assert "/confirm" not in refused
    assert "target reached" not in refused.casefold()

    set_headcount(world, "Service", 4)  # the team really has four people
    preview = text(consultant.get(preview_url))
    assert "Nothing is saved yet." in preview
    assert "1 person has no team" in preview  # Gus
    assert "deactivated in the user list yet active in the log" in preview  # Fay
    assert stored(world) == {}

    token = preview_url.rstrip("/").split("/")[-2]
    response = consultant.post(f"{base(world)}/import/{token}/confirm")
    assert response.status_code == 302, text(response)[:2000]
    values = stored(world)
    adoption = {
        (team, week): v for (key, team, week), v in values.items() if key == "adoption_rate"
    }
    assert adoption == ADOPTION  # failed logins (Bob, week 1; Cat, week 2) left out
    if shape == "dynamics":  # an audit log has record changes: all four are measured
        assert values[("records_per_active_user", None, W1)] == 1.0  # the delete left out
        assert values[("logins_per_active_user", None, W1)] == round(1 / 6, 2)
    else:  # login-only: records per active user cannot be measured, so it is never stored
        assert not any(key == "records_per_active_user" for key, _, _ in values)
        assert values[("logins_per_active_user", "Sales", W2)] == 1.5  # Ana twice, Bob once


def test_the_mapping_step_says_what_a_login_only_export_cannot_measure(
    consultant: FlaskClient, world: World
) -> None:
    location = upload(consultant, world, "salesforce")
    page = consultant.get(location).get_data(as_text=True)
    form = dict(shown_form(page))
    assert (form["user_column"], form["timestamp_column"]) == ("UserId", "LoginTime")
    assert (form["users_user_column"], form["users_team_column"]) == ("Id", "Department")
    assert form["event_column"] == ""  # LoginType never says "Login": every row is a login
    assert (form["status_column"], form["counted_statuses"]) == ("Status", "Success")
    assert form["active_on"] == "any"
    ticked = [value for name, value in shown_form(page) if name == "metrics"]
    assert ticked == ["adoption_rate", "stickiness", "logins_per_active_user"]

    set_headcount(world, "Service", 4)
    preview = text(consultant.get(map_unchanged(consultant, location, "salesforce")))
    assert "A person is active in a week when they made logins in it" in preview
    assert "Records created or updated per active user: the file holds no record changes" in preview


def test_replacing_with_a_login_only_export_keeps_the_record_figures(
    consultant: FlaskClient, world: World
) -> None:
    set_headcount(world, "Service", 4)
    records = "date,team,metric,value\n2026-06-01,,records_per_active_user,14\n"
    response = consultant.post(
        f"{base(world)}/import",
        data={"kind": "tidy", "file": (io.BytesIO(records.encode()), "records.csv"),
              "date_format": "iso", "on_conflict": "reject"},
        content_type="multipart/form-data",
    )  # fmt: skip
    token = response.headers["Location"].rstrip("/").split("/")[-2]
    consultant.post(f"{base(world)}/import/{token}/confirm")
    assert stored(world) == {("records_per_active_user", None, W1): 14.0}

    location = upload(consultant, world, "hubspot", on_conflict="replace")
    map_unchanged(consultant, location, "hubspot")
    consultant.post(f"{base(world)}/import/{location.rstrip('/').split('/')[-2]}/confirm")
    values = stored(world)
    assert values[("records_per_active_user", None, W1)] == 14.0  # not 0, not replaced
    assert values[("adoption_rate", None, W1)] == 5.0


def test_a_user_may_store_only_some_of_the_measurable_metrics(
    consultant: FlaskClient, world: World
) -> None:
    set_headcount(world, "Service", 4)
    location = upload(consultant, world, "dynamics")
    page = consultant.get(location).get_data(as_text=True)
    form = [(name, value) for name, value in shown_form(page) if name != "metrics"]
    nothing = consultant.post(location, data=MultiDict(form))
    assert nothing.status_code == 422
    assert "Tick at least one metric to store." in text(nothing)
    response = consultant.post(location, data=MultiDict([*form, ("metrics", "adoption_rate")]))
    assert response.status_code == 302
    token = location.rstrip("/").split("/")[-2]
    consultant.post(f"{base(world)}/import/{token}/confirm")
    assert {key for key, _, _ in stored(world)} == {"adoption_rate"}


def import_salesforce(client: FlaskClient, world: World) -> None:
    set_headcount(world, "Service", 4)
    location = upload(client, world, "salesforce")
    map_unchanged(client, location, "salesforce")
    response = client.post(f"{base(world)}/import/{location.rstrip('/').split('/')[-2]}/confirm")
    assert response.status_code == 302


def test_a_login_based_metric_says_so_on_its_page_and_in_the_api(
    consultant: FlaskClient, world: World
) -> None:
    before = text(consultant.get(f"{base(world)}/adoption_rate"))
    assert "not merely logging in" in before  # the catalogue's definition: record changes
    import_salesforce(consultant, world)
    page = text(consultant.get(f"{base(world)}/adoption_rate"))
    assert "not merely logging in" not in page
    assert "Based on logins: active means logging in that week (as imported)." in page
    assert '<dt>Based on</dt><dd class="metric-basis">logins</dd>' in page
    api = consultant.get(
        f"/api/v1/initiatives/{world.initiative.id}/metrics",
        headers=builders.api_headers(world.executive),
    )
    items: list[dict[str, str]] = (api.json or {})["items"]
    adoption = next(item for item in items if item["key"] == "adoption_rate")
    assert adoption["basis"] == "logins"
    assert "not merely logging in" not in adoption["description"]
    csat = next(item for item in items if item["key"] == "csat")
    assert csat["basis"] == ""


def test_a_per_team_only_import_shows_in_the_catalogue(
    consultant: FlaskClient, world: World
) -> None:
    body = (
        "date,team,metric,value\n"
        "2026-06-01,Sales,data_completeness,71\n2026-06-08,Sales,data_completeness,74\n"
        "2026-06-08,Claims,data_completeness,80\n"
    )
    response = consultant.post(
        f"{base(world)}/import",
        data={"kind": "tidy", "file": (io.BytesIO(body.encode()), "teams.csv"),
              "date_format": "iso", "on_conflict": "reject"},
        content_type="multipart/form-data",
    )  # fmt: skip
    token = response.headers["Location"].rstrip("/").split("/")[-2]
    consultant.post(f"{base(world)}/import/{token}/confirm")
    catalogue = text(consultant.get(base(world)))
    assert "3 values imported from teams.csv." in catalogue
    row = re.search(r"data_completeness</code> </th>(.*?)</tr>", catalogue)
    assert row, catalogue[:3000]
    assert "per team only: 2 teams" in row.group(1)
    assert "8 Jun 2026" in row.group(1) and "no value yet" not in row.group(1)


# --- headcount: a team's own people; parents' totals are computed ---------------------------


def test_the_team_list_shows_each_parents_computed_total(
    consultant: FlaskClient, world: World
) -> None:
    sales = db.session.scalar(select(Team).where(Team.name == "Sales"))
    assert sales is not None
    builders.make_team(world.organization, "Sales North", headcount=3, parent_id=sales.id)
    north = db.session.scalar(select(Team).where(Team.name == "Sales North"))
    assert north is not None
    builders.make_team(world.organization, "Sales North East", headcount=1, parent_id=north.id)
    db.session.commit()
    page = consultant.get(f"/orgs/{world.organization.id}/teams")
    rows = {
        name: cells
        for name, cells in re.findall(
            r'<th scope="row">([^<]+)</th>(.*?)</tr>', page.get_data(as_text=True), re.S
        )
    }
    numbers = {
        name: re.findall(r'class="num">\s*([\d,—]+|<span)', cells) for name, cells in rows.items()
    }
    assert numbers["Sales"][:2] == ["4", "8"]  # own 4 + North 3 + North East 1
    assert numbers["Sales North"][:2] == ["3", "4"]
    assert numbers["Sales North East"][:2] == ["1", "<span"]  # no sub-teams: no total
    assert "own headcount equals its sub-teams’" in text(page)  # Sales: 4 own, 4 below
    form_page = text(consultant.get(f"/orgs/{world.organization.id}/teams"))
    assert "The team’s own people, not counting its sub-teams" in form_page


def test_each_shape_is_told_apart_by_its_header() -> None:
    from app.services.metrics.crm_shapes import recognise, shape_mapping

    access = ["User", "Date", "Access type", "Application"]
    shape = recognise(access)
    assert shape is not None and shape.name == "Dynamics 365 user access report"
    data = shape_mapping(shape, access, {}, ["Full Name", "Business Unit", "Status"])
    assert (data["user_column"], data["timestamp_column"], data["event_column"]) == (
        "User", "Date", "",
    )  # fmt: skip
    assert (data["users_user_column"], data["users_team_column"]) == (
        "Full Name", "Business Unit",
    )  # fmt: skip
    assert recognise(["UserName", "LoginTime", "Action", "Result"]) is None  # guessed instead


def test_each_team_value_on_the_dashboard_shows_its_own_week(
    consultant: FlaskClient, world: World
) -> None:
    body = (
        "date,team,metric,value\n"
        "2026-06-01,,adoption_rate,10\n2026-06-08,,adoption_rate,12\n"
        "2026-06-01,Claims,adoption_rate,30\n"
    )
    response = consultant.post(
        f"{base(world)}/import",
        data={"kind": "tidy", "file": (io.BytesIO(body.encode()), "weeks.csv"),
              "date_format": "iso", "on_conflict": "reject"},
        content_type="multipart/form-data",
    )  # fmt: skip
    token = response.headers["Location"].rstrip("/").split("/")[-2]
    consultant.post(f"{base(world)}/import/{token}/confirm")
    page = text(consultant.get(f"/initiatives/{world.initiative.id}/dashboard"))
    table = re.search(r"<caption>Adoption rate by team.*?</table>", page)
    assert table, page[:2000]
    assert "week of 8 Jun 2026" not in table.group(0)  # no one week over every row
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', table.group(0)))
    assert "8 Jun 2026" in rows["Whole initiative"]
    assert "1 Jun 2026" in rows["Claims"] and "8 Jun 2026" not in rows["Claims"]
