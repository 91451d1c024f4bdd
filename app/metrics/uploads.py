"""Files kept between the steps of the import wizard, in ``instance/imports/<random token>/``.

An upload belongs to one user and one initiative (``meta.json``); it is deleted
once imported or cancelled, and uploads left behind for a day are swept away
when the next one arrives.
"""

from __future__ import annotations

import csv
import json
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import current_app
from werkzeug.datastructures import FileStorage

from app.services import metrics
from app.services.metrics import ACTIVITY_LOG, TIDY, WIDE, ImportPlan
from insights.adoption import ActivityMapping
from models import Initiative

MAIN = "data.csv"
USERS = "users.csv"
META = "meta.json"
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
STALE_SECONDS = 24 * 3600
SAMPLE_ROWS = 5
# Columns with at most this many distinct values in the first rows are shown as choices.
DISTINCT_ROWS = 2000
DISTINCT_VALUES = 12


def imports_folder() -> Path:
    """``instance/imports``, or the folder named by the ``STEPWISE_IMPORTS_DIR`` setting."""
    configured = current_app.config["STEPWISE_IMPORTS_DIR"]
    return Path(configured) if configured else Path(current_app.instance_path) / "imports"


@dataclass
class Upload:
    token: str
    folder: Path
    meta: dict[str, Any]

    @property
    def has_users(self) -> bool:
        return (self.folder / USERS).exists()

    @contextmanager
    def open(self, name: str = MAIN) -> Iterator[IO[str]]:
        """The file as text, read lazily row by row (a BOM from Excel is dropped)."""
        with (self.folder / name).open(encoding="utf-8-sig", newline="") as handle:
            yield handle

    def save_meta(self) -> None:
        (self.folder / META).write_text(json.dumps(self.meta))

    @property
    def mapping(self) -> ActivityMapping | None:
        settings = self.meta.get("mapping")
        return ActivityMapping.from_settings(settings) if settings else None


def create(main: FileStorage, users: FileStorage | None, meta: dict[str, Any]) -> Upload:
    sweep()
    token = secrets.token_urlsafe(16)
    folder = imports_folder() / token
    folder.mkdir(parents=True, mode=0o700)
    main.save(folder / MAIN)  # streamed to disk in chunks
    if users is not None and users.filename:
        users.save(folder / USERS)
    upload = Upload(token, folder, {**meta, "created": time.time()})
    upload.save_meta()
    return upload


def load(token: str) -> Upload | None:
    if not TOKEN.fullmatch(token):
        return None
    folder = imports_folder() / token
    try:
        meta = json.loads((folder / META).read_text())
    except (OSError, ValueError):
        return None
    return Upload(token, folder, meta)


def discard(upload: Upload) -> None:
    shutil.rmtree(upload.folder, ignore_errors=True)


def sweep() -> None:
    """Remove uploads older than a day: wizards abandoned half-way."""
    folder = imports_folder()
    if not folder.exists():
        return
    cutoff = time.time() - STALE_SECONDS
    for child in folder.iterdir():
        if child.is_dir() and child.stat().st_mtime < cutoff:
            shutil.rmtree(child, ignore_errors=True)


@dataclass(frozen=True)
class Sample:
    header: list[str]
    rows: list[list[str]]
    values: dict[str, list[str]]  # column → its few distinct values, for columns that have few


def sample(upload: Upload, name: str = MAIN) -> Sample:
    """The header, the first rows and the low-cardinality columns, reading only the file's start."""
    header: list[str] = []
    rows: list[list[str]] = []
    seen: list[dict[str, None]] = []
    try:
        with upload.open(name) as handle:
            for index, row in enumerate(csv.reader(handle)):
                if index == 0:
                    header = [cell.strip() for cell in row]
                    seen = [{} for _ in header]
                    continue
                if index > DISTINCT_ROWS:
                    break
                if len(rows) < SAMPLE_ROWS:
                    rows.append(row)
                for column, cell in zip(seen, row, strict=False):
                    if len(column) <= DISTINCT_VALUES and cell.strip():
                        column.setdefault(cell.strip(), None)
    except (UnicodeDecodeError, csv.Error):
        pass  # the preview reports the line; the mapping step shows what could be read
    values = {
        name: list(column)
        for name, column in zip(header, seen, strict=False)
        if 0 < len(column) <= DISTINCT_VALUES
    }
    return Sample(header, rows, values)


def plan(initiative: Initiative, upload: Upload) -> ImportPlan:
    """The import plan of the uploaded file(s), read again from disk."""
    kind, on_conflict = upload.meta["kind"], upload.meta["on_conflict"]
    date_format = upload.meta.get("date_format", metrics.ISO_DATE)
    with upload.open() as source:
        if kind == TIDY:
            return metrics.plan_tidy(initiative, source, on_conflict, date_format)
        if kind == WIDE:
            return metrics.plan_wide(initiative, source, on_conflict, date_format)
        assert kind == ACTIVITY_LOG and upload.mapping is not None
        keys = upload.meta.get("metrics")  # None: every metric the mapping can measure
        if not upload.has_users:
            return metrics.plan_activity_log(
                initiative, source, upload.mapping, None, on_conflict, keys
            )
        with upload.open(USERS) as users:
            return metrics.plan_activity_log(
                initiative, source, upload.mapping, users, on_conflict, keys
            )
