"""Pulse submissions per second under concurrent load, against a bare insert.

Works on a database filled by ``bench/generate.py`` (SQLite file or
PostgreSQL). Starts the real app under gunicorn (``app:create_app()``, 4 sync
workers by default, as the README deploys it) on a free port of 127.0.0.1,
finds the team links of Bench Holdings' open pulse campaign and posts pulse
answers to ``/p/<code>`` from a local load generator (a few processes of
threads, one ``http.client`` connection each, 16 in all) for a bounded time.
Then it does the same against ``bench/bare_insert.py`` (the same Flask,
Flask-SQLAlchemy and database, one row inserted and committed per POST, in a
scratch table created here and dropped afterwards).

It prints requests per second for both and their ratio (target: the app at
least 50 % of the bare insert), the submissions acknowledged (302) against
the responses stored in the open campaign during the run (lost must be 0),
the client-side latency, the peak RSS of each gunicorn worker (``VmHWM`` of
the master's children, polled; target 250 MB) and the CPU used by the
workers and by the load generator. Each pulse post really adds a response to
the open campaign. Exit status 1 if anything failed or a target was missed.

    .venv/bin/python bench/throughput.py --database-url sqlite:////tmp/bench.db [--seconds 20]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere
sys.path.insert(0, str(ROOT / "bench"))

ACKNOWLEDGED = 302  # both the pulse form and the bare insert redirect on success
TARGET_RATIO = 0.50
TARGET_RSS_MB = 250
READY_TIMEOUT = 60.0
LOGS: list[Path] = []  # the servers' logs, deleted at the end
BODIES = 64  # distinct request bodies, picked at random
# Lines in the servers' logs that mean trouble.
LOG_TROUBLE = re.compile(
    r"Traceback|Error|database is locked|WORKER TIMEOUT|Worker .* (was sent|exited)", re.I
)


# ---------------------------------------------------------------- load generator


@dataclass
class Load:
    """What the load generator saw in one phase, all connections together."""

    statuses: Counter = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    wall: float = 0.0  # from the start to the last response
    waiting: float = 0.0  # seconds the connections spent waiting for a response
    client_cpu: float = 0.0  # CPU seconds of the load generator's processes
    connects: int = 0  # TCP connections opened (a server that closes each one: one a request)

    def add(self, other: Load) -> None:
        self.statuses.update(other.statuses)
        self.latencies_ms.extend(other.latencies_ms)
        self.errors.update(other.errors)
        self.wall = max(self.wall, other.wall)
        self.waiting += other.waiting
        self.client_cpu += other.client_cpu
        self.connects += other.connects

    @property
    def responses(self) -> int:
        return sum(self.statuses.values())

    @property
    def acknowledged(self) -> int:
        return self.statuses[ACKNOWLEDGED]


def _connection_loop(
    port: int,
    paths: list[str],
    bodies: list[bytes],
    start: float,
    deadline: float,
    seed: int,
    out: Load,
    lock: threading.Lock,
) -> None:
    rng = random.Random(seed)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    mine = Load()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    last = start
    while time.monotonic() < start:
        time.sleep(0.001)
    while time.monotonic() < deadline:
        path, body = rng.choice(paths), rng.choice(bodies)
        sent = time.monotonic()
        mine.connects += connection.sock is None
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            mine.errors[f"{type(error).__name__}: {error}"] += 1
            connection.close()  # the next request opens a fresh one
            continue
        last = time.monotonic()
        mine.waiting += last - sent
        mine.statuses[response.status] += 1
        mine.latencies_ms.append((last - sent) * 1000)
    connection.close()
    mine.wall = last - start
    with lock:
        out.add(mine)


def _load_process(job: tuple[int, list[str], list[bytes], int, float, float, int]) -> Load:
    """One load-generator process: ``threads`` keep-alive connections."""
    port, paths, bodies, threads, start, deadline, seed = job
    cpu = time.process_time()
    out, lock = Load(), threading.Lock()
    workers = [
        threading.Thread(
            target=_connection_loop,
            args=(port, paths, bodies, start, deadline, seed * 1000 + n, out, lock),
        )
        for n in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.client_cpu = time.process_time() - cpu
    return out


def run_load(
    port: int,
    paths: list[str],
    bodies: list[bytes],
    connections: int,
    processes: int,
    seconds: float,
    seed: int,
) -> Load:
    """Post for ``seconds`` over ``connections`` connections spread over ``processes``."""
    start = time.monotonic() + 0.5  # every process and thread begins together
    deadline = start + seconds
    shares = [connections // processes + (n < connections % processes) for n in range(processes)]
    jobs = [
        (port, paths, bodies, threads, start, deadline, seed + n)
        for n, threads in enumerate(shares)
        if threads
    ]
    total = Load()
    with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
        for part in pool.map(_load_process, jobs):
            total.add(part)
    return total


# ---------------------------------------------------------------- gunicorn


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # field 4: the parent's pid
            found.append(int(entry))
    return found


def _status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class ServerFailed(RuntimeError):
    """gunicorn did not start or did not answer; the message holds its log's end."""


class Server:
    """A gunicorn master on a free port, its log in a temporary file."""

    def __init__(
        self,
        spec: str,
        env: dict[str, str],
        args: argparse.Namespace,
        extra: list[str],
        name: str,
        label: str,
    ) -> None:
        self.label, self.workers, self.port = label, args.workers, _free_port()
        handle, log_path = tempfile.mkstemp(prefix=f"throughput-{name}-", suffix=".log")
        os.close(handle)
        self.log = Path(log_path)
        LOGS.append(self.log)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            spec,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--error-logfile",
            "-",
            *extra,
        ]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.peak_kb: dict[int, int] = {}  # worker pid -> VmHWM
        self._stop = threading.Event()
        self._poller = threading.Thread(target=self._poll, daemon=True)

    def wait_ready(self, probe: str) -> None:
        """Until every worker is up and a request is answered (any status)."""
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(
                    f"{self.label}: gunicorn exited with {self.process.returncode}:\n{self.tail()}"
                )
            if len(_children(self.process.pid)) >= self.workers:
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                    connection.request("GET", probe)
                    connection.getresponse().read()
                    connection.close()
                    self._poller.start()
                    return
                except OSError:
                    pass
            time.sleep(0.1)
        raise ServerFailed(f"{self.label}: not ready after {READY_TIMEOUT:.0f} s:\n{self.tail()}")

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(0.25)

    def sample(self) -> None:
        for pid in _children(self.process.pid):
            peak = _status_kb(pid, "VmHWM")
            if peak is not None:
                self.peak_kb[pid] = max(peak, self.peak_kb.get(pid, 0))

    def worker_cpu(self) -> float:
        return sum(_cpu_seconds(pid) for pid in _children(self.process.pid))

    def stop(self) -> None:
        self._stop.set()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: finish the requests in hand
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def trouble(self) -> list[str]:
        """The log's worrying lines; the log is deleted."""
        text = self.log.read_text()
        self.log.unlink(missing_ok=True)
        return [line for line in text.splitlines() if LOG_TROUBLE.search(line)]

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text().splitlines()[-lines:]) if self.log.exists() else ""


# ---------------------------------------------------------------- the database


@dataclass
class Target:
    campaign_id: int
    codes: list[str]
    bodies: list[bytes]


def find_target(app: Flask) -> Target:
    """The open campaign of Bench Holdings' pulse survey, its team links and form bodies."""
    from generate import ORGANIZATION
    from sqlalchemy import select

    from app.services import organizations, pulse
    from models import Campaign, CampaignTeam, Initiative, Survey, TeamLink, db
    from models.base import utcnow
    from survey.instruments import RECOMMEND10, SCALES

    with app.app_context():
        organization = organizations.organization_by_name(ORGANIZATION)
        if organization is None:
            sys.exit(f"no {ORGANIZATION} here: run bench/generate.py on this database first")
        survey_id = db.session.scalar(
            select(Survey.id)
            .join(Initiative, Initiative.id == Survey.initiative_id)
            .where(Initiative.organization_id == organization.id)
            .order_by(Survey.id)
        )
        campaign = db.session.scalars(
            select(Campaign)
            .where(Campaign.survey_id == survey_id)
            .order_by(Campaign.opens_at.desc())
        ).first()
        if campaign is None or campaign.published_at is not None:
            sys.exit("the newest campaign of the bench survey is not open")
        codes = list(
            db.session.scalars(
                select(TeamLink.code)
                .join(CampaignTeam, CampaignTeam.team_id == TeamLink.team_id)
                .where(TeamLink.survey_id == survey_id, CampaignTeam.campaign_id == campaign.id)
                .order_by(TeamLink.id)
            )
        )
        now = utcnow()
        opened = [pulse.open_link(code, now) for code in codes]
        codes = [
            o.code
            for o in opened
            if o is not None and o.campaign_id == campaign.id and o.state is pulse.LinkState.OPEN
        ]
        if not codes:
            sys.exit(
                f"no team link opens campaign {campaign.id} now (closes at {campaign.closes_at})"
            )
        first = opened[0]
        assert first is not None
        items = first.items
        rng = random.Random(20_261_128)
        bodies = []
        for n in range(BODIES):
            form = {
                f"{pulse.ITEM_PREFIX}{item.key}": str(
                    rng.randint(0, 10) if item.scale == RECOMMEND10 else rng.randint(1, 5)
                )
                for item in items
                if item.scale in SCALES
            }
            if n % 10 == 0 and any(item.scale not in SCALES for item in items):
                form[pulse.COMMENT_FIELD] = "Load test comment."  # one in ten, as generate.py
            bodies.append(urlencode(form).encode())
        target = Target(campaign.id, codes, bodies)
        db.session.remove()
        db.engine.dispose()
    return target


def app_sqlite_pragmas(app: Flask) -> str | None:
    """The pragmas the app's SQLite connections have; None on another database."""
    import bare_insert

    from models import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return None
        with db.engine.connect() as connection:
            pragmas = bare_insert.read_pragmas(connection.connection.dbapi_connection)
        db.engine.dispose()
    return pragmas


def pulse_counts(app: Flask, campaign_id: int) -> tuple[int, int, int]:
    """Responses, their answers, and the responses the tallies say: for one campaign."""
    from sqlalchemy import func, select

    from models import Answer, Response, ResponseTally, db

    with app.app_context():
        responses = db.session.scalar(
            select(func.count()).select_from(Response).where(Response.campaign_id == campaign_id)
        )
        answers = db.session.scalar(
            select(func.count())
            .select_from(Answer)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.campaign_id == campaign_id)
        )
        tallied = db.session.scalar(
            select(func.coalesce(func.sum(ResponseTally.responses), 0)).where(
                ResponseTally.campaign_id == campaign_id
            )
        )
        db.session.remove()
        db.engine.dispose()
    return responses or 0, answers or 0, tallied or 0


# ---------------------------------------------------------------- report


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


@dataclass
class Phase:
    label: str
    load: Load
    warm_up: Load
    peak_mb: float
    worker_cpu: float
    trouble: list[str]

    @property
    def rate(self) -> float:
        """Acknowledged (302) responses per second: failures do not count."""
        return self.load.acknowledged / self.load.wall if self.load.wall else 0.0


def load_phase(
    server: Server, paths: list[str], bodies: list[bytes], args: argparse.Namespace, seed: int
) -> Phase:
    warm_up = run_load(
        server.port, paths, bodies, args.connections, args.processes, args.warm_up, seed
    )
    cpu = server.worker_cpu()
    load = run_load(
        server.port, paths, bodies, args.connections, args.processes, args.seconds, seed + 100
    )
    cpu = server.worker_cpu() - cpu
    server.sample()
    workers = sorted(server.peak_kb.values(), reverse=True)
    peak = workers[0] / 1024 if workers else 0.0
    return Phase(server.label, load, warm_up, peak, cpu, [])


def print_phase(phase: Phase, args: argparse.Namespace, cores: int) -> None:
    load = phase.load
    others = {s: n for s, n in sorted(load.statuses.items()) if s != ACKNOWLEDGED}
    print(f"{phase.label}:")
    print(
        f"  {load.acknowledged:,} acknowledged (302) in {load.wall:.1f} s: {phase.rate:,.1f} req/s"
        f"  ({load.responses:,} responses"
        f"{', other statuses ' + str(others) if others else ''}"
        f"{', connection errors ' + str(sum(load.errors.values())) if load.errors else ''})"
    )
    print(
        f"  {load.connects:,} TCP connections opened"
        f" ({load.responses / max(1, load.connects):.1f} requests per connection)"
    )
    print(
        f"  latency: median {statistics.median(load.latencies_ms or [0]):.1f} ms,"
        f" p95 {_percentile(load.latencies_ms, 0.95):.1f} ms,"
        f" p99 {_percentile(load.latencies_ms, 0.99):.1f} ms,"
        f" max {max(load.latencies_ms, default=0):.1f} ms"
    )
    print(
        f"  CPU: gunicorn workers {phase.worker_cpu / load.wall:.2f} cores,"
        f" load generator {load.client_cpu / load.wall:.2f} cores (of {cores});"
        f" connections waiting for a response {load.waiting / (load.wall * args.connections):.0%}"
        " of the time"
    )
    print(f"  peak worker RSS: {phase.peak_mb:.0f} MB")
    for error, count in load.errors.most_common(3):
        print(f"  connection error x{count}: {error}")
    if phase.trouble:
        print(f"  server log: {len(phase.trouble)} lines of trouble, first ones:")
        for line in phase.trouble[:5]:
            print(f"    {line[:200]}")


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: the DATABASE_URL environment variable")
    parser.add_argument("--seconds", type=float, default=20, help="timed load per server")
    parser.add_argument("--warm-up", type=float, default=3, help="untimed load first, seconds")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument("--processes", type=int, default=2, help="load-generator processes")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--skip-bare", action="store_true", help="only load the app")
    args = parser.parse_args()

    import bare_insert
    from sqlalchemy import create_engine, func, select

    from app import create_app
    from config import settings_from_env

    env = dict(os.environ)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if not env.get("DATABASE_URL"):
        sys.exit("name a database: --database-url or DATABASE_URL")
    env.setdefault("SECRET_KEY", "bench")
    # Thousands of answers from 127.0.0.1: the abuse limits would answer most with 429.
    env["STEPWISE_RATELIMIT_ENABLED"] = "false"
    cores = os.cpu_count() or 1
    app = create_app(settings_from_env(ROOT / "instance", env))
    target = find_target(app)
    pragmas = app_sqlite_pragmas(app)
    if pragmas:  # the bare insert gets the very pragmas of the app's connections
        env[bare_insert.PRAGMAS_ENV] = pragmas
    paths = [f"/p/{code}" for code in target.codes]
    print(
        f"database: {bare_insert.engine_url(env['DATABASE_URL']).split('://')[0]}"
        f"  campaign {target.campaign_id}, {len(paths)} team links;"
        f" gunicorn {args.workers} x {args.worker_class}"
        f"{f' ({args.threads} threads)' if args.threads > 1 else ''};"
        f" {args.connections} connections from {args.processes} processes;"
        f" {args.warm_up:g} s warm-up + {args.seconds:g} s"
    )
    if pragmas:
        print(f"SQLite pragmas of the app's connections: {pragmas}")

    failures: list[str] = []
    phases: list[Phase] = []
    before = pulse_counts(app, target.campaign_id)
    server = Server("app:create_app()", env, args, [], "app", "app (POST /p/<code>)")
    try:
        server.wait_ready(paths[0])
        phase = load_phase(server, paths, target.bodies, args, seed=1)
    finally:
        server.stop()
    phase.trouble = server.trouble()
    phases.append(phase)
    after = pulse_counts(app, target.campaign_id)
    print_phase(phase, args, cores)
    acknowledged = phase.load.acknowledged + phase.warm_up.acknowledged
    stored, answers, tallied = (b - a for a, b in zip(before, after, strict=True))
    lost = max(0, acknowledged - stored)
    print(
        f"  acknowledged {acknowledged:,}, stored {stored:,}, lost {lost:,}"
        f"  (warm-up included; {answers:,} answers stored, tallies +{tallied:,})"
    )
    if lost:
        failures.append(f"{lost} acknowledged pulse answers were not stored")
    if stored != acknowledged:
        failures.append(f"stored {stored} responses for {acknowledged} acknowledged")
    if tallied != stored:
        failures.append(f"the tallies grew by {tallied} for {stored} responses")

    if not args.skip_bare:
        engine = create_engine(bare_insert.engine_url(env["DATABASE_URL"]))
        table = bare_insert.bare_insert
        try:
            table.drop(engine, checkfirst=True)  # a leftover of an interrupted run
            table.create(engine)
            server = Server(
                "bare_insert:create_app()",
                env,
                args,
                ["--pythonpath", str(ROOT / "bench")],
                "bare",
                "bare insert (POST /insert)",
            )
            try:
                server.wait_ready("/insert")
                bare = load_phase(server, ["/insert"], target.bodies, args, seed=2)
            finally:
                server.stop()
            bare.trouble = server.trouble()
            phases.append(bare)
            with engine.connect() as connection:
                rows = connection.scalar(select(func.count()).select_from(table))
        finally:
            table.drop(engine, checkfirst=True)
            engine.dispose()
        print_phase(bare, args, cores)
        bare_acknowledged = bare.load.acknowledged + bare.warm_up.acknowledged
        print(
            f"  acknowledged {bare_acknowledged:,}, stored {rows:,},"
            f" lost {max(0, bare_acknowledged - (rows or 0)):,}"
        )
        if rows != bare_acknowledged:
            failures.append(f"bare insert: stored {rows} rows for {bare_acknowledged} acknowledged")
        ratio = phase.rate / bare.rate if bare.rate else 0.0
        verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
        print(
            f"app / bare: {phase.rate:,.1f} / {bare.rate:,.1f} req/s = {ratio:.0%}"
            f"  target >= {TARGET_RATIO:.0%}: {verdict}"
        )
        if ratio < TARGET_RATIO:
            failures.append(f"app/bare ratio {ratio:.0%} below {TARGET_RATIO:.0%}")

    verdict = "ok" if phase.peak_mb <= TARGET_RSS_MB else "OVER TARGET"
    print(f"peak app worker RSS: {phase.peak_mb:.0f} MB  target <= {TARGET_RSS_MB} MB: {verdict}")
    if phase.peak_mb > TARGET_RSS_MB:
        failures.append(f"app worker peak RSS {phase.peak_mb:.0f} MB over {TARGET_RSS_MB} MB")
    for each in phases:
        bad = sum(n for s, n in each.load.statuses.items() if s != ACKNOWLEDGED)
        bad += sum(n for s, n in each.warm_up.statuses.items() if s != ACKNOWLEDGED)
        errors = sum(each.load.errors.values()) + sum(each.warm_up.errors.values())
        if bad or errors:
            failures.append(
                f"{each.label}: {bad} responses other than 302, {errors} connection errors"
            )
        if each.trouble:
            failures.append(f"{each.label}: {len(each.trouble)} lines of trouble in the server log")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


def _main() -> int:
    try:
        return main()
    except ServerFailed as error:
        print(f"FAILED: {error}")
        return 1
    finally:
        for log in LOGS:
            log.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(_main())
