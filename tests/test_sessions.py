"""Login sessions: cookies die with their session, wherever they were copied to.

Each test saves a browser's cookies, ends the session some way, then replays the
saved cookies in a fresh client, as someone who copied them would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from app.auth import sessions
from config import ConfigError, settings_from_env
from models import LoginSession, User, db
from models.base import utcnow
from tests.builders import PASSWORD
from tests.conftest import World

SESSION = "session"
REMEMBER = "remember_token"


def log_in(client: FlaskClient, user: User, *, remember: bool = True) -> None:
    data = {"email": user.email, "password": PASSWORD, "remember": "y" if remember else ""}
    response = client.post("/login", data=data, headers={"User-Agent": "Firefox/" + "9" * 400})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def cookie(client: FlaskClient, name: str) -> str:
    saved = client.get_cookie(name)
    assert saved is not None, f"no {name} cookie"
    return saved.value


def replay(app: Flask, name: str, value: str) -> FlaskClient:
    """A fresh browser holding only the one cookie."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def logged_in(client: FlaskClient, user: User) -> bool:
    response = client.get("/account")
    return response.status_code == 200 and user.email in response.get_data(as_text=True)


def sessions_of(user: User) -> int:
    count = db.session.scalar(
        select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user.id)
    )
    return count or 0


def test_a_login_stores_only_a_hash_of_its_token(app: Flask, world: World) -> None:
    client = app.test_client()
    log_in(client, world.executive)

    row = db.session.scalars(select(LoginSession)).one()
    assert row.user_id == world.executive.id and row.remember is True
    assert row.user_agent is not None and len(row.user_agent) == 255
    assert row.token_hash not in cookie(client, SESSION) + cookie(client, REMEMBER)


def test_both_saved_cookies_work_while_the_session_lasts(app: Flask, world: World) -> None:
    client = app.test_client()
    log_in(client, world.executive)

    assert logged_in(replay(app, SESSION, cookie(client, SESSION)), world.executive)
    assert logged_in(replay(app, REMEMBER, cookie(client, REMEMBER)), world.executive)


def test_logging_out_kills_the_saved_session_and_remember_me_cookies(
    app: Flask, world: World
) -> None:
    client = app.test_client()
    log_in(client, world.executive)
    saved = {name: cookie(client, name) for name in (SESSION, REMEMBER)}

    assert client.post("/logout").status_code == 302

    assert not logged_in(client, world.executive)
    for name, value in saved.items():
        assert not logged_in(replay(app, name, value), world.executive), f"{name} still works"
    assert sessions_of(world.executive) == 0


def test_logging_out_ends_only_this_browser(app: Flask, world: World) -> None:
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, world.executive)
    log_in(phone, world.executive)

    laptop.post("/logout")

    assert logged_in(phone, world.executive)


def test_log_out_everywhere_kills_the_cookies_of_every_browser(app: Flask, world: World) -> None:
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, world.executive)
    log_in(phone, world.executive, remember=False)
    log_in(app.test_client(), world.consultant)
    saved = {name: cookie(laptop, name) for name in (SESSION, REMEMBER)}

    page = phone.get("/account").get_data(as_text=True)
    assert "Log out everywhere" in page
    response = phone.post("/account/logout-everywhere", follow_redirects=True)

    assert "logged out on every device" in response.get_data(as_text=True)
    assert not logged_in(phone, world.executive)
    assert not logged_in(laptop, world.executive)
    for name, value in saved.items():
        assert not logged_in(replay(app, name, value), world.executive), f"{name} still works"
    assert sessions_of(world.consultant) == 1, "other people stay logged in"


def test_a_password_change_ends_every_other_session_and_keeps_this_one(
    app: Flask, world: World
) -> None:
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, world.executive)
    log_in(phone, world.executive)
    saved = {name: cookie(laptop, name) for name in (SESSION, REMEMBER)}
    new = "a brand new passphrase"

    response = phone.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": new, "confirm": new},
        follow_redirects=True,
    )

    assert "Your password is changed" in response.get_data(as_text=True)
    assert logged_in(phone, world.executive), "the browser that changed it stays logged in"
    assert logged_in(replay(app, REMEMBER, cookie(phone, REMEMBER)), world.executive)
    assert not logged_in(laptop, world.executive)
    for name, value in saved.items():
        assert not logged_in(replay(app, name, value), world.executive), f"{name} still works"
    assert sessions_of(world.executive) == 1
    fresh = app.test_client()
    old = fresh.post("/login", data={"email": world.executive.email, "password": PASSWORD})
    assert old.status_code == 422
    assert (
        fresh.post("/login", data={"email": world.executive.email, "password": new}).status_code
        == 302
    )


class Clock:
    def __init__(self) -> None:
        self.seconds = 1_800_000_000.0

    def __call__(self) -> float:
        return self.seconds

    def wait(self, minutes: float) -> None:
        self.seconds += minutes * 60


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(sessions, "now", clock)
    return clock


def test_a_session_expires_after_the_idle_time(
    make_app: Callable[..., Flask], world: World, clock: Clock
) -> None:
    app = make_app(STEPWISE_SESSION_IDLE_MINUTES=30)
    client = app.test_client()
    with app.app_context():
        log_in(client, world.executive, remember=False)
        for _ in range(4):  # two hours of work, a request every 25 minutes
            clock.wait(25)
            assert logged_in(client, world.executive)
        saved = cookie(client, SESSION)

        clock.wait(31)

        response = client.get("/account", follow_redirects=True)
        assert "/login" in response.request.path
        assert "after a while without activity" in response.get_data(as_text=True)
        assert not logged_in(replay(app, SESSION, saved), world.executive)


def test_keep_me_logged_in_outlasts_the_idle_time_but_not_the_remember_days(
    make_app: Callable[..., Flask], world: World, clock: Clock
) -> None:
    app = make_app(STEPWISE_SESSION_IDLE_MINUTES=30, STEPWISE_REMEMBER_DAYS=30)
    client = app.test_client()
    with app.app_context():
        log_in(client, world.executive, remember=True)
        clock.wait(8 * 60)  # overnight

        assert logged_in(client, world.executive), "the remember-me cookie logs back in"

        db.session.execute(
            update(LoginSession).values(created_at=utcnow() - timedelta(days=30, minutes=1))
        )
        db.session.commit()
        clock.wait(31)
        assert not logged_in(client, world.executive)
        assert not logged_in(replay(app, REMEMBER, cookie(client, REMEMBER)), world.executive)


def test_the_remember_me_cookie_lasts_the_remember_days(
    make_app: Callable[..., Flask], world: World
) -> None:
    app = make_app(STEPWISE_REMEMBER_DAYS=7)
    with app.app_context():
        response = app.test_client().post(
            "/login",
            data={"email": world.executive.email, "password": PASSWORD, "remember": "y"},
        )
    remember = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    expires = re.search(r"Expires=([^;]+)", remember)
    assert expires is not None
    lasts = parsedate_to_datetime(expires.group(1)) - datetime.now(UTC)
    assert timedelta(days=7, minutes=-1) < lasts <= timedelta(days=7)


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("STEPWISE_SESSION_IDLE_MINUTES", None, 120),
        ("STEPWISE_SESSION_IDLE_MINUTES", "45", 45),
        ("STEPWISE_SESSION_IDLE_MINUTES", "0", ConfigError),
        ("STEPWISE_SESSION_IDLE_MINUTES", "two hours", ConfigError),
        ("STEPWISE_REMEMBER_DAYS", None, 30),
        ("STEPWISE_REMEMBER_DAYS", "7", 7),
        ("STEPWISE_REMEMBER_DAYS", "366", ConfigError),
    ],
)
def test_session_settings(
    tmp_path: Path, name: str, raw: str | None, expected: int | type[ConfigError]
) -> None:
    environ = {"SECRET_KEY": "x", **({name: raw} if raw is not None else {})}
    if isinstance(expected, int):
        assert settings_from_env(tmp_path, environ)[name] == expected
    else:
        with pytest.raises(ConfigError, match=name):
            settings_from_env(tmp_path, environ)
