"""Page weight: the bytes a real browser transfers for the dashboard and the staff pulse page.

Seeds the demo organisation into a temporary SQLite database (or, with
``--database-url``, reads Bench Holdings from a database ``generate.py`` filled), serves the app on
127.0.0.1 (a free port) and drives Debian's headless Chromium through
Playwright. Transfer sizes are Chromium's own (DevTools ``encodedDataLength``:
compressed bodies plus response headers; 0 for a response taken from the cache).

- dashboard: the demo executive's "Where is it stalling?" page, logged in,
  first with an empty cache (first visit), then in a new tab of the same browser
  profile (repeat visit), each until every chart is drawn;
- pulse page: a team link of the demo's open pulse (``/p/<code>``), as a phone
  opening the QR code, first and repeat visit.

    .venv/bin/python bench/page_weight.py [--assets] [--accept-encoding 'gzip, deflate']

Exits with status 1 when a figure is over its target.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import ViewportSize  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.demo import DEMO_LOGINS, seed_demo  # noqa: E402
from app.services import organizations  # noqa: E402
from app.services import pulse as pulses  # noqa: E402
from app.services.pulse import LinkState  # noqa: E402
from config import settings_from_env  # noqa: E402
from models import Initiative, TeamLink, db  # noqa: E402
from models.base import utcnow  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 740}
# Transferred bytes (first visit, repeat visit) the scale issue asks for.
TARGETS = {"dashboard": (700_000, 100_000), "pulse page": (60_000, 60_000)}
ALL_CHARTS_DRAWN = """() => {
  const charts = document.querySelectorAll('[data-chart]');
  return Array.from(charts).every((chart) => chart.dataset.drawn === 'true');
}"""


@dataclass
class Transfer:
    url: str = ""
    status: int = 0
    encoding: str = ""
    transferred: int = 0  # on the wire: headers and (compressed) body
    decoded: int = 0  # the body after decompression
    from_cache: bool = False


@dataclass
class Visit:
    transfers: dict[str, Transfer] = field(default_factory=dict)

    @property
    def transferred(self) -> int:
        return sum(t.transferred for t in self.transfers.values())

    @property
    def decoded(self) -> int:
        return sum(t.decoded for t in self.transfers.values())


@dataclass(frozen=True)
class Demo:
    dashboard: str
    pulse: str
    email: str
    password: str


def bench_organisation(app: Flask) -> Demo:
    """Bench Holdings, as ``generate.py`` filled it: its executive, dashboard and an open link."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import EXECUTIVE, ORGANIZATION

    with app.app_context():
        organization = organizations.organization_by_name(ORGANIZATION)
        if organization is None:
            sys.exit(f"no {ORGANIZATION} here: run bench/generate.py on this database first")
        initiative = db.session.scalars(
            select(Initiative).where(Initiative.organization_id == organization.id)
        ).one()
        code = db.session.scalar(select(TeamLink.code).order_by(TeamLink.id.desc()))
        return Demo(
            dashboard=f"/initiatives/{initiative.id}/dashboard",
            pulse=f"/p/{code}",
            email=EXECUTIVE[0],
            password=EXECUTIVE[2],
        )


def seed(app: Flask) -> Demo:
    with app.app_context():
        with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
            upgrade()
        seed_demo()
        db.session.commit()
        initiative = db.session.scalars(select(Initiative).order_by(Initiative.id)).first()
        assert initiative is not None
        now = utcnow()
        code = next(
            link.code
            for link in db.session.scalars(select(TeamLink).order_by(TeamLink.id))
            if (pulse := pulses.open_link(link.code, now)) and pulse.state is LinkState.OPEN
        )
        executive = next(login for login in DEMO_LOGINS if login.role == "executive")
        return Demo(
            dashboard=f"/initiatives/{initiative.id}/dashboard",
            pulse=f"/p/{code}",
            email=executive.email,
            password=executive.password,
        )


@contextlib.contextmanager
def serving(app: Flask) -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def visit(context: Any, url: str) -> Visit:
    """Open ``url`` in a new tab of ``context`` and record every response until it settles."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    seen = Visit()

    def transfer(event: dict[str, Any]) -> Transfer:
        return seen.transfers.setdefault(event["requestId"], Transfer())

    def received(event: dict[str, Any]) -> None:
        response = event["response"]
        headers = {name.lower(): value for name, value in response["headers"].items()}
        item = transfer(event)
        item.url = response["url"]
        item.status = item.status or response["status"]
        item.encoding = item.encoding or headers.get("content-encoding", "")
        item.from_cache = item.from_cache or bool(response.get("fromDiskCache"))

    def raw(event: dict[str, Any]) -> None:
        # What came over the wire: a revalidation shows its 304 here, not in responseReceived.
        headers = {name.lower(): value for name, value in event["headers"].items()}
        item = transfer(event)
        item.status = event["statusCode"]
        item.encoding = headers.get("content-encoding", item.encoding)

    def cached(event: dict[str, Any]) -> None:
        transfer(event).from_cache = True

    def data(event: dict[str, Any]) -> None:
        transfer(event).decoded += event["dataLength"]

    def finished(event: dict[str, Any]) -> None:
        transfer(event).transferred = int(event["encodedDataLength"])

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.responseReceivedExtraInfo", raw)
    cdp.on("Network.requestServedFromCache", cached)
    cdp.on("Network.dataReceived", data)
    cdp.on("Network.loadingFinished", finished)
    cdp.send("Network.enable")
    page.goto(url, wait_until="load")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30_000)
    page.wait_for_load_state("networkidle")
    cdp.detach()
    page.close()
    # data: URLs (plotly's inline images) never touch the network.
    seen.transfers = {
        key: t for key, t in seen.transfers.items() if t.url and not t.url.startswith("data:")
    }
    return seen


def logged_in_state(browser: Any, base: str, demo: Demo) -> Any:
    """The demo executive's cookies, from a login in a throwaway browser profile."""
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(demo.email)
    page.get_by_label("Password").fill(demo.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    state = context.storage_state()
    context.close()
    return state


def measure(base: str, demo: Demo, accept_encoding: str | None) -> dict[str, tuple[Visit, Visit]]:
    from playwright.sync_api import sync_playwright

    headers = {"Accept-Encoding": accept_encoding} if accept_encoding is not None else {}
    results: dict[str, tuple[Visit, Visit]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        state = logged_in_state(browser, base, demo)
        # A fresh profile with only the session cookie: nothing cached yet.
        desk = browser.new_context(
            viewport=DESKTOP, base_url=base, storage_state=state, extra_http_headers=headers
        )
        results["dashboard"] = (visit(desk, demo.dashboard), visit(desk, demo.dashboard))
        desk.close()
        phone = browser.new_context(
            viewport=PHONE,
            base_url=base,
            is_mobile=True,
            has_touch=True,
            extra_http_headers=headers,
        )
        results["pulse page"] = (visit(phone, demo.pulse), visit(phone, demo.pulse))
        phone.close()
        browser.close()
    return results


def kb(size: int) -> str:
    return f"{size / 1000:,.1f} KB"


def asset_lines(seen: Visit) -> list[str]:
    lines = []
    for item in seen.transfers.values():
        parts = urlsplit(item.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        how = "cache" if item.from_cache else str(item.status)
        lines.append(
            f"    {how:>5}  {kb(item.transferred):>10}  {item.encoding or '-':>4}"
            f"  ({kb(item.decoded):>10} decoded)  {path}"
        )
    return lines


def report(results: dict[str, tuple[Visit, Visit]], *, assets: bool) -> bool:
    ok = True
    for name, visits in results.items():
        for label, seen, target in zip(
            ("first visit", "repeat visit"), visits, TARGETS[name], strict=True
        ):
            within = seen.transferred <= target
            ok = ok and within
            verdict = "ok" if within else "OVER"
            print(
                f"{name + ', ' + label + ':':<28} {kb(seen.transferred):>10} transferred"
                f"  ({kb(seen.decoded)} decoded, {len(seen.transfers)} responses)"
                f"  target ≤ {kb(target)}: {verdict}"
            )
            if assets:
                print("\n".join(asset_lines(seen)))
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", action="store_true", help="list every response of every visit")
    parser.add_argument(
        "--accept-encoding",
        metavar="VALUE",
        help="send this Accept-Encoding instead of Chromium's own (e.g. 'gzip, deflate')",
    )
    parser.add_argument(
        "--database-url",
        help="measure Bench Holdings in a database filled by bench/generate.py (default: the demo)",
    )
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is not installed (apt-get install chromium)")
    if args.database_url:
        app = create_app(
            settings_from_env(
                ROOT / "instance", {"SECRET_KEY": "bench", "DATABASE_URL": args.database_url}
            )
        )
        organisation = bench_organisation(app)
        with serving(app) as base:
            results = measure(base, organisation, args.accept_encoding)
        sys.exit(0 if report(results, assets=args.assets) else 1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = settings_from_env(
            folder, {"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"}
        )
        app = create_app(settings)
        demo = seed(app)
        with serving(app) as base:
            results = measure(base, demo, args.accept_encoding)
        with app.app_context():
            db.engine.dispose()
    sys.exit(0 if report(results, assets=args.assets) else 1)


if __name__ == "__main__":
    main()
