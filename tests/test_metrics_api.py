"""The metrics API: the catalogue, all-or-nothing imports as CSV or JSON, and series."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from insights.adoption import DEFAULT_CATALOGUE
from models import Metric, Observation, Team, db
from tests.builders import api_headers
from tests.conftest import World


def url(world: World, suffix: str = "") -> str:
    return f"/api/v1/initiatives/{world.initiative.id}/metrics{suffix}"


def stored_rows() -> list[tuple[str, str | None, date, float]]:
    rows = db.session.execute(
        select(Metric.key, Team.name, Observation.period, Observation.value)
        .join(Metric, Metric.id == Observation.metric_id)
        .outerjoin(Team, Team.id == Observation.team_id)
        .order_by(Metric.key, Team.name, Observation.period)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Observation)) or 0


CSV = (
    "date,team,metric,value\n"
    "2026-06-01,Claims,adoption_rate,41.5\n"
    "2026-06-08,Claims,adoption_rate,44\n"
    "2026-06-01,,csat,82\n"
    "2026-06-08,,csat,83.5%\n"
)
JSON = {
    "observations": [
        {"date": "2026-06-01", "team": "Claims", "metric": "adoption_rate", "value": 41.5},
        {"date": "2026-06-08", "team": "claims", "metric": "adoption_rate", "value": "44"},
        {"date": "2026-06-01", "team": None, "metric": "csat", "value": 82},
        {"date": "2026-06-08", "team": "", "metric": "CSAT", "value": 83.5},
    ]
}


def post_csv(client: FlaskClient, world: World, body: str, query: str = "") -> object:
    return client.post(
        url(world, query),
        data=body.encode(),
        headers={**api_headers(world.consultant), "Content-Type": "text/csv"},
    )


def test_the_catalogue_lists_the_contract_fields(client: FlaskClient, world: World) -> None:
    response = client.get(url(world), headers=api_headers(world.executive))
    assert response.status_code == 200
    items = response.json["items"]
    assert [item["key"] for item in items] == [d.key for d in DEFAULT_CATALOGUE]
    assert items[0] == items[0] | {
        "key": "adoption_rate",
        "name": "Adoption rate",
        "unit": "%",
        "direction": "higher",
        "target": 80.0,
        "category": "usage",
        "target_date": "2026-11-30",  # go-live 2026-06-01 + 26 weeks
    }


def test_a_json_and_a_csv_import_of_the_same_data_give_the_same_rows(
    client: FlaskClient, world: World
) -> None:
    response = post_csv(client, world, CSV)
    assert (response.status_code, response.json) == (200, {"imported": 4})
    from_csv = stored_rows()
    db.session.execute(Observation.__table__.delete())
    db.session.commit()

    response = client.post(url(world), json=JSON, headers=api_headers(world.consultant))
    assert (response.status_code, response.json) == (200, {"imported": 4})
    assert (
        stored_rows()
        == from_csv
        == [
            ("adoption_rate", "Claims", date(2026, 6, 1), 41.5),
            ("adoption_rate", "Claims", date(2026, 6, 8), 44.0),
            ("csat", None, date(2026, 6, 1), 82.0),
            ("csat", None, date(2026, 6, 8), 83.5),
        ]
    )


def test_a_bad_csv_is_rejected_whole_with_every_row_and_its_line(
    client: FlaskClient, world: World
) -> None:
    body = CSV + "2026-06-15,Nowhere,csat,80\n2026-13-01,,csat,80\n2026-06-15,,mood,x\n"
    response = post_csv(client, world, body)
    assert response.status_code == 422
    assert response.json == {
        "error": "Nothing was imported: fix the rows listed.",
        "rows": [
            {
                "line": 6,
                "message": "Unknown team 'Nowhere': add it under Teams first, "
                "or leave the team empty for the whole initiative.",
            },
            {"line": 7, "message": "'2026-13-01' is not a date as YYYY-MM-DD."},
            {
                "line": 8,
                "message": "Unknown metric 'mood': use a key of the catalogue "
                "(such as adoption_rate) or add a custom metric first.",
            },
            {"line": 8, "message": "The value 'x' is not a number."},
        ],
    }
    assert count() == 0


def test_json_lines_are_positions_in_the_observations_array(
    client: FlaskClient, world: World
) -> None:
    body = {"observations": [*JSON["observations"], {"date": "2026-06-15"}, "csat"]}
    response = client.post(url(world), json=body, headers=api_headers(world.consultant))
    assert response.status_code == 422
    assert [(row["line"], row["message"]) for row in response.json["rows"]] == [
        (5, "The metric is empty."),
        (5, "The value is empty."),
        (6, "Each observation must be an object {date, team, metric, value}."),
    ]
    assert count() == 0


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"observations": {"date": "2026-06-01"}}', b"{}"],
)
def test_malformed_json_is_a_422_not_a_500(client: FlaskClient, world: World, body: bytes) -> None:
    response = client.post(
        url(world),
        data=body,
        headers={**api_headers(world.consultant), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json["rows"][0]["line"] == 1


def test_a_stored_period_is_rejected_unless_replace_is_asked(
    client: FlaskClient, world: World
) -> None:
    post_csv(client, world, CSV)
    newer = CSV.replace("41.5", "50")
    response = post_csv(client, world, newer)
    assert response.status_code == 422
    assert [row["line"] for row in response.json["rows"]] == [2, 3, 4, 5]
    assert "already stored" in response.json["rows"][0]["message"]

    response = post_csv(client, world, newer, "?on_conflict=replace")
    assert (response.status_code, response.json) == (200, {"imported": 4})
    assert stored_rows()[0] == ("adoption_rate", "Claims", date(2026, 6, 1), 50.0)
    assert count() == 4

    assert post_csv(client, world, newer, "?on_conflict=merge").status_code == 400


def test_other_bodies_are_415(client: FlaskClient, world: World) -> None:
    response = client.post(
        url(world),
        data="x",
        headers={**api_headers(world.consultant), "Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert set(response.json) == {"error"}


def test_executives_may_read_but_not_import(client: FlaskClient, world: World) -> None:
    response = client.post(url(world), json=JSON, headers=api_headers(world.executive))
    assert response.status_code == 403
    assert set(response.json) == {"error"}
    assert count() == 0


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("POST", ""), ("GET", "/adoption_rate"), ("GET", "/adoption_rate?team=1")],
)
def test_outsiders_get_404(client: FlaskClient, world: World, method: str, suffix: str) -> None:
    response = client.open(
        url(world, suffix), method=method, json=JSON, headers=api_headers(world.outsider)
    )
    assert response.status_code == 404
    assert set(response.json) == {"error"}


def test_a_series_for_the_whole_initiative_or_one_team(client: FlaskClient, world: World) -> None:
    post_csv(client, world, CSV)
    headers = api_headers(world.executive)
    whole = client.get(url(world, "/csat"), headers=headers).json
    assert whole["metric"]["key"] == "csat"
    assert whole["series"] == [
        {"date": "2026-06-01", "value": 82.0},
        {"date": "2026-06-08", "value": 83.5},
    ]
    assert whole["trend"] is None and whole["projected_target_date"] is None
    # Two weeks: no trend and no projection, and one verdict only (not also "not on course").
    assert whole["projection"] == {
        "state": "too_few_weeks",
        "date": None,
        "interval": None,
        "chance": None,
    }
    team = client.get(url(world, f"/adoption_rate?team={world.team.id}"), headers=headers).json
    assert team["series"] == [
        {"date": "2026-06-01", "value": 41.5},
        {"date": "2026-06-08", "value": 44.0},
    ]
    assert team["team_id"] == world.team.id
    no_values = client.get(url(world, f"/csat?team={world.team.id}"), headers=headers)
    assert no_values.json["series"] == []
    assert no_values.json["projection"]["state"] == "too_few_weeks"


@pytest.mark.parametrize(
    ("suffix", "status"),
    [
        ("/no_such_metric", 404),
        ("/a%00b", 404),
        ("/csat?team=abc", 400),
        ("/csat?team=-1", 400),
        ("/csat?team=99999999999999999999", 400),
        ("/csat?team={other_team}", 404),
    ],
)
def test_bad_series_requests_are_4xx_json(
    client: FlaskClient, world: World, suffix: str, status: int
) -> None:
    path = url(world, suffix.format(other_team=world.other_team.id))
    response = client.get(path, headers=api_headers(world.executive))
    assert response.status_code == status
    assert set(response.json) == {"error"}


def weekly(metric: str, values: list[float], team: str | None = None) -> dict[str, Any]:
    start = date(2026, 6, 1)
    return {
        "observations": [
            {"date": (start + timedelta(weeks=i)).isoformat(), "team": team, "metric": metric,
             "value": value}
            for i, value in enumerate(values)
        ]
    }  # fmt: skip


def schema_errors(client: FlaskClient, body: Any) -> list[str]:
    """How ``body`` departs from the published schema of the series endpoint."""
    document = client.get("/api/v1/openapi.json").json
    assert document is not None
    get = document["paths"]["/initiatives/{initiative_id}/metrics/{key}"]["get"]
    schema = get["responses"]["200"]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": document["components"]})
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(body)]


# Adoption, target 80 %: a steady rise of 2.5 points a week from 30 % (target in 8 more
# weeks), a rise that stopped at 55 % six weeks ago, a fall, and a team at target.
STEADY = [30.4, 32.1, 35.6, 37.2, 40.5, 42.3, 45.9, 47.2, 49.6, 52.8, 55.3, 57.4]
STALLED = [5, 12, 20, 28, 35, 42, 48, 53, 55.4, 54.1, 55.9, 54.6, 55.2, 54.7]
FALLING = [60, 61, 59, 57, 58, 55, 53, 52, 50, 49, 47, 45]


@pytest.mark.parametrize(
    ("metric", "values", "state", "trend"),
    [
        ("adoption_rate", STEADY, "date", "rising"),
        ("adoption_rate", STALLED, "levelling_below_target", "plateau"),
        ("adoption_rate", FALLING, "flat_or_falling", "declining"),
        ("adoption_rate", [60, 70, 82], "reached", None),
        ("adoption_rate", [10, 20, 30, 40], "too_few_weeks", None),
    ],
)
def test_a_series_carries_its_projection_state_date_and_interval(
    client: FlaskClient, world: World, metric: str, values: list[float], state: str, trend: str
) -> None:
    body = weekly(metric, values)
    imported = client.post(url(world), json=body, headers=api_headers(world.consultant))
    assert imported.status_code == 200, imported.json
    body = client.get(url(world, f"/{metric}"), headers=api_headers(world.executive)).json
    assert schema_errors(client, body) == []
    assert body["trend"] == trend
    projection = body["projection"]
    assert projection["state"] == state
    if state == "date":
        low, high = (date.fromisoformat(day) for day in projection["interval"])
        projected = date.fromisoformat(projection["date"])
        assert low <= projected <= high
        assert body["projected_target_date"] == projection["date"]
        on_the_line = date(2026, 6, 1) + timedelta(weeks=11 + (80 - 57.4) / 2.5)
        assert abs((projected - on_the_line).days) <= 14
        assert 0.5 <= projection["chance"] <= 1
    elif state == "reached":
        assert projection["date"] == body["projected_target_date"] == "2026-06-15"
        assert projection["interval"] is None
    else:
        assert projection["date"] is None and projection["interval"] is None
        assert body["projected_target_date"] is None


def test_a_metric_without_a_target_has_no_projection(client: FlaskClient, world: World) -> None:
    client.post(url(world), json=weekly("csat", STEADY), headers=api_headers(world.consultant))
    metric = db.session.scalars(
        select(Metric).where(Metric.key == "csat", Metric.initiative_id == world.initiative.id)
    ).one()
    metric.target = None
    db.session.commit()
    body = client.get(url(world, "/csat"), headers=api_headers(world.executive)).json
    assert body["trend"] == "rising"
    assert body["projection"] is None and body["projected_target_date"] is None
    assert schema_errors(client, body) == []


def test_a_team_under_the_threshold_gets_no_series(client: FlaskClient, world: World) -> None:
    small = Team(organization_id=world.organization.id, name="Desk of four", headcount=4)
    db.session.add(small)
    db.session.commit()
    post_csv(client, world, "date,team,metric,value\n2026-06-01,Desk of four,adoption_rate,50\n")
    assert count() == 1  # stored, so only the answer can hide it
    answer = client.get(
        url(world, f"/adoption_rate?team={small.id}"), headers=api_headers(world.executive)
    ).json
    assert answer["suppressed"] is True and answer["series"] == []
    assert answer["trend"] is None and answer["projection"] is None
    shown = client.get(
        url(world, f"/adoption_rate?team={world.team.id}"), headers=api_headers(world.executive)
    ).json
    assert shown["suppressed"] is False
