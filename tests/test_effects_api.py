"""GET /api/v1/initiatives/<id>/effects: did the actions work, on the demo's two stories.

The floor-walkers lifted adoption in the two teams they touched against the others; the
weekly tip in Sales South did not (app/demo_loop.py). The API must say so with the very
numbers the action's page and the dashboard read (app.services.effects).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.demo import DEMO_LOGINS, DEMO_ORGANIZATION, seed_demo
from app.demo_loop import LOOP_ACTIONS
from app.services.effect_readings import ActionEffect
from app.services.effects import effects_for_initiative
from models import Action, ActionTeam, Initiative, Organization, SurveyAction, User, db
from tests.builders import api_headers
from tests.conftest import World

WORKED, DID_NOT = (title for _, title, *_ in LOOP_ACTIONS)


def _demo() -> Initiative:
    seed_demo()
    db.session.commit()
    return db.session.scalars(
        select(Initiative).join(Organization).where(Organization.name == DEMO_ORGANIZATION)
    ).one()


def _demo_user(role: str) -> User:
    email = next(login.email for login in DEMO_LOGINS if login.role == role)
    return db.session.scalars(select(User).where(User.email == email)).one()


def _items(response: TestResponse) -> list[dict[str, Any]]:
    assert response.status_code == 200 and response.json is not None, response.json
    items: list[dict[str, Any]] = response.json["items"]
    return items


def _expected(effect: ActionEffect) -> dict[str, Any]:
    """What the API should say about ``effect``, field by field from the service."""
    return {
        "kind": effect.kind,
        "id": effect.action_id,
        "title": effect.title,
        "step": effect.stage_key,
        "done_on": effect.done_on.isoformat(),
        "teams": effect.teams,
        "url": effect.path,
        "known": effect.known,
        "lines": [
            {
                "measure": line.measure,
                "kind": line.kind,
                "state": line.effect.state,
                "estimate": line.effect.estimate,
                "low": line.effect.low,
                "high": line.effect.high,
                "treated_change": line.effect.treated_change,
                "treated_n": line.effect.treated_n,
                "comparison_n": line.effect.comparison_n,
                "periods_before": line.effect.periods_before,
                "periods_after": line.effect.periods_after,
                "more_needed": line.effect.more_needed,
                "words": line.words,
            }
            for line in effect.lines
        ],
    }


def test_the_floor_walkers_worked_and_the_tip_did_not(client: FlaskClient, app: Any) -> None:
    initiative = _demo()
    url = f"/api/v1/initiatives/{initiative.id}/effects"
    response = client.get(url, headers=api_headers(_demo_user("executive")))
    assert response.status_code == 200
    items = _items(response)

    by_title = {item["title"]: item for item in items}
    worked, did_not = by_title[WORKED], by_title[DID_NOT]
    (adoption,) = [line for line in worked["lines"] if line["kind"] == "metric"]
    assert worked["kind"] == "step" and worked["step"] == "empower" and worked["known"]
    assert worked["teams"] == "Contact Centre, Policy Service"
    assert adoption["measure"] == "Adoption rate" and adoption["state"] == "better"
    assert 0 < adoption["low"] < adoption["estimate"] < adoption["high"]
    assert (adoption["treated_n"], adoption["comparison_n"]) == (2, 4)
    assert adoption["words"].startswith("Adoption rate rose")
    (tip,) = [line for line in did_not["lines"] if line["kind"] == "metric"]
    assert did_not["teams"] == "Sales South" and did_not["step"] == "communicate"
    assert tip["state"] == "noise" and tip["low"] <= 0 <= tip["high"]
    assert tip["words"].startswith("No effect distinguishable from noise")

    # Newest first, both kinds: the two step actions and the demo's "you said, we did" entries.
    days = [item["done_on"] for item in items]
    assert days == sorted(days, reverse=True)
    assert {item["kind"] for item in items} == {"step", "survey"}
    action = db.session.scalars(select(Action).where(Action.title == WORKED)).one()
    assert worked["id"] == action.id and worked["url"] == f"/actions/{action.id}/edit"
    entry = next(item for item in items if item["kind"] == "survey")
    survey_id = db.session.get_one(SurveyAction, entry["id"]).survey_id
    assert entry["url"] == f"/surveys/{survey_id}/results#you-said-{entry['id']}"

    # The very numbers the pages read, and the same answer for a consultant.
    expected = [_expected(e) for e in effects_for_initiative(initiative, date.today())]
    assert items == expected
    consultant = client.get(url, headers=api_headers(_demo_user("consultant")))
    assert consultant.json == response.json


def test_since_keeps_the_actions_done_from_that_day(client: FlaskClient, app: Any) -> None:
    initiative = _demo()
    url = f"/api/v1/initiatives/{initiative.id}/effects"
    headers = api_headers(_demo_user("executive"))
    everything = _items(client.get(url, headers=headers))
    worked = next(item for item in everything if item["title"] == WORKED)

    recent = _items(client.get(f"{url}?since={worked['done_on']}", headers=headers))
    assert WORKED in {item["title"] for item in recent}
    assert DID_NOT not in {item["title"] for item in recent}
    assert recent == [item for item in everything if item["done_on"] >= worked["done_on"]]
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert client.get(f"{url}?since={tomorrow}", headers=headers).json == {"items": []}

    for bad in ("yesterday", "2026-02-30", "2026-1-5", "20261105", "", "2026-11-05T00:00"):
        response = client.get(url, query_string={"since": bad}, headers=headers)
        assert response.status_code == 400, bad
        assert response.json == {"error": "since must be a date written YYYY-MM-DD."}


def test_only_done_actions_and_only_for_members(client: FlaskClient, world: World) -> None:
    url = f"/api/v1/initiatives/{world.initiative.id}/effects"
    assert _items(client.get(url, headers=api_headers(world.executive))) == []
    now = datetime.now(UTC)
    for title, status, done_at in (
        ("Still open", "open", None),
        ("Reopened", "in_progress", None),
        ("Floor-walkers in Claims", "done", now),
    ):
        db.session.add(
            Action(
                initiative_id=world.initiative.id, stage_key="empower", title=title,
                status=status, done_at=done_at, teams=[ActionTeam(team_id=world.team.id)],
            )
        )  # fmt: skip
    db.session.commit()

    for member in (world.executive, world.consultant, world.admin):
        (item,) = _items(client.get(url, headers=api_headers(member)))
        assert (item["title"], item["teams"], item["known"]) == (
            "Floor-walkers in Claims",
            "Claims",
            False,
        )
        assert item["done_on"] == now.date().isoformat()
        # Done today: nothing measured after it yet, so no estimate and no interval.
        assert item["lines"] and all(line["estimate"] is None for line in item["lines"])

    stranger = client.get(url, headers=api_headers(world.outsider))
    unknown = client.get("/api/v1/initiatives/999999/effects", headers=api_headers(world.executive))
    # The same answer as for an initiative that does not exist: nothing reveals it.
    assert stranger.status_code == unknown.status_code == 404
    assert stranger.json == unknown.json and stranger.json is not None
    assert set(stranger.json) == {"error"}
    # Refused before the query is read: a bad since tells an outsider nothing either.
    bad = client.get(f"{url}?since=soon", headers=api_headers(world.outsider))
    assert bad.status_code == 404
    assert client.get(url).status_code == 401
