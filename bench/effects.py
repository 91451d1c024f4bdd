"""Did it work? at 20,000 people: what the effects of done actions cost the dashboard.

For each backend (a temporary SQLite file; PostgreSQL on a throwaway cluster started
as the tests do, ``tests/pg_cluster.py``, skipped with a note when the server binaries
are missing), ``generate.py`` fills a fresh database with the large set (200 teams,
26 weeks of adoption per team, 25 published campaigns). Then, in one process, as
``server_times.py`` measures (the Flask test client, 2 warm-ups, then ``-n``):

1. the executive dashboard's median and p95 with no action done (its "Did it work?"
   panel is empty), and ``effects_for_initiative`` / ``recent_effects`` in-process;
2. ``ACTIONS`` step actions marked done through ``stages.save_action`` (teams chosen:
   one team, a division with its nine sub-teams, or a handful of teams; done 1 to 20
   weeks ago), and ``ENTRIES`` "you said, we did" entries with their day done;
3. the same figures again, the estimates' states, and the dashboard's growth. When the
   dashboard's median with them is over ``TARGET_MS`` (the suite's target for it), one
   profiled dashboard request says where the time goes (cProfile, the effects' first).

    .venv/bin/python bench/effects.py                          # both backends, large set
    .venv/bin/python bench/effects.py --backends sqlite --size small
    .venv/bin/python bench/effects.py --database-url sqlite:////tmp/bench.db
    # (a database generate.py filled, with no action done yet; left with the actions)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.services import accounts, organizations, stages  # noqa: E402
from app.services.effect_readings import Readings  # noqa: E402
from app.services.effects import effects_for_initiative, recent_effects  # noqa: E402
from config import settings_from_env  # noqa: E402
from insights.kotter import STEP_KEYS  # noqa: E402
from models import Action, Campaign, Initiative, Survey, SurveyAction, Team, db  # noqa: E402
from survey.instruments import STARTER_PULSE  # noqa: E402
from tests.pg_cluster import ClusterUnavailable, create_database, start_cluster  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from generate import CONSULTANT, EXECUTIVE, ORGANIZATION  # noqa: E402
from server_times import WARM_UPS, _p95  # noqa: E402
from suite import _run  # noqa: E402

SEED = 16
ACTIONS = 20  # step actions done, with chosen teams
ENTRIES = 6  # "you said, we did" entries with their day done
TARGET_MS = 150.0  # the executive dashboard's median target (bench/suite.py)


def _settings(database_url: str) -> dict[str, object]:
    env = dict(os.environ, DATABASE_URL=database_url)
    env.setdefault("SECRET_KEY", "bench")
    env["STEPWISE_RATELIMIT_ENABLED"] = "false"  # timed requests, not abuse
    return settings_from_env(ROOT / "instance", env)


def _bench_initiative() -> Initiative:
    organization = organizations.organization_by_name(ORGANIZATION)
    if organization is None:
        sys.exit(f"no {ORGANIZATION} here: run bench/generate.py on this database first")
    return db.session.scalars(
        select(Initiative).where(Initiative.organization_id == organization.id)
    ).one()


def _done_count(initiative: Initiative) -> int:
    steps = db.session.scalar(
        select(func.count())
        .select_from(Action)
        .where(Action.initiative_id == initiative.id, Action.status == "done")
    )
    entries = db.session.scalar(
        select(func.count())
        .select_from(SurveyAction)
        .join(Survey, Survey.id == SurveyAction.survey_id)
        .where(Survey.initiative_id == initiative.id, SurveyAction.done_on.is_not(None))
    )
    return (steps or 0) + (entries or 0)


def _mark_done(initiative: Initiative, today: date) -> None:
    """``ACTIONS`` done step actions and ``ENTRIES`` dated "you said, we did" entries."""
    rng = random.Random(SEED)  # noqa: S311 - bench data, the same on every run
    by = accounts.user_by_email(CONSULTANT[0])
    assert by is not None, "no bench consultant"
    teams = list(
        db.session.scalars(select(Team).where(Team.organization_id == initiative.organization_id))
    )
    divisions = [team for team in teams if team.parent_id is None]
    children = [team for team in teams if team.parent_id is not None]
    for number in range(ACTIONS):
        shape = number % 3  # one team; a division and its sub-teams; a handful of teams
        chosen = (
            [rng.choice(children)]
            if shape == 0
            else [rng.choice(divisions)]
            if shape == 1
            else rng.sample(children, rng.randint(3, 9))
        )
        stages.save_action(
            initiative,
            stage_key=STEP_KEYS[number % len(STEP_KEYS)],
            title=f"Bench action {number + 1}",
            owner=None,
            due_date=None,
            status="done",
            by=by,
            teams=[team.id for team in chosen],
            done_on=today - timedelta(days=7 + 7 * (number % 20)),
            today=today,
        )
    survey = db.session.scalars(select(Survey).where(Survey.initiative_id == initiative.id)).one()
    published = list(
        db.session.scalars(
            select(Campaign.id)
            .where(Campaign.survey_id == survey.id, Campaign.published_at.is_not(None))
            .order_by(Campaign.closes_at)
        )
    )
    for number in range(ENTRIES):
        db.session.add(
            SurveyAction(
                survey_id=survey.id,
                team_id=None if number == 0 else rng.choice(children).id,
                campaign_id=published[-1 - number],
                dimension_key=STARTER_PULSE[number % len(STARTER_PULSE)],
                you_said=f"Bench: what staff said, {number + 1}",
                we_did=f"Bench: what was done about it, {number + 1}",
                done_on=today - timedelta(days=10 + 14 * number),
                created_by_id=by.id,
                created_at=datetime.combine(today, day_time(9), tzinfo=UTC),
            )
        )
    db.session.commit()


class _Timer:
    """Server time of requests through the test client, and statements per request."""

    def __init__(self, app: Flask, runs: int) -> None:
        self.app, self.runs = app, runs
        self.statements = 0
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._count)

    def _count(self, *_: object) -> None:
        self.statements += 1

    def request(self, client: FlaskClient, path: str) -> tuple[float, float, int]:
        times, counts = [], []
        for run in range(WARM_UPS + self.runs):
            self.statements = 0
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, f"{path}: {response.status_code}"
            if run >= WARM_UPS:
                times.append(elapsed * 1000)
                counts.append(self.statements)
        return statistics.median(times), _p95(times), max(counts)

    def call(self, work: Callable[[Initiative], object]) -> tuple[float, int]:
        """Median ms of ``work`` on a fresh session each time (as each request has one)."""
        times, counts = [], []
        with self.app.app_context():
            for run in range(WARM_UPS + self.runs):
                db.session.remove()
                initiative = _bench_initiative()
                self.statements = 0
                started = time.perf_counter()
                work(initiative)
                elapsed = time.perf_counter() - started
                if run >= WARM_UPS:
                    times.append(elapsed * 1000)
                    counts.append(self.statements)
            db.session.remove()
        return statistics.median(times), max(counts)


def _figures(timer: _Timer, client: FlaskClient, dashboard: str, today: date) -> dict[str, float]:
    median, p95, sql = timer.request(client, dashboard)
    every, every_sql = timer.call(lambda i: effects_for_initiative(i, today))
    recent, recent_sql = timer.call(lambda i: recent_effects(i, today))
    print(f"  GET  {dashboard:40} {median:7.1f} ms median {p95:7.1f} ms p95 {sql:4} SQL")
    print(f"  effects_for_initiative (every action)      {every:7.1f} ms median {'':15}"
          f"{every_sql:4} SQL")  # fmt: skip
    print(f"  recent_effects (the dashboard's panel)     {recent:7.1f} ms median {'':15}"
          f"{recent_sql:4} SQL")  # fmt: skip
    return {"dashboard": median, "every": every, "recent": recent}


def _states(app: Flask, today: date) -> str:
    with app.app_context():
        found = effects_for_initiative(_bench_initiative(), today)
        states = Counter(line.effect.state for e in found for line in e.lines)
        db.session.remove()
    words = ", ".join(f"{state} {count}" for state, count in states.most_common())
    return f"{len(found)} done actions, {sum(states.values())} estimates: {words}"


def _breakdown(timer: _Timer) -> None:
    """What the effects read, each once per request: the pulse and the adoption readings."""
    pulse, _ = timer.call(lambda i: Readings(i).pulse)
    metric, _ = timer.call(lambda i: Readings(i).metric)
    print(f"  of which: pulse readings {pulse:.1f} ms (the JSON dimensions of every shown team "
          f"group of every published campaign), adoption readings {metric:.1f} ms")  # fmt: skip


def _profile(client: FlaskClient, dashboard: str) -> None:
    """One dashboard request under cProfile: the effects' functions, then the whole top."""
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(dashboard)
    profiler.disable()
    for title, pattern in (("the effects' part", "effects"), ("the whole request", "")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(pattern, 12) if pattern else stats.print_stats(18)
        print(f"\n  profile of one dashboard request, {title} (cumulative):")
        lines = out.getvalue().splitlines()
        start = next((n for n, line in enumerate(lines) if "ncalls" in line), 0)
        print("\n".join(f"    {line}" for line in lines[start:] if line.strip()))


def measure(database_url: str, runs: int, *, profile: bool = False) -> dict[str, float]:
    """The figures on one database filled by generate.py; adds the done actions to it."""
    app = create_app(_settings(database_url))
    app.config["WTF_CSRF_ENABLED"] = False  # the login form only
    today = date.today()
    with app.app_context():
        initiative = _bench_initiative()
        if _done_count(initiative):
            sys.exit("this database already has done actions: use one generate.py just filled")
        dashboard = f"/initiatives/{initiative.id}/dashboard"
        teams = db.session.scalar(
            select(func.count())
            .select_from(Team)
            .where(Team.organization_id == initiative.organization_id)
        )
        db.session.remove()
    print(f"database: {database_url.split('@')[-1]}, {teams} teams")
    timer = _Timer(app, runs)
    client = app.test_client()
    login = client.post("/login", data={"email": EXECUTIVE[0], "password": EXECUTIVE[2]})
    assert login.status_code == 302, f"login failed: {login.status_code}"

    print("no action done:")
    before = _figures(timer, client, dashboard, today)
    with app.app_context():
        _mark_done(_bench_initiative(), today)
        db.session.remove()
    print(f"marked done: {ACTIONS} step actions and {ENTRIES} 'you said, we did' entries")
    print(f"  {_states(app, today)}")
    print("with them:")
    after = _figures(timer, client, dashboard, today)
    growth = after["dashboard"] - before["dashboard"]
    over = after["dashboard"] > TARGET_MS
    verdict = "OVER TARGET" if over else "ok"
    print(f"dashboard grows by {growth:+.1f} ms (median {before['dashboard']:.1f} -> "
          f"{after['dashboard']:.1f})  target <= {TARGET_MS:g} ms: {verdict}")  # fmt: skip
    if profile or over:
        _breakdown(timer)
        _profile(client, dashboard)
    return {**after, "growth": growth, "over": float(over)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a database generate.py filled (kept)")
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--size", choices=("small", "large"), default="large")
    parser.add_argument("-n", type=int, default=15, help="timed runs of each figure")
    parser.add_argument("--profile", action="store_true", help="profile one dashboard anyway")
    args = parser.parse_args()
    if args.database_url:
        measure(args.database_url, args.n, profile=args.profile)
        return 0
    started = time.perf_counter()
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="stepwise-bench-") as folder:
        if "sqlite" in args.backends:
            figures["SQLite"] = _one("SQLite", f"sqlite:///{folder}/effects.db", args)
        if "postgresql" in args.backends:
            try:
                cluster = start_cluster()
            except ClusterUnavailable as why:
                print(f"\nPostgreSQL: not run ({why})")
            else:
                try:
                    url = create_database(cluster.url, "bench_effects")
                    figures["PostgreSQL"] = _one("PostgreSQL 15 (fsync off)", url, args)
                finally:
                    cluster.stop()
    print(f"\n{'effects, ' + args.size + ' set':34} {'dashboard growth':>17} "
          f"{'every action':>13} {'dashboard panel':>16}")  # fmt: skip
    for name, found in figures.items():
        print(f"{name:34} {found['growth']:+14.1f} ms {found['every']:10.1f} ms "
              f"{found['recent']:13.1f} ms")  # fmt: skip
    print(f"effects bench: {time.perf_counter() - started:.0f} s")
    return 1 if any(found["over"] for found in figures.values()) else 0


def _one(name: str, url: str, args: argparse.Namespace) -> dict[str, float]:
    print(f"\n=== {name}, {args.size} set ===", flush=True)
    status, _ = _run("generate.py", "--size", args.size, "--database-url", url)
    if status:
        sys.exit(f"{name}: generate.py failed")
    return measure(url, args.n, profile=args.profile)


if __name__ == "__main__":
    sys.exit(main())
