"""The metric pages: catalogue, targets, a chart per metric, and the import wizard end to end."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select

from app.demo import seed_demo
from app.services import metrics
from insights.adoption import ActivityMapping
from models import Initiative, Metric, Observation, Team, db
from tests import builders
from tests.builders import login
from tests.conftest import World

LOG = (
    "UserName,LoginTime,Action,Result\n"
    "a@x.example,01/06/2026 09:00,Login,Success\n"
    "a@x.example,01/06/2026 09:05,Create,\n"
    "b@x.example,02/06/2026 09:00,Login,Invalid Password\n"
    "c@x.example,03/06/2026 10:00,Update,\n"
)
USERS = "Email,Department\na@x.example,Sales\nc@x.example,Claims\n"


@pytest.fixture
def imports(app: Flask, tmp_path: Path) -> Path:
    """Uploads go to a temporary folder instead of instance/imports."""
    folder = tmp_path / "imports"
    app.config["STEPWISE_IMPORTS_DIR"] = str(folder)
    return folder


@pytest.fixture
def consultant(client: FlaskClient, world: World, imports: Path) -> FlaskClient:
    builders.make_team(world.organization, "Sales", headcount=4)
    db.session.commit()
    login(client, world.consultant)
    return client


def base(world: World) -> str:
    return f"/initiatives/{world.initiative.id}/metrics"


def text(response: object) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))  # type: ignore[attr-defined]


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Observation)) or 0


def upload(client: FlaskClient, world: World, kind: str, body: str, **extra: object) -> str:
    data: dict[str, object] = {
        "kind": kind,
        "file": (io.BytesIO(body.encode()), "export.csv"),
        "date_format": "iso",
        "on_conflict": "reject",
        **extra,
    }
    response = client.post(f"{base(world)}/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, text(response)[:2000]
    return response.headers["Location"]


def token_of(location: str) -> str:
    return location.rstrip("/").split("/")[-2]


# --- the wizard ----------------------------------------------------------------------------


def selected(page: str, name: str) -> str | None:
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select_html, name
    match = re.search(r'<option selected value="([^"]*)"', select_html.group(0))
    return match.group(1) if match else None


def test_an_activity_log_goes_upload_map_preview_confirm(
    consultant: FlaskClient, world: World, imports: Path
) -> None:
    users = (io.BytesIO(USERS.encode()), "users.csv")
    location = upload(consultant, world, "activity_log", LOG, users_file=users)
    assert location.endswith("/map")

    page = consultant.get(location).get_data(as_text=True)
    guessed = {
        name: selected(page, name)
        for name in ("user_column", "timestamp_column", "timestamp_format", "event_column")
    }
    assert guessed == {
        "user_column": "UserName",
        "timestamp_column": "LoginTime",
        "timestamp_format": "%d/%m/%Y %H:%M",
        "event_column": "Action",
    }
    assert selected(page, "users_team_column") == "Department"
    assert 'value="Create, Update"' in page  # record events guessed from the values seen
    assert "a@x.example" in page  # the first rows are shown

    form = {
        "user_column": "UserName", "timestamp_column": "LoginTime",
        "timestamp_format": "%d/%m/%Y %H:%M", "source_zone": "UTC",
        "week_zone": "Europe/London", "event_column": "Action", "login_events": "Login",
        "record_events": "Create, Update", "status_column": "Result",
        "counted_statuses": "Success", "team_column": "", "active_on": "record",
        "users_user_column": "Email", "users_team_column": "Department",
    }  # fmt: skip
    response = consultant.post(location, data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/preview")

    preview = text(consultant.get(response.headers["Location"]))
    assert "Nothing is saved yet. 9 values will be stored." in preview
    assert "1 row: status &#39;Invalid Password&#39; is not counted" in preview
    assert count() == 0

    token = token_of(location)
    response = consultant.post(f"{base(world)}/import/{token}/confirm")
    assert response.status_code == 302
    assert count() == 9
    assert not (imports / token).exists()
    assert metrics.remembered_mapping(world.initiative) == ActivityMapping(
        user_column="UserName", timestamp_column="LoginTime",
        timestamp_format="%d/%m/%Y %H:%M", source_zone="UTC", week_zone="Europe/London",
        event_column="Action", login_events=("Login",), record_events=("Create", "Update"),
        status_column="Result", counted_statuses=("Success",), active_on="record",
        users_user_column="Email", users_team_column="Department",
    )  # fmt: skip
    assert "9 values imported from export.csv." in text(consultant.get(base(world)))


def test_the_next_log_starts_from_the_remembered_mapping(
    consultant: FlaskClient, world: World
) -> None:
    mapping = ActivityMapping(
        user_column="UserName", timestamp_column="LoginTime", source_zone="Europe/Paris",
        event_column="Action", login_events=("Login", "SSO"), record_events=("Edit",),
    )  # fmt: skip
    metrics.remember_mapping(world.initiative, mapping)
    db.session.commit()
    page = consultant.get(upload(consultant, world, "activity_log", LOG)).get_data(as_text=True)
    assert selected(page, "event_column") == "Action"
    assert 'value="Europe/Paris"' in page
    assert 'value="Login, SSO"' in page and 'value="Edit"' in page


def test_a_mapping_without_record_events_says_how_to_fix_it(
    consultant: FlaskClient, world: World
) -> None:
    location = upload(consultant, world, "activity_log", LOG)
    response = consultant.post(
        location,
        data={"user_column": "UserName", "timestamp_column": "LoginTime",
              "timestamp_format": "iso", "source_zone": "Mars/Olympus", "week_zone": "UTC",
              "active_on": "record"},
    )  # fmt: skip
    assert response.status_code == 422
    page = text(response)
    assert "&#39;Mars/Olympus&#39; is not a time zone" in page
    assert 'value="Mars/Olympus"' in page  # what was typed is kept
    assert "Nobody can be active on record changes without an event type column" in page


def test_a_bad_file_is_previewed_with_its_lines_and_cannot_be_confirmed(
    consultant: FlaskClient, world: World
) -> None:
    body = "date,team,metric,value\n2026-06-01,Claims,csat,80\n2026-06-01,Nowhere,csat,x\n"
    location = upload(consultant, world, "tidy", body)
    page = text(consultant.get(location))
    assert "Nothing can be imported yet" in page
    assert "Line 3: Unknown team &#39;Nowhere&#39;" in page
    assert "Line 3: The value &#39;x&#39; is not a number." in page
    assert "/confirm" not in page
    response = consultant.post(f"{base(world)}/import/{token_of(location)}/confirm")
    assert response.status_code == 422
    assert count() == 0


def test_a_stored_period_is_replaced_only_after_an_explicit_choice(
    consultant: FlaskClient, world: World
) -> None:
    first = upload(consultant, world, "wide", "date,team,csat\n2026-06-01,Claims,80\n")
    consultant.post(f"{base(world)}/import/{token_of(first)}/confirm")
    location = upload(consultant, world, "wide", "date,team,csat\n2026-06-01,Claims,85\n")
    token = token_of(location)
    page = text(consultant.get(location))
    assert "1 value is already stored" in page and "Replace the stored values" in page
    assert consultant.post(f"{base(world)}/import/{token}/confirm").status_code == 422

    response = consultant.post(
        f"{base(world)}/import/{token}/conflict", data={"on_conflict": "replace"}
    )
    assert response.headers["Location"].endswith("/preview")
    page = text(consultant.get(response.headers["Location"]))
    assert "1 value will be stored, 1 of them replacing stored values" in page
    consultant.post(f"{base(world)}/import/{token}/confirm")
    assert db.session.scalars(select(Observation.value)).all() == [85.0]


def test_cancelling_deletes_the_upload(
    consultant: FlaskClient, world: World, imports: Path
) -> None:
    location = upload(consultant, world, "tidy", "date,team,metric,value\n")
    token = token_of(location)
    assert (imports / token).is_dir()
    response = consultant.post(f"{base(world)}/import/{token}/cancel")
    assert response.status_code == 302
    assert not (imports / token).exists()
    assert consultant.get(location).status_code == 404


def test_an_upload_is_only_its_uploaders(
    consultant: FlaskClient, world: World, make_app: Callable[..., Flask], imports: Path
) -> None:
    location = upload(consultant, world, "tidy", "date,team,metric,value\n")
    other = builders.make_user(organization=world.organization, role="consultant")
    db.session.commit()
    # Another app on the same database: its requests get their own app context (and g).
    second = make_app(STEPWISE_IMPORTS_DIR=str(imports)).test_client()
    login(second, other)
    assert second.get(location).status_code == 404
    assert consultant.get(location).status_code == 200


def test_an_upload_too_large_gets_a_friendly_page(
    make_app: Callable[..., Flask], world: World, tmp_path: Path
) -> None:
    # Under Werkzeug's 500 KB spooling threshold, so the test body stays in memory.
    small = make_app(MAX_CONTENT_LENGTH=100 * 2**10, STEPWISE_IMPORTS_DIR=str(tmp_path))
    client = small.test_client()
    with small.app_context():
        login(client, world.consultant)
        response = client.post(
            f"{base(world)}/import",
            data={"kind": "tidy", "file": (io.BytesIO(b"x" * (200 * 2**10)), "big.csv")},
            content_type="multipart/form-data",
        )
    assert response.status_code == 413
    page = text(response)
    assert "The file is too large" in page and "Files up to 100 KB" in page
    assert f"{base(world)}/import" in page


# --- catalogue, targets, charts --------------------------------------------------------------


def test_executives_read_the_catalogue_without_the_consultants_buttons(
    client: FlaskClient, world: World
) -> None:
    login(client, world.executive)
    page = text(client.get(base(world)))
    assert "Adoption rate" in page and "Customer outcomes" in page
    assert "No values yet." in page
    assert "Import data" not in page and "Edit target" not in page
    assert "Add a custom metric" not in page


def test_consultants_add_a_custom_metric_and_edit_a_target(
    consultant: FlaskClient, world: World
) -> None:
    response = consultant.post(
        f"{base(world)}/custom",
        data={"name": "Meetings logged", "key": "meetings_logged", "unit": "%",
              "direction": "higher", "category": "usage", "target": "90"},
    )  # fmt: skip
    assert response.status_code == 302
    duplicate = consultant.post(
        f"{base(world)}/custom",
        data={"name": "Again", "key": "meetings_logged", "unit": "%",
              "direction": "higher", "category": "usage"},
    )  # fmt: skip
    assert duplicate.status_code == 422
    assert "already has a metric" in text(duplicate)

    response = consultant.post(
        f"{base(world)}/csat/target", data={"target": "88.5", "target_date": "2026-12-31"}
    )
    assert response.status_code == 302
    csat = metrics.metric_by_key(world.initiative, "csat")
    assert csat is not None and (csat.target, csat.target_date) == (88.5, date(2026, 12, 31))
    assert consultant.post(f"{base(world)}/csat/target", data={"target": "nan"}).status_code == 422


def test_an_invalid_metric_form_answers_422_and_keeps_what_was_typed(
    consultant: FlaskClient, world: World
) -> None:
    typed = {"name": "Calls logged", "key": "csat", "unit": "calls/week",
             "direction": "higher", "category": "usage", "target": "12.5"}  # fmt: skip
    response = consultant.post(f"{base(world)}/custom", data=typed)
    assert response.status_code == 422
    page = text(response)
    assert "already has a metric" in page
    assert 'value="Calls logged"' in page and 'value="calls/week"' in page
    assert 'value="12.5"' in page
    missing = consultant.post(f"{base(world)}/custom", data={**typed, "name": ""})
    assert missing.status_code == 422 and 'value="calls/week"' in text(missing)

    response = consultant.post(f"{base(world)}/csat/target", data={"target": "lots"})
    assert response.status_code == 422 and 'value="lots"' in text(response)


def test_an_invalid_upload_or_conflict_choice_answers_422(
    consultant: FlaskClient, world: World
) -> None:
    response = consultant.post(
        f"{base(world)}/import",
        data={"kind": "wide", "date_format": "%d/%m/%Y", "on_conflict": "replace"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = text(response)
    assert "Choose a CSV file." in page
    assert re.search(r'<input[^>]*checked[^>]*value="wide"|value="wide"[^>]*checked', page)
    assert selected(page, "date_format") == "%d/%m/%Y"

    location = upload(consultant, world, "wide", "date,team,csat\n2026-06-01,Claims,80\n")
    response = consultant.post(
        f"{base(world)}/import/{token_of(location)}/conflict", data={"on_conflict": "maybe"}
    )
    assert response.status_code == 422
    assert "Choose whether to keep or replace the stored values." in text(response)


def test_reading_the_metric_pages_writes_nothing(consultant: FlaskClient, world: World) -> None:
    """The catalogue is created with the initiative; a page never creates it."""
    db.session.execute(delete(Metric).where(Metric.initiative_id == world.initiative.id))
    db.session.commit()
    assert consultant.get(base(world)).status_code == 200
    assert consultant.get(f"{base(world)}/csat").status_code == 404
    location = upload(consultant, world, "tidy", "date,team,metric,value\n2026-06-01,,csat,80\n")
    page = text(consultant.get(location))
    assert "Unknown metric &#39;csat&#39;" in page
    assert db.session.scalar(select(func.count()).select_from(Metric)) == len(
        metrics.metrics_of(world.other_initiative)
    )


def test_a_metric_page_draws_a_line_per_team_and_the_target(
    consultant: FlaskClient, world: World
) -> None:
    body = "date,team,adoption_rate\n2026-06-01,Claims,40\n2026-06-08,Claims,45\n2026-06-01,,30\n"
    consultant.post(
        f"{base(world)}/import/{token_of(upload(consultant, world, 'wide', body))}/confirm"
    )
    response = consultant.get(f"{base(world)}/adoption_rate")
    page = response.get_data(as_text=True)
    chart = re.search(r'data-chart="([^"]*)"', page)
    assert chart is not None
    spec = json.loads(chart.group(1).replace("&#34;", '"').replace("&quot;", '"'))
    assert [trace["name"] for trace in spec["data"]] == [
        "Whole initiative",
        "Claims",
        "Target 80 %",
    ]
    assert spec["data"][2]["y"] == [80, 80]
    table = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "1 Jun 2026 30% 40%" in table and "8 Jun 2026 — 45%" in table
    assert "plotly" in page


def test_an_unknown_metric_is_404(consultant: FlaskClient, world: World) -> None:
    assert consultant.get(f"{base(world)}/no_such_metric").status_code == 404
    assert consultant.get(f"{base(world)}/no_such_metric/target").status_code == 404


def test_the_initiative_page_links_to_the_metrics(consultant: FlaskClient, world: World) -> None:
    page = consultant.get(f"/initiatives/{world.initiative.id}").get_data(as_text=True)
    assert f'href="{base(world)}"' in page


# --- the demo ------------------------------------------------------------------------------


def demo_series(initiative: Initiative, key: str, team: str | None) -> list[float]:
    query = (
        select(Observation.value)
        .join(Metric, Metric.id == Observation.metric_id)
        .where(Metric.initiative_id == initiative.id, Metric.key == key)
        .order_by(Observation.period)
    )
    if team is None:
        query = query.where(Observation.team_id.is_(None))
    else:
        query = query.join(Team, Team.id == Observation.team_id).where(Team.name == team)
    return list(db.session.scalars(query))


def test_the_demo_tells_the_adoption_story(app: Flask) -> None:
    seed_demo(today=date(2026, 11, 25))
    initiative = db.session.scalars(select(Initiative)).one()
    north = demo_series(initiative, "adoption_rate", "Sales North")
    south = demo_series(initiative, "adoption_rate", "Sales South")
    assert len(north) == len(south) == 26
    periods = db.session.scalars(select(Observation.period).distinct()).all()
    assert max(periods) == date(2026, 11, 16)  # last week's Monday
    assert 36 <= sum(north[-8:]) / 8 <= 44  # a plateau at half the 80 % target
    assert south[-1] >= 72 and south[0] < 5  # an S-curve to near target
    completeness = demo_series(initiative, "data_completeness", "Claims Service")
    assert min(completeness[:8]) > 85 and max(completeness[9:]) < 70  # drops at go-live
    csat_south = demo_series(initiative, "csat", "Sales South")
    csat_north = demo_series(initiative, "csat", "Sales North")
    assert csat_south[-1] - csat_south[0] > 4 and abs(csat_north[-1] - csat_north[0]) < 2
    assert demo_series(initiative, "meetings_logged", "Sales North")[-1] < 35
    assert seed_demo() is not None  # idempotent: the second call changes nothing
    assert len(demo_series(initiative, "adoption_rate", None)) == 26


def test_a_team_under_the_threshold_has_no_line_of_its_own(
    client: FlaskClient, world: World
) -> None:
    tiny = builders.make_team(world.organization, "Tiny desk", headcount=3, parent_id=world.team.id)
    db.session.commit()
    adoption = metrics.metric_by_key(world.initiative, "adoption_rate")
    assert adoption is not None
    monday = date(2026, 11, 2)
    for team_id, value in ((None, 40.0), (world.team.id, 45.0), (tiny.id, 84.9)):
        db.session.add(
            Observation(metric_id=adoption.id, team_id=team_id, period=monday, value=value)
        )
    db.session.commit()
    builders.login(client, world.executive)
    page = client.get(f"/initiatives/{world.initiative.id}/metrics/adoption_rate")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    # Its 3 people count in Claims's figure: (12 × 45 + 3 × 84.9) / 15 = 53.
    assert "Claims (other)" in text and "53%" in text
    assert "Tiny desk" not in text and "84.9" not in text
    assert "Teams of fewer than 5 people" in text and "1 in Claims (other)" in text
