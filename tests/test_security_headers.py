"""Security headers on every answer, HTTPS in production, and links behind a proxy.

The routes and who may call them come from tests/test_access_matrix.py, so a new route
is checked here as soon as it is in the matrix. Headers do not depend on the database:
these tests run on SQLite only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

import config
from app.assets import PLOTLY_BUNDLE
from app.security_headers import PLOTLY_STYLE_ATTRIBUTES
from tests.builders import api_headers, login, make_campaign, make_survey, team_code
from tests.builders.people import PASSWORD
from tests.conftest import World
from tests.test_access_matrix import ROUTES, WHO, _ids

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

STATIC = Path(__file__).resolve().parents[1] / "app" / "static"
PUBLIC_HOST = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "stepwise.example.com"}


def assert_secure_headers(response: TestResponse, *, referrer: str = "strict-origin") -> None:
    """What any answer must carry: it cannot be framed, sniffed or run inline script."""
    headers = response.headers
    policy = dict(
        part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == policy["base-uri"] == "'none'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"].startswith(referrer)
    assert "camera=()" in headers["Permissions-Policy"]
    assert "microphone=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("method", "path", "data", "statuses"),
    [pytest.param(*route, id=f"{route[0]}-{route[1]}") for route in ROUTES],
)
def test_every_route_sends_the_headers(
    app: Flask,
    world: World,
    method: str,
    path: str,
    data: dict[str, str] | None,
    statuses: tuple[int, ...],
) -> None:
    """For each answer the route gives (page, redirect, 403, 404, 422…), one visitor."""
    url = path.format(**_ids(world, path))
    for status in sorted(set(statuses)):
        user = world.user(WHO[statuses.index(status)])
        client = app.test_client()
        headers = api_headers(user) if path.startswith("/api/") else {}
        if not path.startswith("/api/"):
            login(client, user)
        response = client.open(url, method=method, data=data, headers=headers)
        response.close()
        # Pulse links are secrets: not even their origin is sent on.
        referrer = "no-referrer" if path.startswith("/p/") else "strict-origin"
        assert_secure_headers(response, referrer=referrer)
        assert "Strict-Transport-Security" not in response.headers


@SQLITE_ONLY
def test_static_files_and_missing_ones_send_them(client: FlaskClient) -> None:
    css = client.get("/static/css/stepwise.css")
    assert css.status_code == 200
    assert_secure_headers(css)
    again = client.get("/static/css/stepwise.css", headers={"If-None-Match": css.headers["ETag"]})
    assert again.status_code == 304
    assert_secure_headers(again)
    missing = client.get("/static/css/nothing.css")
    assert missing.status_code == 404
    assert_secure_headers(missing)
    assert_secure_headers(client.get("/no/such/page"))


@SQLITE_ONLY
def test_a_crash_answers_500_with_the_headers(make_app: Callable[..., Flask]) -> None:
    app = make_app(TESTING=False)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("a bug")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert_secure_headers(response)


def _login_remembered(client: FlaskClient, world: World) -> TestResponse:
    response = client.post(
        "/login", data={"email": world.executive.email, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    return response


@SQLITE_ONLY
def test_https_sends_hsts_and_secure_cookies(make_app: Callable[..., Flask], world: World) -> None:
    app = make_app(**config.https_settings(True))
    response = _login_remembered(app.test_client(), world)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = response.headers.getlist("Set-Cookie")
    assert {cookie.split("=")[0] for cookie in cookies} >= {"session", "remember_token"}
    assert all("; Secure" in cookie for cookie in cookies), cookies


@SQLITE_ONLY
def test_plain_http_in_development_sends_neither(client: FlaskClient, world: World) -> None:
    response = _login_remembered(client, world)
    assert "Strict-Transport-Security" not in response.headers
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and not any("Secure" in cookie for cookie in cookies), cookies


@pytest.mark.parametrize(
    ("environ", "https", "hops"),
    [
        ({}, False, 0),
        ({"STEPWISE_ENV": "production"}, True, 0),
        ({"STEPWISE_ENV": "production", "STEPWISE_HTTPS": "false"}, False, 0),
        ({"STEPWISE_HTTPS": "true", "STEPWISE_PROXY_FIX": "2"}, True, 2),
    ],
)
def test_https_follows_production_unless_set(
    tmp_path: Path, environ: dict[str, str], https: bool, hops: int
) -> None:
    settings = config.settings_from_env(tmp_path, {"SECRET_KEY": "k", **environ})
    assert settings["STEPWISE_HTTPS"] is https
    assert settings["SESSION_COOKIE_SECURE"] is settings["REMEMBER_COOKIE_SECURE"] is https
    assert settings["PREFERRED_URL_SCHEME"] == ("https" if https else "http")
    assert settings["STEPWISE_PROXY_FIX"] == hops


@pytest.mark.parametrize(
    ("name", "value"),
    [("STEPWISE_HTTPS", "maybe"), ("STEPWISE_PROXY_FIX", "-1"), ("STEPWISE_PROXY_FIX", "yes")],
)
def test_unclear_settings_are_refused(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(config.ConfigError, match=name):
        config.settings_from_env(tmp_path, {"SECRET_KEY": "k", name: value})


def _invitation_link(client: FlaskClient, world: World, headers: dict[str, str]) -> str:
    login(client, world.consultant)
    page = client.post(
        f"/orgs/{world.organization.id}/members",
        data={"email": "new@acme.example", "role": "executive"},
        headers=headers,
        follow_redirects=True,
    ).get_data(as_text=True)
    match = re.search(r'value="([^"]+/invite/[^"]+)"', page)
    assert match, page[:2000]
    return match.group(1)


def _pulse_links(client: FlaskClient, world: World, headers: dict[str, str]) -> str:
    survey = make_survey(world.initiative)
    campaign = make_campaign(survey, [world.team])
    code = team_code(survey, world.team)
    login(client, world.consultant)
    page = client.get(f"/campaigns/{campaign.id}", headers=headers).get_data(as_text=True)
    assert f"/p/{code}" in page
    return page.replace(f"/p/{code}", "/p/CODE")


@SQLITE_ONLY
def test_behind_a_proxy_links_use_the_public_address(
    make_app: Callable[..., Flask], world: World
) -> None:
    client = make_app(STEPWISE_PROXY_FIX=1).test_client()
    assert _invitation_link(client, world, PUBLIC_HOST).startswith(
        "https://stepwise.example.com/invite/"
    )
    assert "https://stepwise.example.com/p/CODE" in _pulse_links(client, world, PUBLIC_HOST)


@SQLITE_ONLY
def test_without_the_setting_forwarded_headers_are_ignored(
    client: FlaskClient, world: World
) -> None:
    """Anyone can send X-Forwarded-Host: trusting it unasked would let them rewrite links."""
    link = _invitation_link(client, world, PUBLIC_HOST)
    assert link.startswith("http://localhost/invite/")
    page = _pulse_links(client, world, PUBLIC_HOST)
    assert "http://localhost/p/CODE" in page and "stepwise.example.com" not in page


def plotly_css(bundle: str) -> str:
    """css/plotly.css from the rules plotly.js would inject, in the order it leaves them."""
    table = bundle[bundle.index("KE={") + 4 : bundle.index("};for(K_ in KE)")]
    rules = []
    for quoted, bare, single, double in re.findall(
        r"""(?:"([^"]+)"|(\w+)):(?:'([^']*)'|"([^"]*)")""", table
    ):
        selector = re.sub(r"^,", " ,", quoted or bare)
        selector = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append(f"{selector} {{ {single or double} }}\n")
    return "".join(reversed(rules))  # plotly.js inserts each rule first


def test_plotly_css_is_the_bundles_own() -> None:
    bundle = (STATIC / PLOTLY_BUNDLE).read_text()
    ours = (STATIC / "css" / "plotly.css").read_text()
    expected = plotly_css(bundle)
    assert ours.endswith(expected), "regenerate app/static/css/plotly.css with plotly_css()"
    assert ours.count("{") == expected.count("{") > 50


def test_the_style_attributes_allowed_are_plotlys() -> None:
    """Each hashed style attribute is one plotly.js writes; the rest stays blocked."""
    bundle = (STATIC / PLOTLY_BUNDLE).read_text()
    declarations = re.search(r"CSS_DECLARATIONS=(\[\[.*?\]\]);", bundle)
    assert declarations
    probe = "".join(f"{name}: {value}; " for name, value in re.findall(
        r'\["([^"]+)","([^"]+)"\]', declarations.group(1)
    ))  # fmt: skip
    assert ("", probe) == PLOTLY_STYLE_ATTRIBUTES
    assert 'attr("style","")' in bundle
