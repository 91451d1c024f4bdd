"""GET /api/v1/initiatives/<id>/diagnosis: the names in docs/api.md, on the demo's story."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from app.demo import DEMO_LOGINS, seed_demo
from models import Initiative, Organization, Team, User, db
from tests.builders import api_headers
from tests.conftest import World

STEP_KEYS = ["urgency", "coalition", "vision", "communicate", "empower", "wins", "consolidate",
             "anchor"]  # fmt: skip


def _demo_user(role: str) -> User:
    email = next(login.email for login in DEMO_LOGINS if login.role == role)
    return db.session.scalars(select(User).where(User.email == email)).one()


def test_the_diagnosis_body_and_its_names(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    seed_demo()
    db.session.commit()
    initiative = db.session.scalars(
        select(Initiative).join(Organization).where(Organization.name == "Northwind Mutual")
    ).one()
    url = f"/api/v1/initiatives/{initiative.id}/diagnosis"

    body = client.get(url, headers=api_headers(_demo_user("executive"))).json
    assert {"stall_point", "stages", "gaps", "findings"} <= set(body)
    assert body["stall_point"] == "empower"
    assert [stage["key"] for stage in body["stages"]] == STEP_KEYS
    for stage in body["stages"]:
        assert {"key", "health"} <= set(stage) and 0 <= stage["health"] <= 100
    for gap in body["gaps"]:
        assert {"key", "leaders", "staff", "gap"} <= set(gap)
        assert gap["gap"] == round(gap["leaders"] - gap["staff"], 2)
    urgency = next(gap for gap in body["gaps"] if gap["key"] == "urgency")
    assert urgency["leaders"] == 4.5 and 2.4 <= urgency["staff"] <= 2.8
    for finding in body["findings"]:
        assert {"kind", "severity", "title", "evidence", "suggestion"} <= set(finding)
    assert [f["kind"] for f in body["findings"][:3]] == ["stall", "gap", "hotspot"]
    # Every finding has its period (or, without one, the date it describes) and its n in words;
    # the exact figures stay in "evidence", the plain words in "plain".
    for finding in body["findings"]:
        assert finding["basis"] and (finding["period"] is None) != (finding["as_of"] is None)
        assert "(n=" not in finding["plain"] and "/5" not in finding["plain"]
    stall, _, hotspot = body["findings"][:3]
    assert stall["as_of"] is not None and stall["basis"].startswith("As of ")
    assert "rated by 2 leaders and 130 staff" in stall["basis"]
    assert "(n=2)" in stall["evidence"] and "2.0 of 5" in stall["plain"]
    assert hotspot["period"] == {"from": "2026-05-25", "to": "2026-11-16"}
    assert hotspot["basis"].startswith("Over the 26 weeks to 16 Nov 2026, ")
    assert "leadership" not in {f["kind"] for f in body["findings"]}
    assert body["adoption"]["metric"] == "adoption_rate"
    assert body["adoption"]["projected_target_date"] is None
    assert body["adoption"]["projection_method"] == "not on the current trend"
    assert "Sales Operations" not in {s["team"] for s in body["series"]}

    consultant = client.get(url, headers=api_headers(_demo_user("consultant"))).json
    assert "leadership" in {f["kind"] for f in consultant["findings"]}
    assert consultant["stages"] == body["stages"]

    # The metric series endpoint reads its trend and projection the same way.
    north = db.session.scalars(select(Team).where(Team.name == "Sales North")).one()
    series = client.get(
        f"/api/v1/initiatives/{initiative.id}/metrics/adoption_rate?team={north.id}",
        headers=api_headers(_demo_user("executive")),
    ).json
    diagnosed = next(s for s in body["series"] if s["team_id"] == north.id)
    assert series["trend"] == diagnosed["trend"] == "plateau"
    assert series["projected_target_date"] is None
    assert series["projection_method"] == "not on the current trend"


def test_an_empty_initiative_and_strangers(client: FlaskClient, world: World) -> None:
    url = f"/api/v1/initiatives/{world.initiative.id}/diagnosis"
    body = client.get(url, headers=api_headers(world.executive)).json
    assert body["stall_point"] is None and body["gaps"] == [] and body["findings"] == []
    assert [stage["health"] for stage in body["stages"]] == [0.0] * 8
    assert body["adoption"] is None

    stranger = client.get(url, headers=api_headers(world.outsider))
    assert stranger.status_code == 404 and set(stranger.json) == {"error"}
    assert client.get(url).status_code == 401
    unknown = client.get(
        "/api/v1/initiatives/999999/diagnosis", headers=api_headers(world.executive)
    )
    assert unknown.status_code == 404
