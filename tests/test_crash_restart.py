"""A hard kill mid-burst: every acknowledged answer is kept and the app serves again at once.

The real server: gunicorn with the repository's ``gunicorn.conf.py`` (the documented way
to run Stepwise) on a temporary SQLite file. Threads post pulse answers, each with a
comment of its own so that every acknowledged answer can be looked for; the server is
SIGKILLed mid-burst (its master only, whose workers must then die with it, or every
process), restarted at once with the same command, and must answer a pulse POST within a
second of accepting connections, with the database intact.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_migrate import upgrade

from app import create_app
from app.services import pulse
from models import db
from models.base import utcnow
from survey.instruments import RECOMMEND10, SCALES
from tests import builders
from tests.conftest import base_config

ROOT = Path(__file__).resolve().parent.parent
ACKNOWLEDGED = 302  # the pulse form redirects to its thank-you page once the answer is stored
THREADS = 6
KILL_AFTER = 60  # acknowledged answers before the kill
READY_TIMEOUT = 20.0

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")


@dataclass
class Target:
    database: Path
    code: str
    form: dict[str, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def prepare(database: Path) -> Target:
    """A migrated database with one open campaign and its team link; the form to post."""
    app = create_app(base_config(f"sqlite:///{database}"))
    with app.app_context():
        upgrade()
        organization = builders.make_organization("Crash Test Insurance")
        initiative = builders.make_initiative(organization)
        team = builders.make_team(organization, "Claims", headcount=400)
        survey = builders.make_survey(initiative)
        builders.make_campaign(survey, [team])
        code = builders.team_code(survey, team)
        opened = pulse.open_link(code, utcnow())
        assert opened is not None
        form = {
            f"{pulse.ITEM_PREFIX}{item.key}": "7" if item.scale == RECOMMEND10 else "4"
            for item in opened.items
            if item.scale in SCALES
        }
        db.session.remove()
        db.engine.dispose()
    return Target(database, code, form)


class Server:
    """``gunicorn -c gunicorn.conf.py -w 2 'app:create_app()'`` on a fixed port."""

    def __init__(self, target: Target, port: int, log: Path, config: str = "gunicorn.conf.py"):
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{target.database}",
            "SECRET_KEY": "crash-test-secret",
            "STEPWISE_RATELIMIT_ENABLED": "false",
        }
        command = [sys.executable, "-m", "gunicorn", "-c", config, "-w", "2"]
        command += ["--bind", f"127.0.0.1:{port}", "app:create_app()"]
        with log.open("a") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own command
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        self.port, self.log = port, log

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def wait_accepting(self) -> float:
        """Seconds until a connection is accepted and answered (any status)."""
        start = time.monotonic()
        while time.monotonic() - start < READY_TIMEOUT:
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            try:
                status, _ = request(self.port, "GET", "/healthz", timeout=5)
            except OSError:
                time.sleep(0.02)
                continue
            if status == 200:
                return time.monotonic() - start
        raise AssertionError(
            f"not serving after {READY_TIMEOUT} s:\n{self.log.read_text()[-2000:]}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=15)


def request(
    port: int, method: str, path: str, body: bytes | None = None, timeout: float = 10
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Burst:
    """Answers posted from threads; which comment got which status (None: no answer)."""

    target: Target
    port: int
    statuses: dict[str, int | None] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def acknowledged(self) -> set[str]:
        with self.lock:
            return {key for key, status in self.statuses.items() if status == ACKNOWLEDGED}

    def post(self, comment: str) -> int:
        body = urlencode({**self.target.form, pulse.COMMENT_FIELD: comment}).encode()
        status, _ = request(self.port, "POST", f"/p/{self.target.code}", body)
        return status

    def _thread(self, number: int) -> None:
        sent = 0
        while not self.stop.is_set():
            comment = f"crash-{number}-{sent}"
            sent += 1
            try:
                status: int | None = self.post(comment)
            except (OSError, http.client.HTTPException):
                status = None
            with self.lock:
                self.statuses[comment] = status
            if status is None:
                return  # the server is gone

    @classmethod
    @contextmanager
    def running(cls, target: Target, port: int) -> Iterator[Burst]:
        burst = cls(target, port)
        threads = [threading.Thread(target=burst._thread, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        try:
            yield burst
        finally:
            burst.stop.set()
            for thread in threads:
                thread.join(timeout=30)


def stored_comments(database: Path) -> tuple[set[str], str]:
    """The comments stored and SQLite's integrity check, read as a fresh process would."""
    with closing(sqlite3.connect(database, timeout=10)) as connection:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        comments = {row[0] for row in connection.execute("SELECT comment FROM response")}
    return comments, check


@pytest.fixture
def target(tmp_path: Path) -> Target:
    return prepare(tmp_path / "stepwise.db")


def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped by init is dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


def _kill(server: Server, how: str) -> None:
    if how == "everything":
        for pid in [*server.workers(), server.process.pid]:
            os.kill(pid, signal.SIGKILL)
    else:
        server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=10)


@pytest.mark.parametrize("how", ["master", "everything"])
def test_a_sigkill_mid_burst_loses_no_acknowledged_answer(
    target: Target, tmp_path: Path, how: str
) -> None:
    port, log = _free_port(), tmp_path / "gunicorn.log"
    first = Server(target, port, log)
    restarted: Server | None = None
    try:
        cold_start = first.wait_accepting()
        # The app is preloaded in the master: the first worker may serve before the
        # second is forked.
        deadline = time.monotonic() + 10
        while len(workers := first.workers()) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(workers) == 2
        with Burst.running(target, port) as burst:
            deadline = time.monotonic() + 15
            while len(burst.acknowledged()) < KILL_AFTER and time.monotonic() < deadline:
                time.sleep(0.005)
            _kill(first, how)
            killed_at = time.monotonic()
        acknowledged = burst.acknowledged()
        assert len(acknowledged) >= KILL_AFTER

        # The workers die with their master (PR_SET_PDEATHSIG in gunicorn.conf.py).
        time.sleep(0.2)
        assert [pid for pid in workers if _alive(pid)] == []

        restarted = Server(target, port, log)
        accepting = restarted.wait_accepting()
        # The port was free at once: no "Connection in use" retries (a second each).
        assert "Connection in use" not in log.read_text()
        answered = time.monotonic()
        status = Burst(target, port).post("after the restart")
        post_seconds = time.monotonic() - answered
        assert status == ACKNOWLEDGED
        assert post_seconds < 1.0, f"first POST took {post_seconds:.2f} s"

        comments, check = stored_comments(target.database)
        assert check == "ok"
        assert acknowledged - comments == set()
        assert "after the restart" in comments
        print(  # noqa: T201 - the figures, with -s
            f"\n{how}: {len(acknowledged)} acknowledged, all stored; cold start {cold_start:.2f} s,"
            f" restart serving after {accepting:.2f} s"
            f" (kill to first POST {time.monotonic() - killed_at:.2f} s),"
            f" first POST {post_seconds * 1000:.0f} ms"
        )
    finally:
        for server in (first, restarted):
            if server is not None:
                server.stop()
