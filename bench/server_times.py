"""Server time per request on a database filled by ``bench/generate.py``.

Logs in as the executive generate.py created, makes an API token for them
(``app.services.accounts.create_api_token``), and times requests through the
Flask test client (``time.perf_counter`` around each call, 2 warm-ups, then N):
the executive dashboard, the diagnosis API, the results page, the results API's
first page and a pulse submission to a team link of the open campaign. Prints
the median and p95 in ms, the SQL statements per request and the peak RSS.
The pulse submissions are real: each adds one response to the open campaign.

    .venv/bin/python bench/server_times.py --database-url sqlite:////tmp/bench.db [-n 15]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from sqlalchemy import event, select  # noqa: E402
from werkzeug.test import TestResponse  # noqa: E402

from app import create_app  # noqa: E402
from app.services import accounts, organizations, pulse  # noqa: E402
from config import settings_from_env  # noqa: E402
from models import Campaign, Initiative, Survey, TeamLink, db  # noqa: E402
from models.base import utcnow  # noqa: E402
from survey.instruments import RECOMMEND10, SCALES  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from generate import EXECUTIVE, ORGANIZATION  # noqa: E402

WARM_UPS = 2


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: the DATABASE_URL environment variable")
    parser.add_argument("-n", type=int, default=15, help="timed requests per endpoint")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    env.setdefault("SECRET_KEY", "bench")
    env["STEPWISE_RATELIMIT_ENABLED"] = "false"  # timed requests, not abuse
    app = create_app(settings_from_env(ROOT / "instance", env))
    app.config["WTF_CSRF_ENABLED"] = False  # the login form only; the pulse form has none
    with app.app_context():
        organization = organizations.organization_by_name(ORGANIZATION)
        if organization is None:
            sys.exit(f"no {ORGANIZATION} here: run bench/generate.py on this database first")
        initiative_id = db.session.scalar(
            select(Initiative.id).where(Initiative.organization_id == organization.id)
        )
        survey_id = db.session.scalar(
            select(Survey.id).where(Survey.initiative_id == initiative_id)
        )
        open_campaign = db.session.scalar(
            select(Campaign.id).where(
                Campaign.survey_id == survey_id, Campaign.published_at.is_(None)
            )
        )
        code = db.session.scalar(
            select(TeamLink.code)
            .where(TeamLink.survey_id == survey_id)
            .order_by(TeamLink.id.desc())
        )
        assert code is not None, "no team link"
        opened = pulse.open_link(code, utcnow())
        assert opened is not None and opened.campaign_id == open_campaign, "no open campaign"
        form = {
            f"{pulse.ITEM_PREFIX}{item.key}": "7" if item.scale == RECOMMEND10 else "3"
            for item in opened.items
            if item.scale in SCALES  # the comment is a text item: left empty
        }
        user = accounts.user_by_email(EXECUTIVE[0])
        assert user is not None, "no bench executive"
        token = accounts.create_api_token(user)
        db.session.commit()
        engine = db.engine
        print(f"database: {engine.url.render_as_string(hide_password=True)}")

    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_: object) -> None:
        statements[0] += 1

    client = app.test_client()
    login = client.post("/login", data={"email": EXECUTIVE[0], "password": EXECUTIVE[2]})
    assert login.status_code == 302, f"login failed: {login.status_code}"
    bearer = {"Authorization": f"Bearer {token}"}
    endpoints: list[tuple[str, Callable[[], TestResponse], int]] = [
        (f"GET  /initiatives/{initiative_id}/dashboard",
         lambda: client.get(f"/initiatives/{initiative_id}/dashboard"), 200),
        (f"GET  /api/v1/initiatives/{initiative_id}/diagnosis",
         lambda: client.get(f"/api/v1/initiatives/{initiative_id}/diagnosis", headers=bearer), 200),
        (f"GET  /surveys/{survey_id}/results",
         lambda: client.get(f"/surveys/{survey_id}/results"), 200),
        (f"GET  /api/v1/surveys/{survey_id}/results",
         lambda: client.get(f"/api/v1/surveys/{survey_id}/results", headers=bearer), 200),
        ("POST /p/<code> (pulse answer)", lambda: client.post(f"/p/{code}", data=form), 302),
    ]  # fmt: skip
    print(f"{'endpoint':48} {'median':>9} {'p95':>9} {'SQL/req':>8} {'bytes':>9}")
    for name, call, expected in endpoints:
        times, counts = [], []
        for run in range(WARM_UPS + args.n):
            statements[0] = 0
            started = time.perf_counter()
            response = call()
            elapsed = time.perf_counter() - started
            assert response.status_code == expected, f"{name}: {response.status_code}"
            if run >= WARM_UPS:
                times.append(elapsed * 1000)
                counts.append(statements[0])
        size = len(response.get_data())
        sql = f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}"
        print(f"{name:48} {statistics.median(times):7.1f}ms {_p95(times):7.1f}ms "
              f"{sql:>8} {size:>9,}")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"requests: {WARM_UPS} warm-ups + {args.n} timed each; peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
