"""Abuse limits: guessing passwords, codes, links and tokens stops; real use never notices."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import limits.storage.memory
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import limits as abuse
from app.services import workshops
from config import ConfigError, ratelimit_enabled, settings_from_env
from models import db
from tests import builders
from tests.builders import make_campaign, make_survey, team_code
from tests.builders.people import PASSWORD
from tests.conftest import World

WRONG = "not-the-password-1"
FULL_ANSWER = {
    "item-resistance_unknown_1": "4",
    "item-resistance_unknown_2": "2",
    "item-recommend": "9",
}


class Clock:
    """The limits' memory store and Retry-After read time from here: windows pass at once."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock(time.time())
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(abuse, "time", fake)  # Retry-After is counted on the same clock
    yield fake


def from_address(app: Flask, address: str) -> FlaskClient:
    """A browser at another address (its own cookies)."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def log_in(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    """A login in an app context of its own, so no login is remembered between browsers."""
    with client.application.app_context():
        return client.post("/login", data={"email": email, "password": password})


def assert_limited(response: TestResponse) -> int:
    """A 429 that says, in words and in Retry-After, how long to wait; the wait in seconds."""
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert wait >= 1
    body = response.get_data(as_text=True)
    assert "Too many" in body and "Try again in" in body
    return wait


# --- logins ------------------------------------------------------------------------------


def test_after_five_wrong_passwords_even_the_right_one_waits_from_any_address(
    app: Flask, client: FlaskClient, world: World
) -> None:
    email = world.executive.email
    for _ in range(5):
        assert log_in(client, email, WRONG).status_code == 422
    response = log_in(client, email.upper())  # the account, however it is typed
    wait = assert_limited(response)
    assert wait <= 60
    assert "Too many attempts. Try again in a minute." in response.get_data(as_text=True)
    assert_limited(log_in(from_address(app, "203.0.113.9"), email))
    # Only that account waits: another one logs in from the same address.
    assert log_in(client, world.consultant.email).status_code == 302


def test_right_passwords_do_not_use_up_the_allowance(app: Flask, world: World) -> None:
    for _ in range(12):  # a shared office PC, logged in all day
        assert log_in(app.test_client(), world.executive.email).status_code == 302
    client = app.test_client()
    for _ in range(4):
        assert log_in(client, world.executive.email, WRONG).status_code == 422
    assert log_in(client, world.executive.email).status_code == 302


def test_one_address_trying_many_accounts_is_stopped(app: Flask, world: World) -> None:
    guesser = from_address(app, "198.51.100.7")
    for n in range(30):
        assert log_in(guesser, f"person{n}@acme.example", WRONG).status_code == 422
    assert_limited(log_in(guesser, world.executive.email))
    assert log_in(from_address(app, "198.51.100.8"), world.executive.email).status_code == 302


def test_the_wait_grows_and_ends(app: Flask, world: World, clock: Clock) -> None:
    client, email = app.test_client(), world.executive.email
    for _ in range(4):  # five a minute, four minutes running: twenty wrong
        for _ in range(5):
            assert log_in(client, email, WRONG).status_code == 422
        assert_limited(log_in(client, email))
        clock.advance(61)
    # The minute has passed, the hour has not: the wait is now most of an hour.
    response = log_in(client, email)
    assert assert_limited(response) > 50 * 60
    assert "Try again in 5" in response.get_data(as_text=True)  # 55-57 minutes
    clock.advance(3600)
    assert log_in(client, email).status_code == 302


def test_each_app_counts_on_its_own(make_app: Callable[..., Flask], world: World) -> None:
    first = make_app()
    for _ in range(5):
        log_in(first.test_client(), world.executive.email, WRONG)
    assert_limited(log_in(first.test_client(), world.executive.email))
    assert log_in(make_app().test_client(), world.executive.email).status_code == 302


def test_limits_can_be_switched_off(make_app: Callable[..., Flask], world: World) -> None:
    client = make_app(STEPWISE_RATELIMIT_ENABLED=False).test_client()
    for _ in range(30):
        assert log_in(client, world.executive.email, WRONG).status_code == 422
    assert log_in(client, world.executive.email).status_code == 302


# --- codes and links -----------------------------------------------------------------------


def test_guessing_workshop_codes_is_stopped_while_a_room_joins(app: Flask, world: World) -> None:
    session = workshops.start_session(world.initiative, world.consultant, "Kick-off")
    db.session.commit()
    room = from_address(app, "192.0.2.10")
    for n in range(30):  # thirty leaders on the hotel Wi-Fi, each phone with its own cookies
        phone = from_address(app, "192.0.2.10")
        joined = phone.post("/join", data={"code": session.code, "display_name": f"Leader {n}"})
        assert joined.status_code == 302
        voted = phone.post("/join/vote", data={"rating-urgency": "4", "rating-vision": "3"})
        assert voted.status_code == 302
    guesser = from_address(app, "192.0.2.99")
    for _ in range(20):
        guess = "".join(secrets.choice(workshops.CODE_ALPHABET) for _ in range(6))
        assert guesser.post("/join", data={"code": guess, "display_name": "X"}).status_code == 422
    assert_limited(guesser.post("/join", data={"code": session.code, "display_name": "X"}))
    assert (
        room.post("/join", data={"code": session.code, "display_name": "Late"}).status_code == 302
    )


def test_an_office_answers_a_pulse_through_one_address_while_link_guessing_is_stopped(
    app: Flask, world: World
) -> None:
    survey = make_survey(world.initiative, ["resistance_unknown", "recommend", "comment"])
    make_campaign(survey, [world.team])
    code = team_code(survey, world.team)
    for _ in range(50):  # fifty people behind the office's one address, one answer each
        office = from_address(app, "192.0.2.20")
        assert office.get(f"/p/{code}").status_code == 200
        assert office.post(f"/p/{code}", data=FULL_ANSWER).status_code == 302
    guesser = from_address(app, "192.0.2.66")
    for n in range(20):
        assert guesser.get(f"/p/guess{n:04d}").status_code == 404
    assert_limited(guesser.get(f"/p/{code}"))
    assert_limited(guesser.post(f"/p/{code}", data=FULL_ANSWER))
    assert from_address(app, "192.0.2.20").get(f"/p/{code}").status_code == 200


def test_guessing_360_observer_links_is_stopped(app: Flask, world: World) -> None:
    cycle = builders.make_practice_cycle(world.initiative, world.executive)
    guesser = from_address(app, "192.0.2.77")
    for n in range(20):
        assert guesser.get(f"/360/guess{n:04d}").status_code == 404
    assert_limited(guesser.get(f"/360/{cycle.observer_code}"))
    assert from_address(app, "192.0.2.78").get(f"/360/{cycle.observer_code}").status_code == 200


def test_guessing_invitation_tokens_is_stopped(app: Flask) -> None:
    guesser = from_address(app, "192.0.2.88")
    for n in range(20):
        assert guesser.get(f"/invite/guess{n:04d}").status_code == 410
    assert_limited(guesser.get("/invite/another-guess"))


# --- the API ----------------------------------------------------------------------------------


def test_the_api_answers_json_429_with_retry_after_to_token_guessing(
    app: Flask, world: World
) -> None:
    guesser = from_address(app, "192.0.2.55")
    for n in range(20):
        response = guesser.get("/api/v1/organizations", headers={"Authorization": f"Bearer g{n}"})
        assert response.status_code == 401
    response = guesser.get("/api/v1/organizations", headers=builders.api_headers(world.consultant))
    assert response.status_code == 429
    assert response.is_json and set(response.get_json()) == {"error"}
    assert response.get_json()["error"].startswith("Too many requests. Try again in")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    # The token's owner elsewhere is not held up by someone else's guessing.
    other = from_address(app, "192.0.2.56")
    consultant = builders.api_headers(world.consultant)
    assert other.get("/api/v1/organizations", headers=consultant).status_code == 200


# --- settings and words ----------------------------------------------------------------------


def test_limits_are_on_unless_switched_off() -> None:
    assert ratelimit_enabled(None) and ratelimit_enabled("yes") and ratelimit_enabled(" ON ")
    assert not ratelimit_enabled("false") and not ratelimit_enabled("0")
    with pytest.raises(ConfigError, match="STEPWISE_RATELIMIT_ENABLED"):
        ratelimit_enabled("sometimes")


def test_the_store_defaults_to_memory_and_can_be_shared(tmp_path: Path) -> None:
    env = {"SECRET_KEY": "k"}
    assert settings_from_env(tmp_path, env)["STEPWISE_RATELIMIT_STORAGE_URL"] == "memory://"
    env["STEPWISE_RATELIMIT_STORAGE_URL"] = "redis://cache:6379"
    assert settings_from_env(tmp_path, env)["STEPWISE_RATELIMIT_STORAGE_URL"] == (
        "redis://cache:6379"
    )


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "a minute"), (60, "a minute"), (61, "2 minutes"), (3300, "55 minutes"),
     (7200, "2 hours"), (86400, "24 hours")],
)  # fmt: skip
def test_the_wait_in_words(seconds: int, words: str) -> None:
    assert abuse.wait_phrase(seconds) == words


@pytest.mark.parametrize(
    ("remote", "counted_as"),
    [
        ("203.0.113.5", "address:203.0.113.5"),
        # One IPv6 host holds a whole /64: hopping within it is still one address.
        ("2001:db8:1:2:aaaa::1", "address:2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:1:2:3", "address:2001:db8:1:2::/64"),
        ("::ffff:203.0.113.5", "address:203.0.113.5"),
    ],
)
def test_addresses_are_counted_by_host(remote: str, counted_as: str) -> None:
    with Flask(__name__).test_request_context(environ_base={"REMOTE_ADDR": remote}):
        assert abuse.client_address() == counted_as
