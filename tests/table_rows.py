"""Every row of every table, for tests that prove what a deletion or a restore changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from models import Base, db

Rows = dict[str, list[tuple[Any, ...]]]


def table_rows() -> Rows:
    """Each table of the models' metadata: all its rows, every column, in primary-key order."""
    return {
        table.name: [
            tuple(row)
            for row in db.session.execute(select(table).order_by(*table.primary_key.columns))
        ]
        for table in Base.metadata.sorted_tables
    }


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }
