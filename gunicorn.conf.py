"""gunicorn settings for Stepwise: ``gunicorn -c gunicorn.conf.py -w 4 'app:create_app()'``.

(gunicorn also reads this file by itself when started from the project folder.)

What it is for: a clean restart after a hard kill (README, "Running in production").

- Workers die with their master. A worker whose master is SIGKILLed is orphaned and,
  left alone, keeps the listening socket and serves on until it notices (up to half the
  timeout, about 15 s): a new master cannot bind the port meanwhile. Linux's
  PR_SET_PDEATHSIG makes the kernel kill each worker the moment its master dies.
- No pid file unless asked for (``--pid`` or ``STEPWISE_PIDFILE``); a pid file left by a
  killed master whose number now belongs to another program is removed at start instead of
  blocking it ("Already running on PID ...").
- No control socket (gunicorn 25+): one path per user, shared by every instance.
- The app is loaded once, in the master, before the workers fork (``preload_app``): a
  restart serves as soon as one process has imported Stepwise (about a second), instead
  of after every worker has imported it on its own (2.5 s and more with 4 workers on 2
  cores). Each worker then drops any database connection inherited from the master.
- A short graceful timeout: a restart or stop waits at most 10 s for requests in flight
  (a pulse answer takes milliseconds; the slowest export a few seconds).

Command-line options override these settings.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

pidfile = os.environ.get("STEPWISE_PIDFILE") or None
# gunicorn 25+ opens a control socket at one path per user ($XDG_RUNTIME_DIR or ~/.gunicorn),
# shared by every instance and left behind by a killed master; Stepwise does not use it.
control_socket_disable = True
preload_app = True
graceful_timeout = 10
timeout = 30


def _is_gunicorn(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"gunicorn" in command


def _remove_stale_pidfile(path: str) -> None:
    """A pid file whose pid is no running gunicorn was left by a killed master: remove it.

    Run when this file is read, before gunicorn checks the pid file (its ``on_starting``
    hook comes after). Only for ``STEPWISE_PIDFILE``: a ``--pid`` given on the command
    line is gunicorn's own business.
    """
    if sys.platform != "linux" or not os.path.exists(path):
        return
    try:
        old = int(Path(path).read_text().strip() or 0)
    except (OSError, ValueError):
        old = 0
    if not (old and _is_gunicorn(old)):
        Path(path).unlink(missing_ok=True)


if pidfile:
    _remove_stale_pidfile(pidfile)


def post_fork(server: Any, worker: Any) -> None:
    _own_database_connections(server)
    _die_with_master(server)


def _own_database_connections(server: Any) -> None:
    """A connection opened in the master must never be shared by two workers."""
    app = getattr(server.app, "callable", None)
    if app is None or not hasattr(app, "app_context"):
        return
    from models import db

    with app.app_context():
        db.engine.dispose(close=False)


def _die_with_master(server: Any) -> None:
    """Have the kernel SIGKILL this worker as soon as its master dies (Linux only)."""
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        server.log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %s", ctypes.get_errno())
    elif os.getppid() != server.pid:  # the master died before the line above ran
        os._exit(0)
