"""GET /api/v1/initiatives/<id>/stages, and the demo's story as it reaches the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.demo import seed_demo
from app.services import stages
from app.services.stages import RatingInput
from models import Initiative, db
from tests.builders import api_headers, make_user
from tests.conftest import World

KEYS = ["urgency", "coalition", "vision", "communicate", "empower", "wins", "consolidate", "anchor"]


def json_of(response: TestResponse) -> Any:
    """An API answer's JSON body, loosely typed so that tests can index it."""
    return response.json


def test_stages_in_order_with_the_contract_fields(client: FlaskClient, world: World) -> None:
    headers = api_headers(world.executive)
    initiative = world.initiative
    stage = stages.stage_for(initiative, "vision")
    stages.update_stage(
        stage, status="done", owner=world.executive, target_date=None, notes="", by=world.executive
    )
    stages.tick_evidence(stage.evidence[0], True, world.executive)
    assessment = stages.create_round(initiative, "Round 1", date(2026, 5, 1), world.consultant)
    stages.save_ratings(assessment, "user:1", "A", {"vision": RatingInput(2)})
    stages.save_ratings(assessment, "user:2", "B", {"vision": RatingInput(5)})
    stages.save_action(
        initiative, stage_key="vision", title="Write it down", owner=world.executive,
        due_date=date.today() - timedelta(days=1), status="open", by=world.consultant,
    )  # fmt: skip
    db.session.commit()

    body = json_of(client.get(f"/api/v1/initiatives/{initiative.id}/stages", headers=headers))
    assert body is not None
    assert [s["key"] for s in body["stages"]] == KEYS
    assert [s["position"] for s in body["stages"]] == list(range(1, 9))
    vision = body["stages"][2]
    assert vision == vision | {
        "name": "Develop a vision and strategy",
        "status": "done",
        "owner": world.executive.name,
        "evidence_done": 1,
        "evidence_total": 4,
        "leader_mean": 3.5,
        "leader_spread": 3,
        "leader_n": 2,
        "open_actions": 1,
        "overdue_actions": 1,
    }
    untouched = body["stages"][0]
    assert untouched["status"] == "not_started"
    assert untouched["leader_mean"] is None and untouched["leader_n"] == 0
    assert body["warnings"][0]["stage"] == "vision"
    assert "step 1 'urgency' is not started" in body["warnings"][0]["message"]


def test_stages_of_another_organisation_are_404(client: FlaskClient, world: World) -> None:
    headers = api_headers(world.outsider)
    response = client.get(f"/api/v1/initiatives/{world.initiative.id}/stages", headers=headers)
    assert response.status_code == 404
    assert json_of(response) == {"error": json_of(response)["error"]}


def test_demo_tells_the_stall_at_step_five(client: FlaskClient, app: Flask) -> None:
    seed_demo()
    reader = make_user(is_admin=True)
    headers = api_headers(reader)
    initiative = db.session.scalars(db.select(Initiative)).one()
    body = json_of(client.get(f"/api/v1/initiatives/{initiative.id}/stages", headers=headers))
    assert body is not None
    by_key = {s["key"]: s for s in body["stages"]}
    assert [by_key[k]["status"] for k in KEYS[:3]] == ["done"] * 3
    assert by_key["communicate"]["status"] == "in_progress"
    assert by_key["empower"]["leader_mean"] < 3 and by_key["empower"]["overdue_actions"] >= 1
    assert by_key["wins"]["status"] == "in_progress"
    assert [(w["stage"], w["earlier"]) for w in body["warnings"]] == [("wins", "empower")]
    assert sum(s["leader_spread"] >= 2 for s in body["stages"]) == 1, "one strong disagreement"
