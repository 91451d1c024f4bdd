"""Results that scale with what they show: the results API a page of campaigns at a time,
and both CSV exports streamed (raw answers still in a random order, with no day or time)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from app.services import results as service
from app.services.results import published
from models import Campaign, Survey, Team, db
from models.base import utcnow
from tests import builders
from tests.builders import answer, api_headers, make_campaign, make_survey, publish
from tests.conftest import World
from tests.results_checks import csv_rows

DIMENSIONS = ["kotter_urgency", "adkar_awareness", "recommend", "comment"]
# Days before now each campaign opened, in creation order: ids and age disagree.
AGES = (5, 2, 6, 3, 1, 4)


def row(urgency: int = 4, awareness: int = 3, rec: int = 8) -> dict[str, int]:
    return {"kotter_urgency_1": urgency, "adkar_awareness_1": awareness, "recommend": rec}


@dataclass
class Scene:
    survey: Survey
    published: list[Campaign]  # newest first
    open: Campaign
    sales: Team
    service: Team
    tiny: Team
    headers: dict[str, str]


@pytest.fixture
def scene(world: World) -> Scene:
    o = world.organization
    sales = builders.make_team(o, "Sales")
    service_team = builders.make_team(o, "Service")
    tiny = builders.make_team(o, "Tiny", parent_id=sales.id)
    db.session.commit()
    survey = make_survey(world.initiative, DIMENSIONS)
    campaigns = []
    for number, age in enumerate(AGES):
        campaign = make_campaign(
            survey,
            {sales: 4, service_team: 12, tiny: 9},
            utcnow() - timedelta(days=age, minutes=number),
        )
        # Tiny answers twice: hidden ("too few"), and Sales with it must not give it away.
        answer(campaign, tiny, [row(1, 1, 0)] * 2, ["tiny secret"] * 2)
        answer(campaign, sales, [row(2 + number % 3)] * 3)
        answer(campaign, service_team, [row(4, 4, 9)] * (6 + number))
        campaigns.append((age, campaign))
    for _, campaign in campaigns[:-1]:
        publish(campaign)
    published = [c for _, c in sorted(campaigns[:-1], key=lambda pair: pair[0])]
    return Scene(
        survey, published, campaigns[-1][1], sales, service_team, tiny, api_headers(world.executive)
    )


def _get(client: FlaskClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    return response.json  # type: ignore[return-value]


def _walk(client: FlaskClient, scene: Scene, query: str) -> list[dict[str, Any]]:
    """Every page, following ``next`` from the first."""
    url: str | None = f"/api/v1/surveys/{scene.survey.id}/results{query}"
    pages = []
    while url is not None:
        body = _get(client, url, scene.headers)
        pages.append(body)
        url = body["next"]
        assert len(pages) <= len(scene.published) + 1
    return pages


def _one_campaign(client: FlaskClient, scene: Scene, campaign_id: int, team: str = "") -> str:
    body = _get(
        client,
        f"/api/v1/surveys/{scene.survey.id}/results?campaign={campaign_id}{team}",
        scene.headers,
    )
    assert set(body) == {"min_group_size", "min_comment_group_size", "groups"}
    return json.dumps(body["groups"], sort_keys=True)


@pytest.mark.parametrize("team", [False, True])
def test_pages_cover_every_published_campaign_once_newest_first(
    client: FlaskClient, scene: Scene, team: bool
) -> None:
    team_query = f"&team={scene.sales.id}" if team else ""
    pages = _walk(client, scene, f"?per_page=2{team_query}")
    assert [p["page"] for p in pages] == [1, 2, 3]
    assert [len(p["campaigns"]) for p in pages] == [2, 2, 1]
    assert all(p["per_page"] == 2 and p["min_group_size"] == 5 for p in pages)
    seen = [c for p in pages for c in p["campaigns"]]
    assert seen == [c.id for c in scene.published]  # each once, newest first
    assert scene.open.id not in seen
    for page in pages:
        # Groups come campaign by campaign in the page's order, exactly as unpaged.
        order = [g["campaign_id"] for g in page["groups"]]
        assert order == sorted(order, key=page["campaigns"].index)
        for campaign_id in page["campaigns"]:
            groups = [g for g in page["groups"] if g["campaign_id"] == campaign_id]
            assert json.dumps(groups, sort_keys=True) == _one_campaign(
                client, scene, campaign_id, team_query
            )
    assert pages[-1]["next"] is None


def test_default_page_size_and_the_largest(client: FlaskClient, scene: Scene) -> None:
    base = f"/api/v1/surveys/{scene.survey.id}/results"
    first = _get(client, base, scene.headers)
    assert first["page"] == 1 and first["per_page"] == 4
    assert first["campaigns"] == [c.id for c in scene.published[:4]]
    assert first["next"] == f"{base}?page=2&per_page=4"
    second = _get(client, first["next"], scene.headers)
    assert second["campaigns"] == [scene.published[4].id] and second["next"] is None
    everything = _get(client, base + "?per_page=26", scene.headers)
    assert everything["campaigns"] == [c.id for c in scene.published]
    assert everything["next"] is None
    # Past the end: an empty page, not an error.
    beyond = _get(client, base + "?page=9", scene.headers)
    assert beyond["campaigns"] == [] and beyond["groups"] == [] and beyond["next"] is None


def test_suppression_is_the_same_on_every_page(client: FlaskClient, scene: Scene) -> None:
    pages = _walk(client, scene, "?per_page=3")
    groups = [g for p in pages for g in p["groups"]]
    assert {g["campaign_id"] for g in groups} == {c.id for c in scene.published}
    for campaign in scene.published:
        expected = service.survey_results(scene.survey, campaign.id).groups
        mine = [g for g in groups if g["campaign_id"] == campaign.id]
        assert [(g["team_id"], g["suppressed"]) for g in mine] == [
            (g.team_id, g.suppressed) for g in expected
        ]
        tiny = next(g for g in mine if g["team_id"] == scene.tiny.id)
        assert tiny["suppressed"] and tiny["status"] == "too_few"
        # No hidden group carries a figure on any page.
        for hidden in (g for g in mine if g["suppressed"]):
            assert hidden["responses"] is hidden["dimensions"] is hidden["enps"] is None
            assert hidden["response_rate"] is None
    assert "tiny secret" not in json.dumps(pages)


def test_a_page_reads_only_its_campaigns_groups(
    client: FlaskClient, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[list[int]] = []
    real = published._published_groups

    def spy(scopes: dict[int, frozenset[int | None]]) -> list[service.GroupResult]:
        loaded.append(sorted(campaign for campaign, teams in scopes.items() if teams))
        return real(scopes)

    monkeypatch.setattr(published, "_published_groups", spy)
    _get(client, f"/api/v1/surveys/{scene.survey.id}/results?page=2&per_page=2", scene.headers)
    assert loaded == [sorted(c.id for c in scene.published[2:4])]


def test_survey_results_loads_only_the_campaigns_asked(scene: Scene) -> None:
    some = [scene.published[0].id, scene.published[3].id]
    found = service.survey_results(scene.survey, campaign_ids=some)
    assert {g.campaign_id for g in found.groups} == set(some)
    assert len(found.campaigns) == len(AGES)  # every campaign stays listed
    for campaign_id in some:
        assert found.groups_of(campaign_id) == list(
            service.survey_results(scene.survey, campaign_id).groups
        )
    both = service.survey_results(scene.survey, some[0], campaign_ids=some[1:])
    assert both.groups == ()
    assert service.survey_results(scene.survey, campaign_ids=[]).groups == ()
    assert service.published_campaign_ids(scene.survey.id) == [c.id for c in scene.published]
    with pytest.raises(service.UnknownFilter):
        service.survey_results(scene.survey, campaign_ids=[*some, 2**31 - 1])


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=abc",
        "page=1.5",
        "page=",
        "page=%EF%BC%91",  # a full-width digit one
        "page=99999999999999999999",
        "per_page=0",
        "per_page=27",
        "per_page=x",
        "per_page=4.0",
        "page=2&per_page=1e3",
    ],
)
def test_bad_page_values_are_400_json(client: FlaskClient, scene: Scene, query: str) -> None:
    response = client.get(
        f"/api/v1/surveys/{scene.survey.id}/results?{query}", headers=scene.headers
    )
    assert response.status_code == 400, query
    assert response.is_json and "error" in response.json  # type: ignore[operator]


def test_paged_answers_follow_the_published_schema(client: FlaskClient, scene: Scene) -> None:
    document = _get(client, "/api/v1/openapi.json", {})
    schema = document["paths"]["/surveys/{survey_id}/results"]["get"]["responses"]["200"]
    root = {
        **schema["content"]["application/json"]["schema"],
        "components": document["components"],
    }
    validator = Draft202012Validator(root)
    base = f"/api/v1/surveys/{scene.survey.id}/results"
    for url in (base, base + "?per_page=1&page=5", f"{base}?campaign={scene.published[0].id}"):
        body = _get(client, url, scene.headers)
        assert [e.message for e in validator.iter_errors(body)] == [], url
    names = {
        p["name"] for p in document["paths"]["/surveys/{survey_id}/results"]["get"]["parameters"]
    }
    assert {"page", "per_page"} <= names


# --- streamed exports ------------------------------------------------------------------------


def test_both_exports_stream_as_attachments(
    app: Flask, client: FlaskClient, world: World, scene: Scene
) -> None:
    builders.login(client, world.consultant)
    for name in ("results", "answers"):
        response = client.get(f"/surveys/{scene.survey.id}/{name}.csv")
        assert response.status_code == 200 and response.is_streamed
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="survey-{scene.survey.id}-{name}.csv"'
        )
        assert response.headers["Cache-Control"] == "no-store"
        assert response.get_data(as_text=True).startswith(
            "campaign_id," if name == "results" else "response,campaign,team,"
        )


def test_raw_answers_stream_in_a_fresh_random_order_without_days(
    client: FlaskClient, world: World, scene: Scene
) -> None:
    builders.login(client, world.consultant)
    url = f"/surveys/{scene.survey.id}/answers.csv"
    bodies = [client.get(url).get_data(as_text=True) for _ in range(3)]
    runs = [csv_rows(body) for body in bodies]
    total = sum(2 + 3 + 6 + n for n in range(len(AGES) - 1))
    for rows in runs:
        assert [r["response"] for r in rows] == [str(i) for i in range(1, total + 1)]
        assert set(rows[0]) == {"response", "campaign", "team", *_keys(), "comment"}
    # The same rows every time, in a fresh order each time (40 rows: a repeat is negligible).
    sequences = [[tuple(v for k, v in r.items() if k != "response") for r in rows] for rows in runs]
    assert sorted(sequences[0]) == sorted(sequences[1]) == sorted(sequences[2])
    assert len({tuple(sequence) for sequence in sequences}) > 1
    orders = [[r["campaign"] for r in rows] for rows in runs]
    # Not grouped by campaign (submission order would group them): campaigns interleave.
    assert orders[0] != sorted(orders[0]) and orders[0] != sorted(orders[0], reverse=True)
    assert "tiny secret" not in "".join(bodies)
    for body in bodies:
        assert str(utcnow().year) + "-" not in body


def _keys() -> list[str]:
    return ["kotter_urgency_1", "adkar_awareness_1", "recommend"]
