"""Page weight: compressed responses, fingerprinted static files cached for a year, one
plotly.js partial bundle that draws every chart the app builds.

bench/page_weight.py measures the transfer sizes in a real Chromium; these tests
hold the mechanisms in place.
"""

from __future__ import annotations

import ast
import csv
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path

import brotli
import plotly.graph_objects as go
import pytest
from flask import Flask, Response, url_for
from flask.testing import FlaskClient
from openpyxl import load_workbook
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version
from sqlalchemy import select

from app.assets import IMMUTABLE, PLOTLY_BUNDLE, SHORT_CACHE
from app.demo import DEMO_LOGINS, seed_demo
from models import Initiative, Organization, db
from tests import builders
from tests.builders import make_campaign, make_survey, team_code
from tests.conftest import World

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "app" / "static"
GZIP = {"Accept-Encoding": "gzip, deflate"}
BROTLI = {"Accept-Encoding": "gzip, deflate, br, zstd"}
STATIC_LINK = re.compile(r'(?:src|href)="(/static/[^"]+)"')


def _decoded(response: Response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(response.data)
    if encoding == "br":
        return brotli.decompress(response.data)
    assert encoding is None, encoding
    return response.data


def _static_url(app: Flask, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


@pytest.fixture
def static_client(sqlite_app: Flask) -> FlaskClient:
    return sqlite_app.test_client()


# --- compression --------------------------------------------------------------------


def test_html_is_gzip_compressed_when_the_client_accepts_gzip(static_client: FlaskClient) -> None:
    plain = static_client.get("/login")
    assert "Content-Encoding" not in plain.headers  # a client that asks for nothing

    response = static_client.get("/login", headers=GZIP)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert int(response.headers["Content-Length"]) == len(response.data) < len(plain.data)
    assert gzip.decompress(response.data) == plain.data

    preferred = static_client.get("/login", headers=BROTLI)
    assert preferred.headers["Content-Encoding"] == "br"
    assert brotli.decompress(preferred.data) == plain.data


@pytest.mark.parametrize("filename", [PLOTLY_BUNDLE, "js/charts.js", "css/stepwise.css"])
def test_javascript_and_css_are_gzip_compressed_when_the_client_accepts_gzip(
    sqlite_app: Flask, static_client: FlaskClient, filename: str
) -> None:
    on_disk = (STATIC / filename).read_bytes()
    url = _static_url(sqlite_app, filename)

    response = static_client.get(url, headers=GZIP)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert int(response.headers["Content-Length"]) == len(response.data) < len(on_disk)
    assert gzip.decompress(response.data) == on_disk

    assert brotli.decompress(static_client.get(url, headers=BROTLI).data) == on_disk
    plain = static_client.get(url)
    assert "Content-Encoding" not in plain.headers and plain.data == on_disk


def test_the_plotly_bundle_weighs_under_half_a_megabyte_compressed(
    sqlite_app: Flask, static_client: FlaskClient
) -> None:
    url = _static_url(sqlite_app, PLOTLY_BUNDLE)
    assert len(static_client.get(url, headers=GZIP).data) < 520_000
    assert len(static_client.get(url, headers=BROTLI).data) < 470_000


def test_tiny_responses_are_not_compressed(static_client: FlaskClient) -> None:
    assert (STATIC / "js" / "print.js").stat().st_size < 500
    tiny = static_client.get("/static/js/print.js", headers=GZIP)
    assert tiny.status_code == 200 and "Content-Encoding" not in tiny.headers
    health = static_client.get("/healthz", headers=GZIP)
    assert health.status_code == 200 and "Content-Encoding" not in health.headers
    assert health.get_json() == {"status": "ok"}


def test_streamed_responses_still_stream(sqlite_app: Flask) -> None:
    produced: list[int] = []

    def chunks() -> Iterator[str]:
        for number in range(3):
            produced.append(number)
            yield f"<p>part {number}</p>" + " " * 600

    sqlite_app.add_url_rule(
        "/test-stream", "test_stream", lambda: Response(chunks(), mimetype="text/html")
    )
    response = sqlite_app.test_client().get("/test-stream", headers=GZIP, buffered=False)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    body = iter(response.response)
    assert next(body).startswith(b"<p>part 0</p>")
    assert produced == [0], "the first chunk left before the next one was made"
    assert b"".join(body).count(b"<p>part") == 2
    response.close()


# --- fingerprinted static files -----------------------------------------------------


def test_fingerprinted_static_urls_are_cached_for_a_year(
    sqlite_app: Flask, static_client: FlaskClient
) -> None:
    url = _static_url(sqlite_app, "css/stepwise.css")
    assert re.fullmatch(r"/static/css/stepwise\.css\?v=[0-9a-f]{16}", url)

    response = static_client.get(url, headers=GZIP)
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = static_client.get(url, headers={**GZIP, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data

    # Not fingerprinted, or an outdated fingerprint: the current file, briefly cached.
    for other in ("/static/css/stepwise.css", "/static/css/stepwise.css?v=0123456789abcdef"):
        response = static_client.get(other, headers=GZIP)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == SHORT_CACHE
        assert gzip.decompress(response.data) == (STATIC / "css" / "stepwise.css").read_bytes()


def test_a_changed_file_gets_a_new_fingerprint(sqlite_app: Flask, tmp_path: Path) -> None:
    sqlite_app.static_folder = str(tmp_path)  # the folder app.assets reads is set at start-up
    files = sqlite_app.extensions["stepwise_static"]
    files.folder = str(tmp_path)
    script = tmp_path / "app.js"
    script.write_text("console.log('one');\n")
    first = _static_url(sqlite_app, "app.js")
    script.write_text("console.log('two, longer');\n")
    second = _static_url(sqlite_app, "app.js")
    assert first != second
    client = sqlite_app.test_client()
    assert client.get(second).data == b"console.log('two, longer');\n"
    assert client.get(second).headers["Cache-Control"] == IMMUTABLE
    assert client.get(first).headers["Cache-Control"] == SHORT_CACHE


def test_static_files_do_not_vary_with_the_session_cookie(
    app: Flask, client: FlaskClient, world: World
) -> None:
    """Otherwise browsers ask again for every cached file after each login."""
    builders.login(client, world.executive)
    page = client.get("/", headers=GZIP)
    assert "Cookie" in page.headers["Vary"]  # pages still do
    url = _static_url(app, "css/stepwise.css")
    response = client.get(url, headers=GZIP)
    assert response.headers["Vary"] == "Accept-Encoding"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == IMMUTABLE


def test_static_files_outside_the_folder_or_missing_are_not_found(
    static_client: FlaskClient,
) -> None:
    for url in ("/static/../config.py", "/static/%2e%2e/config.py", "/static/js/none.js"):
        assert static_client.get(url).status_code == 404
    assert static_client.get("/static/vendor").status_code == 404


def test_the_pulse_page_links_only_its_fingerprinted_script(
    app: Flask, client: FlaskClient, world: World
) -> None:
    survey = make_survey(world.initiative)
    make_campaign(survey, [world.team])
    code = team_code(survey, world.team)
    response = client.get(f"/p/{code}", headers=GZIP)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "no-store"  # the pulse's own rule still holds
    page = gzip.decompress(response.data).decode()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts == [_static_url(app, "js/pulse.js")]
    assert re.fullmatch(r"/static/js/pulse\.js\?v=[0-9a-f]{16}", scripts[0])


def test_the_dashboard_links_fingerprinted_files_that_browsers_keep(
    app: Flask, client: FlaskClient
) -> None:
    seed_demo()
    db.session.commit()
    initiative = db.session.scalars(
        select(Initiative).join(Organization).where(Organization.name == "Northwind Mutual")
    ).one()
    login = next(item for item in DEMO_LOGINS if item.role == "executive")
    logged_in = client.post("/login", data={"email": login.email, "password": login.password})
    assert logged_in.status_code == 302
    base = f"/initiatives/{initiative.id}/dashboard"

    response = client.get(base, headers=GZIP)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    page = gzip.decompress(response.data).decode()
    links = STATIC_LINK.findall(page)
    assert _static_url(app, PLOTLY_BUNDLE) in links
    assert "/assets/plotly" not in page and "plotly.min.js" not in page
    for link in links:
        assert re.search(r"\?v=[0-9a-f]{16}$", link), link
        asset = client.get(link.replace("&amp;", "&"), headers=GZIP)
        assert asset.status_code == 200, link
        assert asset.headers["Cache-Control"] == IMMUTABLE, link

    # Downloads still arrive whole when the browser accepts compressed answers.
    exported = client.get(f"{base}/findings.csv", headers=GZIP)
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"].startswith("attachment;")
    assert exported.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(_decoded(exported).decode())))
    assert len(rows) > 1 and rows[0]
    workbook = client.get(f"{base}/findings.xlsx", headers=GZIP)
    assert workbook.status_code == 200 and "Content-Encoding" not in workbook.headers
    assert workbook.headers["Content-Disposition"].startswith("attachment;")
    assert load_workbook(io.BytesIO(workbook.data)).active.max_row > 1


# --- the plotly.js bundle -----------------------------------------------------------


def _bundle_text() -> str:
    return (STATIC / PLOTLY_BUNDLE).read_text(encoding="utf-8")


def _bundle_trace_types() -> set[str]:
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', _bundle_text()))


def _trace_types_built() -> set[str]:
    """Every plotly trace type the app's chart builders construct (``go.Scatter(...)`` ...)."""
    names: set[str] = set()
    for source in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "go"
            ):
                names.add(node.attr)
    types = set()
    for name in names:
        made = getattr(go, name)()
        if isinstance(made, BaseTraceType):
            types.add(made.type)
    return types


def test_the_bundle_is_the_major_version_the_python_plotly_package_writes_for() -> None:
    header = _bundle_text()[:200]
    version = re.search(r"plotly\.js \(cartesian - minified\) v(\d+)\.(\d+)\.(\d+)", header)
    assert version is not None, header
    assert version.group(1) == get_plotlyjs_version().split(".")[0]
    assert f"-{'.'.join(version.groups())}.min.js" in PLOTLY_BUNDLE
    licence = STATIC / PLOTLY_BUNDLE.replace(".min.js", ".LICENSE.txt")
    assert "MIT License" in licence.read_text(encoding="utf-8")


def test_the_bundle_draws_every_trace_type_the_app_builds() -> None:
    built = _trace_types_built()
    assert {"scatter", "bar", "heatmap"} <= built  # the scan found the builders
    assert built <= _bundle_trace_types(), built - _bundle_trace_types()
