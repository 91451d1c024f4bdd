"""``flask --app app backup PATH`` and ``flask --app app restore PATH``.

SQLite: SQLite's online backup API copies a consistent snapshot while the app keeps
serving (under WAL, writers are not held up); the copy is written beside PATH and
renamed into place, so PATH is never a half-written backup. Restoring runs the same
API the other way, into the live database file: workers that hold it open see the
restored data at their next query, which a swapped file would not give them.

PostgreSQL: ``pg_dump -Fc`` and ``pg_restore --clean --if-exists --no-owner`` in one
transaction, with the newest server binaries installed (``/usr/lib/postgresql/*/bin``)
or those on PATH.

A restore accepts only a Stepwise backup: a SQLite file or a pg_dump archive holding an
``alembic_version`` table. It asks first unless ``--yes``.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import click
from sqlalchemy.engine import URL

from models import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(click.ClickException):
    """A backup or restore that cannot be done; the message says why and nothing changed."""


def _url() -> URL:
    return db.engine.url


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("The database is in memory: there is nothing to back up.")
    return Path(url.database)


# --- SQLite ----------------------------------------------------------------------------


def _sqlite_revision(path: Path) -> str:
    """The schema revision of the SQLite file ``path``; BackupError if it is not a Stepwise one."""
    with path.open("rb") as file:
        if file.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a Stepwise backup: it is not a SQLite database.")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            checked = connection.execute("PRAGMA quick_check").fetchone()
            if checked is None or checked[0] != "ok":
                raise BackupError(f"{path} is damaged: SQLite's check says {checked!r}.")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a Stepwise backup: {error}.") from None
    if row is None:
        raise BackupError(f"{path} is not a Stepwise backup: it has no schema revision.")
    return str(row[0])


def _backup_sqlite(source: Path, target: Path) -> str:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        with (
            closing(sqlite3.connect(source, timeout=10)) as live,
            closing(sqlite3.connect(temporary)) as copy,
        ):
            # One step: the snapshot of a single read transaction, consistent by construction.
            live.backup(copy)
        revision = _sqlite_revision(Path(temporary))
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return revision


def _restore_sqlite(backup: Path, live: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    with (
        closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source,
        closing(sqlite3.connect(live, timeout=10)) as target,
    ):
        source.backup(target)


# --- PostgreSQL ------------------------------------------------------------------------


def _pg_binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key)
    binary = found[-1] if found else shutil.which(name)
    if binary is None:
        raise BackupError(
            f"{name} was not found (neither on PATH nor in /usr/lib/postgresql/*/bin): "
            "install PostgreSQL's client programs (Debian: postgresql-client)."
        )
    return binary


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


@contextmanager
def _pg_connection() -> Iterator[tuple[str, dict[str, str]]]:
    """The libpq URL (without the password) and the environment carrying the password."""
    url = _url()
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    yield plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-800:]}")
    return done.stdout


def _backup_postgresql(target: Path) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        with _pg_connection() as (url, env):
            _run([_pg_binary("pg_dump"), "-Fc", "--no-owner", "-f", temporary, "-d", url], env)
        _check_pg_archive(Path(temporary))
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _check_pg_archive(path: Path) -> None:
    with path.open("rb") as file:
        if file.read(len(PG_DUMP_MAGIC)) != PG_DUMP_MAGIC:
            raise BackupError(
                f"{path} is not a Stepwise backup: it is not a pg_dump archive (pg_dump -Fc)."
            )
    listing = _run([_pg_binary("pg_restore"), "-l", str(path)], dict(os.environ))
    if not any(" TABLE " in line and "alembic_version" in line for line in listing.splitlines()):
        raise BackupError(f"{path} is not a Stepwise backup: it has no alembic_version table.")


def _restore_postgresql(backup: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    with _pg_connection() as (url, env):
        _run(
            [
                _pg_binary("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                url,
                str(backup),
            ],
            env,
        )


# --- the commands ----------------------------------------------------------------------


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the database to PATH while the app keeps serving (SQLite file or pg_dump archive)."""
    path = path.resolve()
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder.")
    url = _url()
    if url.get_backend_name() == "sqlite":
        revision = _backup_sqlite(_sqlite_path(url), path)
        click.echo(f"Backed up the SQLite database (schema {revision}) to {path}.")
    elif url.get_backend_name() == "postgresql":
        _backup_postgresql(path)
        click.echo(f"Backed up PostgreSQL database {url.database} to {path} (pg_dump -Fc).")
    else:
        raise BackupError(f"No backup for a {url.get_backend_name()} database.")
    click.echo(f"{path.stat().st_size:,} bytes. Restore with: flask --app app restore {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole database with the backup at PATH (made by ``backup``)."""
    url = _url()
    backend = url.get_backend_name()
    if backend == "sqlite":
        revision = _sqlite_revision(path)
        where = str(_sqlite_path(url))
    elif backend == "postgresql":
        _check_pg_archive(path)
        revision, where = "in the archive", f"PostgreSQL database {url.database}"
    else:
        raise BackupError(f"No restore for a {backend} database.")
    if not yes:
        click.confirm(
            f"Replace everything in {where} with the backup {path}?", abort=True, err=True
        )
    if backend == "sqlite":
        _restore_sqlite(path, Path(where))
    else:
        _restore_postgresql(path)
    click.echo(f"Restored {where} from {path} (schema {revision}).")
    click.echo("If this backup is older than the code, run: flask --app app db upgrade")
