"""Import a 100,000-row CRM activity log through the metrics service and print the figures.

Generates, with a fixed seed, a login/audit export like a CRM's and a user → team
list in a temporary folder, imports them into a fresh SQLite database through
``app.services.metrics`` (the same code as the import wizard's confirm step) and
prints the rows, the seconds and the peak memory.

    .venv/bin/python bench/import_activity_log.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import csv
import io
import itertools
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.services import metrics  # noqa: E402
from config import settings_from_env  # noqa: E402
from insights.adoption import ActivityMapping  # noqa: E402
from models import Initiative, Organization, Team, db  # noqa: E402

SEED = 20260601
USERS = 420
WEEKS = 26
START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
TEAMS = {  # name: headcount
    "Sales North": 60, "Sales South": 55, "Broker Partnerships": 35, "Sales Operations": 10,
    "Claims Service": 75, "Policy Service": 65, "Contact Centre": 95,
}  # fmt: skip
# Event types as a CRM's audit export names them, and how often they occur.
EVENTS = {"Login": 34, "Create": 18, "Update": 30, "View": 12, "Delete": 3, "Export": 3}
MAPPING = ActivityMapping(
    user_column="User Name",
    timestamp_column="Event Time",
    timestamp_format="%d/%m/%Y %H:%M",
    source_zone="UTC",
    week_zone="Europe/London",
    event_column="Event Type",
    login_events=("Login",),
    record_events=("Create", "Update"),
    status_column="Status",
    counted_statuses=("Success",),
    users_user_column="Email",
    users_team_column="Team",
)


def generate(folder: Path, rows: int) -> tuple[Path, Path]:
    """The log (in time order, as exported) and the user list; a few users have no team."""
    rng = random.Random(SEED)
    users = [f"user{n:04d}@northwind.example" for n in range(USERS)]
    team_names = list(TEAMS)
    weights = list(TEAMS.values())
    users_path = folder / "users.csv"
    with users_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Email", "Team"])
        for user in users:
            if rng.random() > 0.03:
                writer.writerow([user, rng.choices(team_names, weights)[0]])
    # Some people work in the CRM much more than others.
    activity = list(itertools.accumulate(rng.paretovariate(1.5) for _ in users))
    span = WEEKS * 7 * 24 * 3600 - 4 * 3600  # ends on the last Sunday evening
    log_path = folder / "activity.csv"
    with log_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["User Name", "Event Time", "Event Type", "Status", "Source IP"])
        kinds, kind_weights = list(EVENTS), list(itertools.accumulate(EVENTS.values()))
        for row in range(rows):
            at = START + timedelta(seconds=span * row // rows + rng.randrange(60))
            event = rng.choices(kinds, cum_weights=kind_weights)[0]
            status = "Invalid Password" if event == "Login" and rng.random() < 0.05 else "Success"
            writer.writerow(
                [
                    rng.choices(users, cum_weights=activity)[0],
                    at.strftime("%d/%m/%Y %H:%M"),
                    event,
                    status if event == "Login" else "",
                    f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
                ]
            )
    return log_path, users_path


def fresh_initiative() -> Initiative:
    organization = Organization(name="Bench Mutual")
    db.session.add(organization)
    db.session.flush()
    for name, headcount in TEAMS.items():
        db.session.add(Team(organization_id=organization.id, name=name, headcount=headcount))
    initiative = Initiative(
        organization_id=organization.id,
        name="CRM rollout",
        crm_product="Bench CRM",
        start_date=date(2025, 11, 3),
        go_live_date=date(2026, 1, 5),
        licensed_seats=sum(TEAMS.values()),
    )
    db.session.add(initiative)
    db.session.flush()
    metrics.ensure_catalogue(initiative)  # as organizations.save_initiative does
    db.session.commit()
    return initiative


def real_headcounts(users: Path) -> None:
    """Each team's headcount: the people the generated user list puts in it (an import
    refuses more active people than a team has)."""
    with users.open(newline="") as handle:
        counts = collections.Counter(row["Team"] for row in csv.DictReader(handle))
    for team in db.session.scalars(select(Team)):
        team.headcount = counts.get(team.name, 0)
    db.session.commit()


def plan(initiative: Initiative, log: Path, users: Path, on_conflict: str) -> metrics.ImportPlan:
    with (
        log.open(encoding="utf-8-sig", newline="") as log_file,
        users.open(encoding="utf-8-sig", newline="") as users_file,
    ):
        return metrics.plan_activity_log(initiative, log_file, MAPPING, users_file, on_conflict)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        log, users = generate(folder, rows)
        settings = settings_from_env(
            folder, {"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"}
        )
        app = create_app(settings)
        with app.app_context():
            with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
                upgrade()
            initiative = fresh_initiative()
            real_headcounts(users)

            started = time.perf_counter()
            first = plan(initiative, log, users, metrics.REJECT)
            assert first.ok, first.errors[:5]
            written = metrics.apply_plan(first)
            db.session.commit()
            seconds = time.perf_counter() - started

            # The same file again, replacing what is stored, under tracemalloc (slower).
            tracemalloc.start()
            again = plan(initiative, log, users, metrics.REPLACE)
            metrics.apply_plan(again)
            db.session.commit()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            db.engine.dispose()
        summary = first.activity
        assert summary is not None
        size_mb = log.stat().st_size / 2**20
        max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"activity log:        {summary.rows:,} rows ({size_mb:.1f} MB), {USERS} users")
    print(
        f"counted:             {summary.logins:,} logins, {summary.records:,} record changes, "
        f"{sum(summary.skipped.values()):,} rows left out by the mapping"
    )
    print(f"weeks:               {summary.first_week} to {summary.last_week}")
    print(f"observations stored: {written:,}")
    print(f"import time:         {seconds:.2f} s (read, derive, check, write, commit)")
    print(f"peak Python memory:  {peak / 2**20:.1f} MB during a second import (tracemalloc)")
    print(f"peak process RSS:    {max_rss_mb:.0f} MB (interpreter, Flask and SQLAlchemy included)")


if __name__ == "__main__":
    main()
