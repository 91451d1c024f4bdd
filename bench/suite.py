"""The scale benchmark of ``make bench``: both backends, both sizes, every figure of issue 12.

For SQLite (a temporary file) and PostgreSQL (a throwaway cluster started as
the tests do, ``tests/pg_cluster.py``; skipped with a note when the server
binaries are missing), and for each of ``--sizes`` (small, large):

1. ``generate.py`` fills a fresh database;
2. ``server_times.py`` prints median and p95 server time of the dashboard, the
   diagnosis API, the results page, the results API and a submission, the
   SQL statements per request and the process's peak RSS (every page served
   by one process: a worker's peak);
3. on the largest size (SQLite), ``page_weight.py`` weighs the dashboard and the
   staff pulse page in Chromium, first and repeat visit;
4. on the largest size, ``throughput.py`` loads gunicorn (4 workers, 16
   connections) with pulse answers beside a bare insert endpoint on the same
   stack, and prints the ratio, the peak worker RSS and acknowledged against
   stored submissions.

Then the dashboard's large/small ratio per backend. Everything is printed as
it runs; the exit status is 1 when a step failed or a target was missed.

    .venv/bin/python bench/suite.py                       # everything (about 10 minutes)
    .venv/bin/python bench/suite.py --sizes small --backends sqlite
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pg_cluster import ClusterUnavailable, create_database, start_cluster  # noqa: E402

DASHBOARD = re.compile(r"GET\s+/initiatives/\d+/dashboard\s+([\d.]+)ms")
TARGET_RATIO = 2.0


def _run(script: str, *args: str) -> tuple[int, str]:
    """Run one bench script, echoing its output as it comes; its status and output."""
    command = [sys.executable, str(ROOT / "bench" / script), *args]
    print(f"$ {' '.join(['python', f'bench/{script}', *args])}", flush=True)
    process = subprocess.Popen(  # noqa: S603 - our own scripts, our own arguments
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        if "alembic.runtime.migration" in line:
            continue  # the migrations' chatter
        print(line, end="", flush=True)
        lines.append(line)
    return process.wait(), "".join(lines)


def _backend(
    name: str, url_for: dict[str, str], sizes: list[str], seconds: float, *, weigh: bool = False
) -> list[str]:
    failures: list[str] = []
    dashboard: dict[str, float] = {}
    for size in sizes:
        print(f"\n=== {name}, {size} set ===", flush=True)
        url = url_for[size]
        status, _ = _run("generate.py", "--size", size, "--database-url", url)
        if status:
            failures.append(f"{name} {size}: generate.py failed")
            continue
        status, out = _run("server_times.py", "--database-url", url)
        if status:
            failures.append(f"{name} {size}: server_times.py failed")
        found = DASHBOARD.search(out)
        if found:
            dashboard[size] = float(found.group(1))
    largest = sizes[-1]
    if weigh:
        print(f"\n=== {name}, {largest} set: page weight in Chromium ===", flush=True)
        status, _ = _run("page_weight.py", "--database-url", url_for[largest])
        if status:
            failures.append(f"{name} {largest}: a page is over its weight target")
    print(f"\n=== {name}, {largest} set: submissions under load ===", flush=True)
    status, _ = _run(
        "throughput.py", "--database-url", url_for[largest], "--seconds", f"{seconds:g}"
    )
    if status:
        failures.append(f"{name} {largest}: throughput.py reported a failure or a missed target")
    if "small" in dashboard and "large" in dashboard:
        ratio = dashboard["large"] / dashboard["small"]
        verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
        print(
            f"\n{name}: dashboard large/small = {dashboard['large']:.1f} / "
            f"{dashboard['small']:.1f} ms = {ratio:.2f}  target <= {TARGET_RATIO:g}: {verdict}"
        )
        if ratio > TARGET_RATIO:
            failures.append(f"{name}: dashboard large/small {ratio:.2f}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="small,large", help="comma-separated: small,large")
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=20, help="timed load per server")
    args = parser.parse_args()
    sizes = [s for s in ("small", "large") if s in args.sizes.split(",")]
    backends = args.backends.split(",")
    started = time.perf_counter()
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="stepwise-bench-") as folder:
        if "sqlite" in backends:
            urls = {size: f"sqlite:///{folder}/{size}.db" for size in sizes}
            failures += _backend("SQLite", urls, sizes, args.seconds, weigh=True)
        if "postgresql" in backends:
            try:
                cluster = start_cluster()
            except ClusterUnavailable as why:
                print(f"\nPostgreSQL: not run ({why})")
            else:
                try:
                    urls = {size: create_database(cluster.url, f"bench_{size}") for size in sizes}
                    print("\nPostgreSQL 15 on a throwaway cluster (fsync off, as the tests run it)")
                    failures += _backend("PostgreSQL", urls, sizes, args.seconds)
                finally:
                    cluster.stop()
    print(f"\nsuite: {time.perf_counter() - started:.0f} s")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
