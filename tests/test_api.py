"""The JSON API as an integration sees it: bearer tokens, its own organisations, stable names."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from app.services import accounts
from models import ApiToken, User, db
from tests import builders
from tests.conftest import World


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_for(user: User) -> str:
    token = accounts.create_api_token(user)
    db.session.commit()
    return token


@pytest.fixture
def executive_token(world: World) -> str:
    return token_for(world.executive)


# --- Authentication ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-header"),
        pytest.param({"Authorization": "Bearer"}, id="bearer-without-token"),
        pytest.param({"Authorization": "Bearer sw_not-a-real-token"}, id="unknown-token"),
        pytest.param({"Authorization": "Basic ZXhlY0BhY21lOnB3"}, id="basic-auth"),
    ],
)
def test_a_missing_or_bad_token_is_401_json(
    client: FlaskClient, world: World, executive_token: str, headers: dict[str, str]
) -> None:
    response = client.get("/api/v1/organizations", headers=headers)
    assert response.status_code == 401
    assert response.is_json
    assert set(response.json) == {"error"}  # type: ignore[arg-type]
    assert "Bearer" in response.json["error"]  # type: ignore[index]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_token_scheme_is_case_insensitive(
    client: FlaskClient, world: World, executive_token: str
) -> None:
    response = client.get(
        "/api/v1/organizations", headers={"Authorization": f"bearer {executive_token}"}
    )
    assert response.status_code == 200


def test_a_logged_in_browser_session_is_not_an_api_token(client: FlaskClient, world: World) -> None:
    builders.login(client, world.executive)
    assert client.get("/api/v1/organizations").status_code == 401


def test_tokens_are_stored_only_hashed(app: Flask, world: World) -> None:
    token = token_for(world.executive)
    rows = db.session.execute(text("SELECT * FROM api_token")).all()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert token not in stored
    assert token.removeprefix("sw_") not in stored
    assert accounts.hash_token(token) in stored


def test_only_a_request_that_changes_something_records_the_tokens_use(
    client: FlaskClient, world: World
) -> None:
    """A GET writes nothing, not even the token's last use; an import records it with itself."""
    token = token_for(world.consultant)
    stored = db.session.scalars(select(ApiToken)).one()
    assert client.get("/api/v1/organizations", headers=bearer(token)).status_code == 200
    db.session.refresh(stored)
    assert stored.last_used_at is None
    imported = client.post(
        f"/api/v1/initiatives/{world.initiative.id}/metrics",
        json={"observations": [{"date": "2026-06-01", "team": "", "metric": "csat", "value": 80}]},
        headers=bearer(token),
    )
    assert imported.json == {"imported": 1}
    db.session.refresh(stored)
    assert stored.last_used_at is not None


# --- What a caller sees ------------------------------------------------------------------


def test_organizations_lists_only_the_callers_own(
    client: FlaskClient, world: World, executive_token: str
) -> None:
    response = client.get("/api/v1/organizations", headers=bearer(executive_token))
    assert response.status_code == 200
    assert response.json == {"items": [{"id": world.organization.id, "name": "Acme Insurance"}]}


def test_a_site_admin_sees_every_organization(client: FlaskClient, world: World) -> None:
    response = client.get("/api/v1/organizations", headers=bearer(token_for(world.admin)))
    names = [item["name"] for item in response.json["items"]]  # type: ignore[index]
    assert names == ["Acme Insurance", "Globex Bank"]


def test_initiatives_have_the_documented_fields(
    client: FlaskClient, world: World, executive_token: str
) -> None:
    builders.make_initiative(
        world.organization,
        name="Acme Service",
        start_date=date(2027, 1, 4),
        go_live_date=None,
        licensed_seats=0,
    )
    db.session.commit()

    response = client.get(
        f"/api/v1/organizations/{world.organization.id}/initiatives",
        headers=bearer(executive_token),
    )

    assert response.status_code == 200
    items = response.json["items"]  # type: ignore[index]
    assert items[0] == {
        "id": world.initiative.id,
        "name": "Acme CRM",
        "crm": "Acme CRM",
        "start_date": "2026-03-02",
        "go_live_date": "2026-06-01",
        "licensed_seats": 120,
    }
    assert items[1]["go_live_date"] is None
    assert items[1]["licensed_seats"] == 0


def test_teams_have_the_documented_fields(
    client: FlaskClient, world: World, executive_token: str
) -> None:
    north = builders.make_team(world.organization, "Claims North", parent_id=world.team.id)
    db.session.commit()

    response = client.get(
        f"/api/v1/initiatives/{world.initiative.id}/teams", headers=bearer(executive_token)
    )

    assert response.status_code == 200
    assert response.json == {
        "items": [
            {"id": world.team.id, "name": "Claims", "parent_id": None, "headcount": 12},
            {"id": north.id, "name": "Claims North", "parent_id": world.team.id, "headcount": 12},
        ]
    }


# --- What a caller never learns ----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organizations/{other_org}/initiatives",
        "/api/v1/initiatives/{other_initiative}/teams",
        "/api/v1/organizations/999999/initiatives",
        "/api/v1/initiatives/999999/teams",
        "/api/v1/initiatives/99999999999999999999/teams",
        "/api/v1/initiatives/abc/teams",
        "/api/v1/no-such-thing",
    ],
)
def test_another_organisations_objects_and_unknown_paths_are_404_json(
    client: FlaskClient, world: World, executive_token: str, path: str
) -> None:
    url = path.format(
        other_org=world.other_organization.id, other_initiative=world.other_initiative.id
    )
    response = client.get(url, headers=bearer(executive_token))
    assert response.status_code == 404
    assert response.is_json
    assert set(response.json) == {"error"}  # type: ignore[arg-type]
    assert "Globex" not in response.get_data(as_text=True)


def test_an_unknown_api_path_is_404_json_even_without_a_token(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.is_json and "error" in response.json  # type: ignore[operator]


def test_a_site_admin_reaches_any_organisations_initiatives(
    client: FlaskClient, world: World
) -> None:
    response = client.get(
        f"/api/v1/initiatives/{world.other_initiative.id}/teams",
        headers=bearer(token_for(world.admin)),
    )
    assert response.status_code == 200
    assert [item["name"] for item in response.json["items"]] == ["Retail"]  # type: ignore[index]


# --- Public endpoints --------------------------------------------------------------------


def test_healthz_answers_ok_without_a_token(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def _openapi_path(rule: str) -> str:
    """The OpenAPI form of a Flask rule.

    ``/api/v1/initiatives/<int:initiative_id>/teams`` → ``/initiatives/{initiative_id}/teams``
    """
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.removeprefix("/api/v1"))


def test_openapi_describes_every_implemented_api_path(app: Flask, client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document is not None
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": "/api/v1"}]

    implemented = {
        (_openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json"
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }
    described = {
        (path, method) for path, operations in document["paths"].items() for method in operations
    }
    assert implemented, "the API has routes"
    assert implemented <= described, f"not in openapi.json: {sorted(implemented - described)}"
    assert described <= implemented, f"described but missing: {sorted(described - implemented)}"


def test_openapi_schemas_use_the_documented_field_names(client: FlaskClient) -> None:
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]  # type: ignore[index]
    assert set(schemas["Organization"]["properties"]) == {"id", "name"}
    assert set(schemas["Initiative"]["properties"]) == {
        "id",
        "name",
        "crm",
        "start_date",
        "go_live_date",
        "licensed_seats",
    }
    assert set(schemas["Team"]["properties"]) == {"id", "name", "parent_id", "headcount"}
