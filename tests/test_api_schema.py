"""Every GET answer of the demo follows the OpenAPI document the API publishes about itself.

The document is generated from the same pydantic models that serialise the
answers; these tests check that from the outside, on real data, for an
executive and a consultant. Each schema is closed first (no property it does
not name), so an answer with a field the document lacks fails as surely as
one with a wrong type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from sqlalchemy import select

from app.demo import DEMO_LOGINS, seed_demo
from models import Initiative, User, db
from tests.builders import api_headers

PREFIX = "/api/v1"


def closed(schema: Any) -> Any:
    """``schema`` with ``additionalProperties: false`` on every object that lists its
    properties: the published document stays open to new fields, this test does not."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    tight = {key: closed(value) for key, value in schema.items()}
    if isinstance(schema.get("properties"), dict) and "additionalProperties" not in schema:
        tight["additionalProperties"] = False
    return tight


def answer_validator(document: dict[str, Any], path: str) -> Draft202012Validator:
    """A validator for the 200 answer of ``GET path`` (the document's form of the path)."""
    schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    root = {**schema["schema"], "components": closed(document["components"])}
    Draft202012Validator.check_schema(root)
    return Draft202012Validator(root)


def problems(validator: Draft202012Validator, body: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]


def get_routes(app: Flask) -> set[str]:
    """Every GET route of the API in the document's form (``/initiatives/{initiative_id}``)."""
    return {
        re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(PREFIX))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + "/")
        and rule.rule != PREFIX + "/openapi.json"
        and "GET" in (rule.methods or ())
    }


def json_of(client: FlaskClient, url: str, headers: dict[str, str]) -> Any:
    """The JSON of a 200 answer to ``GET url``."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.json)
    return response.json


def demo_user(role: str) -> User:
    email = next(login.email for login in DEMO_LOGINS if login.role == role)
    return db.session.scalars(select(User).where(User.email == email)).one()


def demo_visits(client: FlaskClient, headers: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(path, URL) for every GET route with the demo's real ids, and their query variants.

    Ids come from the API's own answers, as an integration would find them.
    """

    def get(url: str) -> Any:
        return json_of(client, PREFIX + url, headers)

    yield "/organizations", "/organizations"
    for organization in get("/organizations")["items"]:
        yield (
            "/organizations/{organization_id}/initiatives",
            (f"/organizations/{organization['id']}/initiatives"),
        )
    initiative = db.session.scalars(select(Initiative)).one()
    base = f"/initiatives/{initiative.id}"
    for name in ("teams", "stages", "leaders", "metrics", "surveys", "diagnosis", "effects"):
        yield "/initiatives/{initiative_id}/" + name, f"{base}/{name}"
    yield "/initiatives/{initiative_id}/effects", f"{base}/effects?since=2000-01-01"
    teams = [team["id"] for team in get(f"{base}/teams")["items"]]
    for metric in get(f"{base}/metrics")["items"]:
        yield "/initiatives/{initiative_id}/metrics/{key}", f"{base}/metrics/{metric['key']}"
    for team in teams:  # teams under the reporting threshold answer without a series
        yield (
            "/initiatives/{initiative_id}/metrics/{key}",
            (f"{base}/metrics/adoption_rate?team={team}"),
        )
    for leader in get(f"{base}/leaders")["items"]:
        if leader["cycle_id"] is not None:
            url = f"/leaders/{leader['id']}/practices"
            yield "/leaders/{leader_id}/practices", url
            yield "/leaders/{leader_id}/practices", f"{url}?cycle={leader['cycle_id']}"
    for survey in get(f"{base}/surveys")["items"]:
        url = f"/surveys/{survey['id']}/results"
        yield "/surveys/{survey_id}/results", url
        yield "/surveys/{survey_id}/results", f"{url}?per_page=1&page=2&team={teams[0]}"
        for campaign in survey["campaigns"]:
            if campaign["published"]:
                yield "/surveys/{survey_id}/results", f"{url}?campaign={campaign['id']}"


@pytest.mark.parametrize("role", ["executive", "consultant"])
def test_every_get_answer_of_the_demo_follows_the_published_schema(
    app: Flask, client: FlaskClient, role: str
) -> None:
    seed_demo()
    db.session.commit()
    document = client.get(PREFIX + "/openapi.json").json
    assert document is not None
    headers = api_headers(demo_user(role))
    validators: dict[str, Draft202012Validator] = {}
    visited: set[str] = set()
    for path, url in demo_visits(client, headers):
        response = client.get(PREFIX + url, headers=headers)
        assert response.status_code == 200, (url, response.json)
        validator = validators.get(path) or validators.setdefault(
            path, answer_validator(document, path)
        )
        assert problems(validator, response.json) == [], url
        visited.add(path)
    assert visited == get_routes(app), "every GET route is checked on the demo"


def test_the_check_catches_an_unknown_field_and_a_wrong_type(
    client: FlaskClient, app: Flask
) -> None:
    seed_demo()
    db.session.commit()
    document = client.get(PREFIX + "/openapi.json").json
    assert document is not None
    initiative = db.session.scalars(select(Initiative)).one()
    headers = api_headers(demo_user("executive"))
    body = json_of(client, f"{PREFIX}/initiatives/{initiative.id}/stages", headers)
    validator = answer_validator(document, "/initiatives/{initiative_id}/stages")
    assert problems(validator, body) == []
    extra = {**body, "stages": [{**body["stages"][0], "secret": 1}, *body["stages"][1:]]}
    assert problems(validator, extra) == [
        "['stages', 0]: Additional properties are not allowed ('secret' was unexpected)"
    ]
    wrong = {**body, "stages": [{**body["stages"][0], "leader_n": "3"}, *body["stages"][1:]]}
    assert problems(validator, wrong) == ["['stages', 0, 'leader_n']: '3' is not of type 'integer'"]


def test_the_diagnosis_answer_follows_its_published_schema(client: FlaskClient, app: Flask) -> None:
    seed_demo()
    db.session.commit()
    initiative = db.session.scalars(select(Initiative)).one()
    document = client.get(PREFIX + "/openapi.json").json
    assert document is not None
    validator = answer_validator(document, "/initiatives/{initiative_id}/diagnosis")
    for role in ("executive", "consultant"):
        url = f"{PREFIX}/initiatives/{initiative.id}/diagnosis"
        body = json_of(client, url, api_headers(demo_user(role)))
        errors = problems(validator, body)
        assert errors == [], errors[:5]
        # The drift that once slipped through: findings without a step, and team objects.
        assert any(f["step"] is None for f in body["findings"])
        hotspot = next(f for f in body["findings"] if f["kind"] == "hotspot")
        assert hotspot["teams"][0]["name"] == "Sales North" and hotspot["teams"][0]["id"]
        assert set(hotspot["period"]) == {"from", "to"}


def test_only_consultants_get_the_leadership_finding(client: FlaskClient, app: Flask) -> None:
    """The audience is declared on the Finding model; the answers differ by it alone."""
    seed_demo()
    db.session.commit()
    initiative = db.session.scalars(select(Initiative)).one()
    url = f"{PREFIX}/initiatives/{initiative.id}/diagnosis"
    executive = json_of(client, url, api_headers(demo_user("executive")))
    consultant = json_of(client, url, api_headers(demo_user("consultant")))
    kinds = {f["kind"] for f in consultant["findings"]}
    assert "leadership" in kinds and "leadership" not in {f["kind"] for f in executive["findings"]}
    others = [f for f in consultant["findings"] if f["kind"] != "leadership"]
    assert executive == {**consultant, "findings": others}
