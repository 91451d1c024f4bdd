"""The 360 gives nothing away over time: no observer figure or group count while a cycle is open.

Each page of the 360 pools observers correctly on its own; the danger is two
views a submission apart (4 x mean of 4 - 3 x mean of 3 is the fourth
observer's ratings, and the group counts say which group they are in). The
attack below watches every page and API answer that carries 360 figures after
each single observer, through the real observer form, and finds nothing that
moves but the total of observers; once the cycle is closed the figures are
there and match the ratings sent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

from app.services import practices
from app.services.errors import ServiceError
from models import PracticeCycle, PracticeResponse, User, db
from survey.practices import BEHAVIOURS, PRACTICES, RELATIONSHIPS
from tests import builders
from tests.builders import api_headers
from tests.conftest import World

Ratings = dict[str, int]

PARTICIPATION = re.compile(
    r"Observer ratings appear when the 360 is closed: "
    r"(\d+) observers? (?:has|have) answered so far\."
)

# The CSRF token of the logout form is signed with the time: it changes by itself.
CSRF_TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')

# Seven observers over every relationship, so that any count per group would move
# differently from the total; each rating differs by observer and behaviour.
RELATIONS = ("peer", "manager", "direct_report", "peer", "other", "direct_report", "peer")


def json_of(response: TestResponse) -> Any:
    """An API answer's JSON body, loosely typed so that tests can index it."""
    return response.json


def observer_ratings(person: int) -> Ratings:
    return {b.key: 1 + (3 * person + 7 * b.number) % 10 for b in BEHAVIOURS}


SELF: Ratings = {b.key: 1 + b.number % 10 for b in BEHAVIOURS}


@dataclass
class Scene:
    world: World
    cycle: PracticeCycle
    leader_token: dict[str, str]
    consultant_token: dict[str, str]


def form(ratings: Ratings) -> dict[str, str]:
    return {key: str(value) for key, value in ratings.items()}


def send_observer(
    client: FlaskClient, cycle: PracticeCycle, relation: str, ratings: Ratings
) -> None:
    """One observer through the public form, as from their phone."""
    response = client.post(
        f"/360/{cycle.observer_code}", data={"relationship": relation, **form(ratings)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]


def close_with(consultant: FlaskClient, cycle: PracticeCycle) -> None:
    """The consultant presses "Close" (their client is logged in)."""
    assert consultant.post(f"/practices/{cycle.id}/close").status_code == 302
    consultant.get("/")  # spend the "closed" flash message
    db.session.refresh(cycle)
    assert cycle.closed_at is not None


def logged_in(app_client: FlaskClient, user: User) -> FlaskClient:
    builders.login(app_client, user)
    app_client.get("/")  # spend the login's flash message, which would differ on the first page
    return app_client


def snapshot(
    leader: FlaskClient, consultant: FlaskClient, scene: Scene, cycle: PracticeCycle
) -> dict[str, str]:
    """Everything the leader and the consultant can see of the 360, pages and JSON."""
    initiative = scene.world.initiative.id
    api = f"/api/v1/leaders/{cycle.leader_id}/practices"
    pages = {
        "leader report": (leader, f"/practices/{cycle.id}/report"),
        "leader self page": (leader, f"/practices/{cycle.id}/self"),
        "leader overview": (leader, f"/initiatives/{initiative}/practices"),
        "consultant report": (consultant, f"/practices/{cycle.id}/report"),
        "consultant overview": (consultant, f"/initiatives/{initiative}/practices"),
        "consultant team view": (consultant, f"/initiatives/{initiative}/practices/team"),
        "consultant diagnosis": (consultant, f"/initiatives/{initiative}/dashboard/consultant"),
    }
    shots = {}
    for name, (client, path) in pages.items():
        response = client.get(path)
        assert response.status_code == 200, name
        shots[name] = response.get_data(as_text=True)
    for name, path, headers in (
        ("leader API", api, scene.leader_token),
        ("leader API, this cycle", f"{api}?cycle={cycle.id}", scene.leader_token),
        ("consultant API", api, scene.consultant_token),
        ("consultant API, this cycle", f"{api}?cycle={cycle.id}", scene.consultant_token),
        ("diagnosis API", f"/api/v1/initiatives/{initiative}/diagnosis", scene.consultant_token),
    ):
        response = leader.get(path, headers=headers)
        assert response.status_code == 200, name
        shots[name] = json.dumps(json_of(response), sort_keys=True)
    return shots


def without_total(name: str, shot: str, answered: int) -> str:
    """The snapshot with the one thing allowed to change, the total so far, taken out."""
    if "API" in name:
        data = json.loads(shot)
        for part in (data.get("cycle"), data.get("in_progress")):
            if part and part.get("observers_answered") is not None and not part.get("closed"):
                assert part["observers_answered"] == answered, name
                part["observers_answered"] = "N"
        return json.dumps(data, sort_keys=True)
    totals = {int(n) for n in PARTICIPATION.findall(shot)}
    assert totals <= {answered}, (name, totals)
    return CSRF_TOKEN.sub(r'\1TOKEN"', PARTICIPATION.sub("PARTICIPATION", shot))


def expected_practices(sent: list[Ratings]) -> dict[str, float]:
    """The observers' mean practice score (6-60), worked out from the ratings sent."""
    return {
        p.key: sum(sum(r[b.key] for b in BEHAVIOURS if b.practice == p.key) for r in sent)
        / len(sent)
        for p in PRACTICES
    }


def new_scene(world: World) -> Scene:
    cycle = builders.make_practice_cycle(world.initiative, world.executive, world.consultant)
    db.session.commit()
    return Scene(world, cycle, api_headers(world.executive), api_headers(world.consultant))


@pytest.mark.parametrize("earlier", [False, True], ids=["first-360", "with-an-earlier-closed-360"])
def test_watching_after_every_observer_reveals_nothing_until_the_360_is_closed(
    make_app: Any, world: World, earlier: bool
) -> None:
    # A second app whose requests each get their own app context: the test's own context
    # would share flask-login's cached user between the three clients.
    web = make_app()
    observer = web.test_client()
    leader = logged_in(web.test_client(), world.executive)
    consultant = logged_in(web.test_client(), world.consultant)
    scene = new_scene(world)
    published: dict[str, float] | None = None
    if earlier:  # a published 360 stays what is shown while the next one collects answers
        old = [observer_ratings(person + 20) for person in range(3)]
        for ratings in old:
            send_observer(observer, scene.cycle, "peer", ratings)
        close_with(consultant, scene.cycle)
        published = expected_practices(old)
        scene.cycle = builders.make_practice_cycle(
            world.initiative, world.executive, world.consultant
        )
        db.session.commit()
    cycle = scene.cycle
    assert leader.post(f"/practices/{cycle.id}/self", data=form(SELF)).status_code == 302
    leader.get("/", follow_redirects=True)  # spend the "saved" flash message

    first = {
        name: without_total(name, shot, 0)
        for name, shot in snapshot(leader, consultant, scene, cycle).items()
    }
    sent: list[Ratings] = []
    for person, relation in enumerate(RELATIONS):
        sent.append(observer_ratings(person))
        send_observer(observer, cycle, relation, sent[-1])
        for name, shot in snapshot(leader, consultant, scene, cycle).items():
            assert without_total(name, shot, len(sent)) == first[name], (
                f"{name} changed after observer {len(sent)} in more than the total"
            )

    # While open: the leader sees their own ratings, nobody sees an observer figure.
    report = leader.get(f"/practices/{cycle.id}/report").get_data(as_text=True)
    assert "Observer ratings appear when the 360 is closed: 7 observers have answered" in report
    assert "Your self-assessment" in report
    this_cycle = f"/api/v1/leaders/{cycle.leader_id}/practices?cycle={cycle.id}"
    data = json_of(leader.get(this_cycle, headers=scene.leader_token))
    assert data["cycle"]["closed"] is False and data["cycle"]["observers_answered"] == 7
    assert data["observer_n"] is None and data["groups"] == [] and data["pooled"] is None
    assert {(p["observers"], p["observer_n"]) for p in data["practices"]} == {(None, None)}
    assert [p["self"] for p in data["practices"]] == [
        sum(SELF[b.key] for b in BEHAVIOURS if b.practice == p.key) for p in PRACTICES
    ]
    latest = json_of(leader.get(this_cycle.split("?")[0], headers=scene.consultant_token))
    if published is None:
        assert latest["cycle"]["id"] == cycle.id and latest["in_progress"] is None
        assert {p["observers"] for p in latest["practices"]} == {None}
    else:
        assert latest["cycle"]["closed"] and latest["in_progress"]["observers_answered"] == 7
        assert {p["key"]: p["observers"] for p in latest["practices"]} == pytest.approx(published)

    # Positive control: closed, the same pages show the figures the ratings add up to.
    close_with(consultant, cycle)
    expected = expected_practices(sent)
    closed = snapshot(leader, consultant, scene, cycle)
    data = json.loads(closed["consultant API"])
    assert data["cycle"] == {**data["cycle"], "id": cycle.id, "closed": True}
    assert data["observer_n"] == 7
    assert {p["key"]: p["observers"] for p in data["practices"]} == pytest.approx(
        expected, abs=0.005
    )
    behaviours = {b["key"]: b["observers"] for b in data["behaviours"]}
    assert behaviours == pytest.approx(
        {b.key: sum(r[b.key] for r in sent) / len(sent) for b in BEHAVIOURS}, abs=0.005
    )
    assert {g["relationship"]: g["n"] for g in data["groups"]} == {
        key: RELATIONS.count(key) for key in RELATIONSHIPS
    }
    for name in ("leader report", "consultant report", "consultant team view"):
        for value in expected.values():
            assert f"{value:.1f}" in closed[name], (name, value)
        assert not PARTICIPATION.search(closed[name]), name
    kinds = {finding["kind"] for finding in json.loads(closed["diagnosis API"])["findings"]}
    assert "leadership" in kinds, "the diagnosis reads the closed 360"


# "2 managers", "4 peers", "2 direct reports" in a page's text, however marked up.
GROUP_COUNT = re.compile(r"\b\d+\s+(?:managers?|peers?|direct reports?|others?)\b", re.IGNORECASE)


def test_relationship_counts_are_not_shown_while_open(client: FlaskClient, world: World) -> None:
    scene = new_scene(world)
    for person, relation in enumerate(("manager", "peer", "peer", "direct_report") * 2):
        send_observer(client, scene.cycle, relation, observer_ratings(person))
    overview, report = (
        f"/initiatives/{world.initiative.id}/practices",
        f"/practices/{scene.cycle.id}/report",
    )
    for who, path in (
        (world.executive, overview),
        (world.executive, report),
        (world.executive, f"/practices/{scene.cycle.id}/self"),
        (world.consultant, overview),
        (world.consultant, report),
    ):
        builders.login(client, who)
        page = client.get(path).get_data(as_text=True)
        client.post("/logout")
        assert "8 observers have answered so far" in page, path
        assert 'class="pr-count"' not in page, path
        assert not GROUP_COUNT.search(re.sub(r"<[^>]+>", " ", page)), path
    api = f"/api/v1/leaders/{world.executive.id}/practices"
    data = json_of(client.get(api, headers=scene.consultant_token))
    assert data["groups"] == [] and data["observer_n"] is None

    practices.close_cycle(scene.cycle)  # positive control: the counts come with the report
    db.session.commit()
    builders.login(client, world.consultant)
    page = client.get(f"/initiatives/{world.initiative.id}/practices").get_data(as_text=True)
    assert '<span class="pr-count">4</span> peers' in page
    assert GROUP_COUNT.search(re.sub(r"<[^>]+>", " ", page)), "the check above would see them"
    data = json_of(client.get(api, headers=scene.consultant_token))
    assert {g["relationship"]: g["n"] for g in data["groups"]}["peer"] == 4


def _responses() -> int:
    return db.session.scalar(select(func.count()).select_from(PracticeResponse)) or 0


def test_an_answer_racing_the_close_is_refused_not_added_to_the_published_report(
    world: World,
) -> None:
    scene = new_scene(world)
    every = {b.key: 5 for b in BEHAVIOURS}
    assert scene.cycle.closed_at is None  # what the observer's request saw when it began
    with db.engine.begin() as other:  # meanwhile the consultant closes it
        other.execute(
            update(PracticeCycle)
            .where(PracticeCycle.id == scene.cycle.id)
            .values(closed_at=datetime.now(UTC))
        )
    with pytest.raises(ServiceError, match="closed"):
        practices.save_observer_response(scene.cycle, "peer", every, date.today())
    db.session.rollback()
    with pytest.raises(ServiceError, match="closed"):
        practices.save_self_response(scene.cycle, world.executive, every, date.today())
    db.session.rollback()
    assert _responses() == 0


def test_a_closed_360_is_never_reopened(world: World) -> None:
    scene = new_scene(world)
    assert practices.close_cycle(scene.cycle)
    db.session.commit()
    first = scene.cycle.closed_at
    assert not practices.close_cycle(scene.cycle), "closing again changes nothing"
    assert scene.cycle.closed_at == first
    with pytest.raises(ServiceError, match="stays closed"):
        scene.cycle.closed_at = None
    db.session.rollback()
    db.session.refresh(scene.cycle)
    assert scene.cycle.closed_at == first
