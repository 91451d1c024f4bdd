"""The leadership-practices 360 through the app: forms, reports, charts, JSON and who sees what."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from werkzeug.test import TestResponse

from app.demo import seed_demo
from app.services import practices
from app.services.errors import ServiceError
from config import ConfigError, settings_from_env
from models import PracticeAnswer, PracticeCycle, PracticeResponse, User, db
from survey.practices import BEHAVIOURS, PRACTICE_KEYS
from tests import builders
from tests.builders import api_headers
from tests.conftest import World

PracticeValues = Mapping[str, int]


def json_of(response: TestResponse) -> Any:
    """An API answer's JSON body, loosely typed so that tests can index it."""
    return response.json


@dataclass
class Cycle360:
    world: World
    cycle: PracticeCycle
    leader: User  # world.executive
    fellow: User  # another executive of the same organisation

    @property
    def code(self) -> str:
        return self.cycle.observer_code

    def user(self, who: str) -> User | None:
        if who == "leader":
            return self.leader
        if who == "fellow":
            return self.fellow
        return self.world.user(who)


@pytest.fixture
def c360(world: World) -> Cycle360:
    fellow = builders.make_user(
        "fellow@acme.example", name="Fellow Exec", organization=world.organization
    )
    cycle = builders.make_practice_cycle(world.initiative, world.executive, world.consultant)
    db.session.commit()
    return Cycle360(world, cycle, world.executive, fellow)


def ratings(values: PracticeValues | int) -> dict[str, str]:
    """Form data rating every behaviour: one value, or one per practice."""
    if isinstance(values, int):
        values = dict.fromkeys(PRACTICE_KEYS, values)
    return {b.key: str(values[b.practice]) for b in BEHAVIOURS}


def observe(client: FlaskClient, code: str, relationship: str, values: PracticeValues | int) -> Any:
    response = client.post(f"/360/{code}", data={"relationship": relationship, **ratings(values)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def rate_self(client: FlaskClient, c360: Cycle360, values: PracticeValues | int) -> None:
    builders.login(client, c360.leader)
    response = client.post(f"/practices/{c360.cycle.id}/self", data=ratings(values))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    client.post("/logout")


def close(c360: Cycle360) -> None:
    """Close the cycle: observer figures are published only then."""
    assert practices.close_cycle(c360.cycle)
    db.session.commit()


def stored() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(PracticeResponse)) or 0,
        db.session.scalar(select(func.count()).select_from(PracticeAnswer)) or 0,
    )


def chart_specs(html: str) -> list[dict[str, Any]]:
    """Every figure embedded in a page's ``data-chart`` attributes."""
    return [json.loads(unescape(raw)) for raw in re.findall(r'data-chart="([^"]*)"', html)]


def chart_numbers(html: str) -> list[float]:
    numbers: list[float] = []
    for spec in chart_specs(html):
        for trace in spec["data"]:
            for axis in ("x", "y"):
                numbers.extend(v for v in trace.get(axis, []) if isinstance(v, int | float))
    return numbers


def checked(page: str, value: str) -> int:
    """How many radio buttons with this value are checked (answers kept in the form)."""
    return len(re.findall(rf'<input checked [^>]*value="{value}"', page))


def api_practices(client: FlaskClient, c360: Cycle360) -> dict[str, Any]:
    response = client.get(
        f"/api/v1/leaders/{c360.leader.id}/practices", headers=api_headers(c360.world.consultant)
    )
    assert response.status_code == 200
    return json_of(response)  # type: ignore[no-any-return]


# --- scoring end to end ------------------------------------------------------------------

# Self: 8 9 5 7 9 per practice; three peers: mean 8 7 6 6 4 (see tests/survey).
SELF = {"model": 8, "inspire": 9, "challenge": 5, "enable": 7, "encourage": 9}
PEERS = (
    {"model": 8, "inspire": 6, "challenge": 7, "enable": 5, "encourage": 4},
    {"model": 9, "inspire": 7, "challenge": 7, "enable": 6, "encourage": 3},
    {"model": 7, "inspire": 8, "challenge": 4, "enable": 7, "encourage": 5},
)


def test_a_full_cycle_scores_self_vs_observers_on_the_page_and_in_the_api(
    client: FlaskClient, c360: Cycle360
) -> None:
    rate_self(client, c360, SELF)
    for values in PEERS:
        observe(client, c360.code, "peer", values)
    assert stored() == (4, 120)
    close(c360)

    data = api_practices(client, c360)
    assert data["leader"] == {"id": c360.leader.id, "name": c360.leader.name}
    assert data["min_observers"] == 3
    assert data["cycle"]["closed"] is True and data["cycle"]["observers_answered"] == 3
    assert [p["key"] for p in data["practices"]] == list(PRACTICE_KEYS)
    assert {p["key"]: (p["self"], p["observers"], p["observer_n"]) for p in data["practices"]} == {
        "model": (48, 48.0, 3),
        "inspire": (54, 42.0, 3),
        "challenge": (30, 36.0, 3),
        "enable": (42, 36.0, 3),
        "encourage": (54, 24.0, 3),
    }
    assert {p["key"]: p["flag"] for p in data["practices"]} == {
        "model": None, "inspire": "over", "challenge": "under", "enable": "over",
        "encourage": "over",
    }  # fmt: skip
    peers = next(g for g in data["groups"] if g["relationship"] == "peer")
    assert peers["practices"] == {"model": 48.0, "inspire": 42.0, "challenge": 36.0,
                                  "enable": 36.0, "encourage": 24.0}  # fmt: skip

    builders.login(client, c360.leader)
    page = client.get(f"/practices/{c360.cycle.id}/report").get_data(as_text=True)
    assert "Encourage the heart" in page and "+30.0" in page and "▲ self higher" in page
    assert "−6.0" in page and "▼ self lower" in page
    profile = chart_specs(page)[0]
    assert [t["name"] for t in profile["data"]] == ["Self", "Observers (n = 3)"]
    assert profile["data"][1]["y"] == [48.0, 42.0, 36.0, 36.0, 24.0]


def test_the_self_assessment_replaces_the_earlier_one_and_fills_the_form_again(
    client: FlaskClient, c360: Cycle360
) -> None:
    rate_self(client, c360, 4)
    rate_self(client, c360, 9)
    assert stored() == (1, 30)
    assert set(practices.self_answers(c360.cycle).values()) == {9}
    builders.login(client, c360.leader)
    page = client.get(f"/practices/{c360.cycle.id}/self").get_data(as_text=True)
    assert checked(page, "9") == 30
    assert "I use the new CRM myself" in page
    assert f"/360/{c360.code}" in page, "the observer link to share"


def test_answers_are_added_up_in_the_database_and_inserted_in_one_executemany(
    client: FlaskClient, c360: Cycle360
) -> None:
    statements: list[tuple[str, bool]] = []

    def spy(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        statements.append((sql, many))

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        observe(client, c360.code, "peer", 7)
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    answer_inserts = [many for sql, many in statements if "INSERT INTO practice_answer" in sql]
    assert answer_inserts == [True]
    assert practices.aggregates([c360.cycle.id]) == ({}, {}), "nothing is read while open"
    close(c360)
    observers, _ = practices.aggregates([c360.cycle.id])
    assert {(row.relationship, row.n, row.total) for row in observers[c360.cycle.id]} == {
        ("peer", 1, 7)
    }


# --- the threshold -----------------------------------------------------------------------


def _pages(client: FlaskClient, c360: Cycle360) -> dict[str, str]:
    builders.login(client, c360.world.consultant)
    initiative = c360.world.initiative.id
    pages = {
        path: client.get(path).get_data(as_text=True)
        for path in (
            f"/practices/{c360.cycle.id}/report",
            f"/initiatives/{initiative}/practices",
            f"/initiatives/{initiative}/practices/team",
        )
    }
    client.post("/logout")
    return pages


def test_two_observers_show_no_observer_figure_in_any_page_chart_or_json(
    client: FlaskClient, c360: Cycle360
) -> None:
    rate_self(client, c360, 5)
    observe(client, c360.code, "peer", 2)
    observe(client, c360.code, "peer", 3)  # mean 2.5: practice score 15.0
    close(c360)

    data = api_practices(client, c360)
    assert data["observer_n"] == 2 and data["observers_needed"] == 1
    assert {p["observers"] for p in data["practices"]} == {None}
    assert {b["observers"] for b in data["behaviours"]} == {None}
    assert all(g["practices"] is None for g in data["groups"]) and data["pooled"] is None
    peers = next(g for g in data["groups"] if g["relationship"] == "peer")
    assert (peers["n"], peers["status"], peers["observers_needed"]) == (2, "too_few", 1)

    for path, page in _pages(client, c360).items():
        for figure in ("2.5", "15.0"):
            assert f">{figure}<" not in page, (path, figure)
        assert {2.5, 15.0}.isdisjoint(chart_numbers(page)), path
        for spec in chart_specs(page):
            assert all("Observers" not in trace["name"] for trace in spec["data"]), path
    report = _pages(client, c360)[f"/practices/{c360.cycle.id}/report"]
    assert "2 observers answered</strong> before this 360 closed" in report


def test_a_group_of_two_is_hidden_even_when_the_overall_figure_is_shown(
    client: FlaskClient, c360: Cycle360
) -> None:
    for _ in range(2):
        observe(client, c360.code, "peer", 1)  # peers alone: 6.0
    for _ in range(3):
        observe(client, c360.code, "direct_report", 10)  # direct reports alone: 60.0
    close(c360)
    data = api_practices(client, c360)
    # Overall: 6 x (2 + 30) / 5 = 38.4. Direct reports alone would give the peers away.
    assert {p["observers"] for p in data["practices"]} == {38.4}
    assert {g["relationship"]: g["status"] for g in data["groups"] if g["n"]} == {
        "peer": "too_few",
        "direct_report": "protecting",
    }
    assert all(g["practices"] is None for g in data["groups"]) and data["pooled"] is None
    report = _pages(client, c360)[f"/practices/{c360.cycle.id}/report"]
    assert ">6.0<" not in report and ">60.0<" not in report
    assert {6.0, 60.0}.isdisjoint(chart_numbers(report))


def test_a_lone_manager_cannot_be_recovered_from_the_overall_by_subtraction(
    client: FlaskClient, c360: Cycle360
) -> None:
    observe(client, c360.code, "manager", 1)  # alone: 6.0
    for _ in range(3):
        observe(client, c360.code, "peer", 10)  # peers alone: 60.0
    close(c360)
    data = api_practices(client, c360)
    assert {p["observers"] for p in data["practices"]} == {46.5}  # 6 x (1 + 30) / 4
    assert all(g["practices"] is None for g in data["groups"]) and data["pooled"] is None
    for path, page in _pages(client, c360).items():
        assert ">60.0<" not in page and ">6.0<" not in page, path
        assert {6.0, 60.0}.isdisjoint(chart_numbers(page)), path


def test_the_manager_is_shown_alone_only_where_the_organisation_allows_it(
    client: FlaskClient, c360: Cycle360
) -> None:
    c360.world.organization.show_manager_rating = True
    db.session.commit()
    observe(client, c360.code, "manager", 1)
    for _ in range(3):
        observe(client, c360.code, "peer", 10)
    close(c360)
    groups = {g["relationship"]: g for g in api_practices(client, c360)["groups"]}
    assert groups["manager"]["status"] == "manager"
    assert groups["manager"]["practices"] == dict.fromkeys(PRACTICE_KEYS, 6.0)
    assert groups["peer"]["practices"] == dict.fromkeys(PRACTICE_KEYS, 60.0)
    report = _pages(client, c360)[f"/practices/{c360.cycle.id}/report"]
    assert "shown on its own because the organisation allows it" in report


def test_a_higher_setting_needs_more_observers(make_app: Any, world: World, c360: Cycle360) -> None:
    code, url = c360.code, f"/api/v1/leaders/{c360.leader.id}/practices"
    headers, cycle_id = api_headers(world.consultant), c360.cycle.id
    strict = make_app(STEPWISE_MIN_OBSERVERS=5)
    client = strict.test_client()
    with strict.app_context():
        for _ in range(4):
            observe(client, code, "peer", 7)
        cycle = db.session.get(PracticeCycle, cycle_id)
        assert cycle is not None and practices.close_cycle(cycle)
        db.session.commit()
        data = json_of(client.get(url, headers=headers))
    assert data["min_observers"] == 5 and data["observers_needed"] == 1
    assert {p["observers"] for p in data["practices"]} == {None}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 3), ("", 3), ("3", 3), (" 6 ", 6)],
)
def test_min_observers_setting(tmp_path: Path, raw: str | None, expected: int) -> None:
    environ = {"SECRET_KEY": "x"} | ({} if raw is None else {"STEPWISE_MIN_OBSERVERS": raw})
    assert settings_from_env(tmp_path, environ)["STEPWISE_MIN_OBSERVERS"] == expected


@pytest.mark.parametrize("raw", ["2", "0", "-1", "three"])
def test_min_observers_below_three_is_refused(tmp_path: Path, raw: str) -> None:
    with pytest.raises(ConfigError, match="STEPWISE_MIN_OBSERVERS"):
        settings_from_env(tmp_path, {"SECRET_KEY": "x", "STEPWISE_MIN_OBSERVERS": raw})


# --- bad input is refused, nothing stored ------------------------------------------------


def _without(key: str) -> dict[str, str]:
    data = ratings(7)
    del data[key]
    return data


BAD_RATINGS = [
    pytest.param(_without("b07"), "Behaviour 7: Choose how often", id="missing-item"),
    pytest.param({**ratings(7), "b12": "0"}, "Behaviour 12: Ratings go from 1 to 10", id="zero"),
    pytest.param({**ratings(7), "b30": "11"}, "Behaviour 30: Ratings go from 1 to 10", id="eleven"),
    pytest.param({**ratings(7), "b03": "seven"}, "Behaviour 3: Ratings go from 1", id="text"),
]


@pytest.mark.parametrize(("data", "message"), BAD_RATINGS)
def test_bad_self_ratings_are_refused_with_the_problem_named(
    client: FlaskClient, c360: Cycle360, data: dict[str, str], message: str
) -> None:
    builders.login(client, c360.leader)
    before = stored()
    response = client.post(f"/practices/{c360.cycle.id}/self", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved" in page and message in page
    assert checked(page, "7") == 29, "the other answers are kept"
    assert stored() == before


@pytest.mark.parametrize(("data", "message"), BAD_RATINGS)
def test_bad_observer_ratings_are_refused_with_the_problem_named(
    client: FlaskClient, c360: Cycle360, data: dict[str, str], message: str
) -> None:
    before = stored()
    response = client.post(f"/360/{c360.code}", data={"relationship": "peer", **data})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert checked(page, "7") == 29
    assert checked(page, "peer") == 1
    assert stored() == before


@pytest.mark.parametrize(
    "relationship",
    [
        pytest.param("self", id="self-from-the-public-link"),
        pytest.param("boss", id="unknown"),
        pytest.param("", id="empty"),
        pytest.param(None, id="missing"),
    ],
)
def test_a_tampered_or_missing_relationship_is_refused(
    client: FlaskClient, c360: Cycle360, relationship: str | None
) -> None:
    data = ratings(7) | ({} if relationship is None else {"relationship": relationship})
    response = client.post(f"/360/{c360.code}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your relationship:" in page
    assert checked(page, "7") == 30
    assert stored() == (0, 0)


def test_a_closed_cycle_accepts_nothing_on_either_form(client: FlaskClient, c360: Cycle360) -> None:
    practices.close_cycle(c360.cycle)
    db.session.commit()
    response = client.post(f"/360/{c360.code}", data={"relationship": "peer", **ratings(7)})
    assert response.status_code == 410
    assert "no longer accepts ratings" in response.get_data(as_text=True)
    assert client.get(f"/360/{c360.code}").status_code == 410

    builders.login(client, c360.leader)
    response = client.post(f"/practices/{c360.cycle.id}/self", data=ratings(7))
    assert response.status_code == 409
    assert "This 360 is closed" in response.get_data(as_text=True)
    assert stored() == (0, 0)


def test_an_expired_form_keeps_the_answers_and_says_so(make_app: Any, c360: Cycle360) -> None:
    code = c360.code
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post(f"/360/{code}", data={"relationship": "peer", **ratings(6)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The page had expired" in page and checked(page, "6") == 30
    assert stored() == (0, 0)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    data = {"csrf_token": token.group(1), "relationship": "peer", **ratings(6)}
    assert client.post(f"/360/{code}", data=data).status_code == 302


def test_observers_are_kept_by_day_only(client: FlaskClient, c360: Cycle360) -> None:
    observe(client, c360.code, "peer", 6)
    submitted = db.session.scalars(select(PracticeResponse.submitted_on)).one()
    assert (submitted.hour, submitted.minute, submitted.second) == (0, 0, 0)


def test_an_unknown_observer_code_gets_a_friendly_page(client: FlaskClient, c360: Cycle360) -> None:
    for path in ("/360/not-a-real-code", f"/360/{c360.code}x", "/360/" + "x" * 300):
        response = client.get(path)
        assert response.status_code == 404
        assert "We do not recognise this link" in response.get_data(as_text=True)
    response = client.post("/360/not-a-real-code", data={"relationship": "peer", **ratings(7)})
    assert response.status_code == 404
    assert stored() == (0, 0)


@pytest.mark.parametrize(
    ("who", "status"),
    [("fellow", 404), ("consultant", 403), ("admin", 403), ("outsider", 404)],
)
def test_nobody_else_can_rate_the_leader_as_self(
    client: FlaskClient, c360: Cycle360, who: str, status: int
) -> None:
    builders.login(client, c360.user(who))
    assert client.post(f"/practices/{c360.cycle.id}/self", data=ratings(9)).status_code == status
    assert stored() == (0, 0)


def test_the_service_refuses_what_the_forms_would_refuse(c360: Cycle360) -> None:
    every = {b.key: 5 for b in BEHAVIOURS}
    today = date.today()
    with pytest.raises(ServiceError, match="Only the leader"):
        practices.save_self_response(c360.cycle, c360.fellow, every, today)
    with pytest.raises(ServiceError, match="Every behaviour"):
        practices.save_observer_response(c360.cycle, "peer", {"b01": 5}, today)
    with pytest.raises(ServiceError, match="not 11"):
        practices.save_observer_response(c360.cycle, "peer", every | {"b09": 11}, today)
    with pytest.raises(ServiceError, match="Unknown behaviours b31"):
        practices.save_observer_response(c360.cycle, "peer", every | {"b31": 5}, today)
    with pytest.raises(ServiceError, match="how you work"):
        practices.save_observer_response(c360.cycle, "self", every, today)
    assert stored() == (0, 0)


# --- opening and closing cycles ----------------------------------------------------------


def _cycles() -> int:
    return db.session.scalar(select(func.count()).select_from(PracticeCycle)) or 0


def test_a_consultant_opens_a_cycle_with_a_secret_link_and_closes_it(
    client: FlaskClient, world: World
) -> None:
    builders.login(client, world.consultant)
    initiative = world.initiative.id
    response = client.post(
        f"/initiatives/{initiative}/practices/cycles",
        data={"leader_id": world.executive.id},
        follow_redirects=True,
    )
    assert "360 opened for" in response.get_data(as_text=True)
    cycle = db.session.scalars(select(PracticeCycle)).one()
    assert cycle.leader_id == world.executive.id and len(cycle.observer_code) >= 20
    again = client.post(
        f"/initiatives/{initiative}/practices/cycles", data={"leader_id": world.executive.id}
    )
    assert again.status_code == 422
    assert "already has an open 360" in again.get_data(as_text=True)
    assert _cycles() == 1
    client.post(f"/practices/{cycle.id}/close")
    db.session.refresh(cycle)
    assert cycle.closed_at is not None


@pytest.mark.parametrize(
    "target", ["consultant", "outsider", "admin", "nobody", "text", "huge", "negative"]
)
def test_a_cycle_is_only_for_an_executive_of_the_organisation(
    client: FlaskClient, world: World, target: str
) -> None:
    leader_id = {
        "consultant": world.consultant.id,
        "outsider": world.outsider.id,
        "admin": world.admin.id,
        "nobody": 999_999,
        "text": "abc",
        "huge": 2**40,
        "negative": -3,
    }[target]
    builders.login(client, world.consultant)
    response = client.post(
        f"/initiatives/{world.initiative.id}/practices/cycles", data={"leader_id": leader_id}
    )
    assert response.status_code == 422
    assert "Choose a member of the leadership team" in response.get_data(as_text=True)
    assert _cycles() == 0


# --- who sees what -----------------------------------------------------------------------

VISITORS = ("anonymous", "leader", "fellow", "consultant", "outsider", "admin")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/practices/{cycle}/report", (302, 200, 404, 200, 404, 200)),
        ("/practices/{cycle}/self", (302, 200, 404, 403, 404, 403)),
        ("/initiatives/{initiative}/practices", (302, 200, 200, 200, 404, 200)),
        ("/initiatives/{initiative}/practices/team", (302, 403, 403, 200, 404, 200)),
        ("/api/v1/leaders/{leader}/practices", (401, 200, 404, 200, 404, 200)),
        ("/api/v1/leaders/{leader}/practices?cycle={cycle}", (401, 200, 404, 200, 404, 200)),
        ("/api/v1/initiatives/{initiative}/leaders", (401, 200, 200, 200, 404, 200)),
    ],
)
def test_visibility_matrix(
    client: FlaskClient, c360: Cycle360, path: str, expected: tuple[int, ...]
) -> None:
    url = path.format(
        cycle=c360.cycle.id, initiative=c360.world.initiative.id, leader=c360.leader.id
    )
    for who, status in zip(VISITORS, expected, strict=True):
        user = c360.user(who)
        headers = api_headers(user) if url.startswith("/api/") and user else {}
        if not url.startswith("/api/"):
            builders.login(client, user)
        response = client.get(url, headers=headers)
        assert response.status_code == status, who
        if status == 404 and url.startswith("/api/"):
            assert json_of(response) == {"error": json_of(response)["error"]}
        if status == 404:
            assert c360.leader.name not in response.get_data(as_text=True), who
        client.post("/logout")


def test_the_leaders_list_shows_a_consultant_everyone_and_an_executive_only_themself(
    client: FlaskClient, c360: Cycle360
) -> None:
    url = f"/api/v1/initiatives/{c360.world.initiative.id}/leaders"
    everyone = json_of(client.get(url, headers=api_headers(c360.world.consultant)))["items"]
    expected: list[dict[str, Any]] = [
        {"id": c360.leader.id, "name": c360.leader.name, "cycle_id": c360.cycle.id},
        {"id": c360.fellow.id, "name": "Fellow Exec", "cycle_id": None},
    ]
    assert everyone == sorted(expected, key=lambda item: item["name"])
    assert json_of(client.get(url, headers=api_headers(c360.fellow)))["items"] == [
        {"id": c360.fellow.id, "name": "Fellow Exec", "cycle_id": None}
    ]


def test_a_fellow_executive_sees_only_their_own_cycles_on_the_overview(
    client: FlaskClient, c360: Cycle360
) -> None:
    builders.login(client, c360.fellow)
    page = client.get(f"/initiatives/{c360.world.initiative.id}/practices").get_data(as_text=True)
    assert c360.code not in page and f"/practices/{c360.cycle.id}/" not in page
    assert "You have no 360 in this initiative yet" in page


def test_the_api_reports_the_latest_cycle_or_the_one_asked_for(
    client: FlaskClient, c360: Cycle360
) -> None:
    observe(client, c360.code, "peer", 4)
    practices.close_cycle(c360.cycle)
    newer = practices.open_cycle(c360.world.initiative, c360.leader.id, c360.world.consultant)
    db.session.commit()
    headers = api_headers(c360.leader)
    base = f"/api/v1/leaders/{c360.leader.id}/practices"
    latest = json_of(client.get(base, headers=headers))
    assert latest["cycle"]["id"] == c360.cycle.id, "the newest closed one, not the open one"
    assert latest["cycle"]["closed"] is True and latest["observer_n"] == 1
    assert latest["in_progress"] == {
        "id": newer.id,
        "opened_at": newer.created_at.isoformat(),
        "observers_answered": 0,
    }
    asked = json_of(client.get(f"{base}?cycle={newer.id}", headers=headers))
    assert asked["cycle"]["id"] == newer.id and asked["cycle"]["closed"] is False
    assert asked["observer_n"] is None and asked["in_progress"] is None
    older = json_of(client.get(f"{base}?cycle={c360.cycle.id}", headers=headers))
    assert older["cycle"]["id"] == c360.cycle.id and older["observer_n"] == 1
    for bad in ("abc", "-1", "99999999999", str(newer.id + 100)):
        assert client.get(f"{base}?cycle={bad}", headers=headers).status_code == 404
    other = f"/api/v1/leaders/{c360.fellow.id}/practices?cycle={newer.id}"
    assert client.get(other, headers=api_headers(c360.world.consultant)).status_code == 404


def test_the_openapi_document_describes_both_endpoints(client: FlaskClient) -> None:
    paths = json_of(client.get("/api/v1/openapi.json"))["paths"]
    assert "/initiatives/{initiative_id}/leaders" in paths
    assert "/leaders/{leader_id}/practices" in paths


def test_observer_pages_load_no_plotly_and_the_report_does(
    client: FlaskClient, c360: Cycle360
) -> None:
    observer = client.get(f"/360/{c360.code}").get_data(as_text=True)
    assert "plotly" not in observer and "charts.js" not in observer
    assert f"{c360.leader.name} uses the new CRM" in observer
    assert observer.count('type="radio"') == 30 * 10 + 4
    close(c360)
    builders.login(client, c360.leader)
    report = client.get(f"/practices/{c360.cycle.id}/report").get_data(as_text=True)
    assert "plotly" in report


def test_the_initiative_page_links_the_360(client: FlaskClient, world: World) -> None:
    builders.login(client, world.executive)
    page = client.get(f"/initiatives/{world.initiative.id}").get_data(as_text=True)
    assert f"/initiatives/{world.initiative.id}/practices" in page


# --- the team view and the demo ----------------------------------------------------------


def test_the_team_view_names_the_weakest_practice_and_the_kotter_steps_it_affects(
    client: FlaskClient, c360: Cycle360
) -> None:
    for _ in range(3):
        observe(
            client,
            c360.code,
            "direct_report",
            {"model": 8, "inspire": 3, "challenge": 7, "enable": 6, "encourage": 7},
        )
    close(c360)
    builders.login(client, c360.world.consultant)
    page = client.get(f"/initiatives/{c360.world.initiative.id}/practices/team")
    text = page.get_data(as_text=True)
    assert "Weakest across the team: Inspire a shared vision" in text
    assert "steps 3–4" in text and "Develop a vision and strategy" in text


@pytest.fixture
def demo(app: Flask) -> Iterator[None]:
    seed_demo()
    db.session.commit()
    yield


def test_the_demo_has_an_over_rater_and_a_suppressed_cycle(demo: None) -> None:
    cycles = {cycle.leader.name: cycle for cycle in db.session.scalars(select(PracticeCycle))}
    reports = {name: practices.report_for(cycle, 3, cycle.leader) for name, cycle in cycles.items()}
    morgan, priya = reports["Morgan Hale"], reports["Priya Raman"]
    assert cycles["Morgan Hale"].closed_at is not None, "the demo's full report"
    assert cycles["Priya Raman"].closed_at is None, "and one still collecting answers"
    assert morgan.observer_n >= 6 and morgan.observers_shown
    encourage = next(p for p in morgan.practices if p.practice.key == "encourage")
    assert encourage.flag == "over" and (encourage.gap or 0) >= 18
    assert {g.relationship for g in morgan.groups if g.n} == {
        "manager",
        "peer",
        "direct_report",
        "other",
    }
    assert practices.participation([cycles["Priya Raman"]])[cycles["Priya Raman"].id].observers == 2
    assert priya.observer_n == 0 and not priya.observers_shown, "no observer row read while open"
    assert priya.has_self and morgan.has_self
