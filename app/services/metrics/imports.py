"""Importing tidy, wide and JSON observations: planning them, then writing a clean plan.

Every import is all-or-nothing: a file is planned first (:mod:`.plans`) and
only a plan without errors is written, in bulk (one executemany per
statement, never a query per row). The same planning serves the import
wizard's preview and confirm steps and the JSON API. Files are read row by
row through the csv module, so their size does not decide the memory used.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from app.services import audit, outlooks
from app.services.metrics.activity import remember_mapping
from app.services.metrics.plans import (
    ISO_DATE,
    REJECT,
    REPLACE,
    TIDY_COLUMNS,
    WIDE_DATE_COLUMNS,
    Collector,
    FileProblem,
    ImportPlan,
    csv_rows,
    finish_plan,
    header_names,
    read_period,
    read_text,
    read_value,
)
from app.services.transaction import commit
from insights.adoption import ActivityMapping, RowProblem
from models import Initiative, Metric, Observation, User, db


def plan_tidy(
    initiative: Initiative,
    source: Iterable[str],
    on_conflict: str = REJECT,
    date_format: str = ISO_DATE,
) -> ImportPlan:
    """A tidy CSV: a header naming date, team, metric and value, then one value per row."""
    collector = Collector(initiative, on_conflict)
    columns: dict[str, int] = {}
    try:
        for line, row in csv_rows(source):
            if line == 1:
                names = header_names(row)
                missing = [name for name in TIDY_COLUMNS if name not in names]
                if missing:
                    collector.error(1, _header_message(missing))
                    break
                columns = {name: names.index(name) for name in TIDY_COLUMNS}
                continue
            if not any(cell.strip() for cell in row):
                continue
            cells = {name: row[i] if i < len(row) else "" for name, i in columns.items()}
            _tidy_row(collector, line, cells, date_format)
    except FileProblem as problem:
        collector.error(problem.line, problem.message)
    return finish_plan(collector)


def _header_message(missing: list[str]) -> str:
    return str(
        _(
            "The first line must name the columns date, team, metric and value; "
            "missing: %(missing)s.",
            missing=", ".join(missing),
        )
    )


def _tidy_row(collector: Collector, line: int, cells: dict[str, Any], date_format: str) -> None:
    """One row of a tidy CSV or JSON import; every problem of the row is reported."""
    steps = {
        "date": lambda: read_period(cells["date"], date_format),
        "team": lambda: collector.team(read_text(cells["team"], "team")),
        "metric": lambda: collector.metric(read_text(cells["metric"], "metric")),
        "value": lambda: read_value(cells["value"]),
    }
    found: dict[str, Any] = {}
    for name, step in steps.items():
        try:
            found[name] = step()
        except RowProblem as problem:
            collector.error(line, str(problem))
    if len(found) == len(steps):
        team = found["team"]
        collector.add(
            line, found["date"], team.id if team else None, found["metric"], found["value"]
        )


def plan_wide(
    initiative: Initiative,
    source: Iterable[str],
    on_conflict: str = REJECT,
    date_format: str = ISO_DATE,
) -> ImportPlan:
    """A wide CSV: a date column, an optional team column, one column per metric key.

    Empty cells are no value; an empty team is the whole initiative.
    """
    collector = Collector(initiative, on_conflict)
    date_col: int | None = None
    team_col: int | None = None
    metric_cols: dict[int, Metric] = {}
    try:
        for line, row in csv_rows(source):
            if line == 1:
                date_col, team_col, metric_cols = _wide_header(collector, row)
                if date_col is None or collector.plan.errors:
                    break
                continue
            if date_col is None or not any(cell.strip() for cell in row):
                continue
            _wide_row(collector, line, row, (date_col, team_col), metric_cols, date_format)
    except FileProblem as problem:
        collector.error(problem.line, problem.message)
    return finish_plan(collector)


def _wide_header(
    collector: Collector, row: list[str]
) -> tuple[int | None, int | None, dict[int, Metric]]:
    names = header_names(row)
    date_col = next((names.index(n) for n in WIDE_DATE_COLUMNS if n in names), None)
    team_col = names.index("team") if "team" in names else None
    if date_col is None:
        collector.error(1, _("The first line must name a date column (date, period or week)."))
        return None, None, {}
    metric_cols: dict[int, Metric] = {}
    for index, name in enumerate(names):
        if index in (date_col, team_col) or not name:
            continue
        try:
            metric_cols[index] = collector.metric(row[index])
        except RowProblem as problem:
            collector.error(
                1, _("Column %(number)s: %(problem)s", number=index + 1, problem=problem)
            )
    if not metric_cols and not collector.plan.errors:
        collector.error(1, _("Name at least one metric column, by its catalogue key."))
    return date_col, team_col, metric_cols


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _wide_row(
    collector: Collector,
    line: int,
    row: list[str],
    date_and_team: tuple[int, int | None],
    metric_cols: dict[int, Metric],
    date_format: str,
) -> None:
    try:
        period = read_period(_cell(row, date_and_team[0]), date_format)
        team = collector.team(_cell(row, date_and_team[1]))
    except RowProblem as problem:
        collector.error(line, str(problem))
        return
    for index, metric in metric_cols.items():
        if not _cell(row, index).strip():
            continue
        try:
            value = read_value(_cell(row, index), metric.key)
        except RowProblem as problem:
            collector.error(line, str(problem))
            continue
        collector.add(line, period, team.id if team else None, metric, value)


def plan_json(initiative: Initiative, payload: Any, on_conflict: str = REJECT) -> ImportPlan:
    """``{"observations": [{date, team, metric, value}, ...]}``.

    A row's "line" is its 1-based index in the array.
    """
    collector = Collector(initiative, on_conflict)
    items = payload.get("observations") if isinstance(payload, dict) else None
    if not isinstance(items, list):
        collector.error(1, 'Send a JSON object {"observations": [{date, team, metric, value}]}.')
        return collector.plan
    for line, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            collector.error(line, "Each observation must be an object {date, team, metric, value}.")
            continue
        cells = {name: item.get(name) for name in TIDY_COLUMNS}
        if cells["team"] is None:
            cells["team"] = ""
        _tidy_row(collector, line, cells, ISO_DATE)
    return finish_plan(collector)


# --- writing -----------------------------------------------------------------------------


def apply_plan(plan: ImportPlan) -> int:
    """Write a plan without errors, in bulk; returns how many values were written."""
    if plan.errors:
        raise ValueError("a plan with errors is never written")
    rows = [
        {"metric_id": o.metric_id, "team_id": o.team_id, "period": o.period, "value": o.value}
        for o in plan.observations
    ]
    if not rows:
        return 0
    _write_observations(rows, plan.on_conflict)
    metric_ids = sorted({o.metric_id for o in plan.observations})
    for initiative_id in set(
        db.session.scalars(select(Metric.initiative_id).where(Metric.id.in_(metric_ids)))
    ):
        outlooks.refresh(initiative_id)  # trends and projections: once, here
    return len(rows)


def _write_observations(rows: list[dict[str, Any]], on_conflict: str) -> None:
    connection = db.session.connection()
    table = cast(Table, Observation.__table__)
    if on_conflict != REPLACE:
        connection.execute(insert(table), rows)
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    for per_team in (True, False):
        part = [row for row in rows if (row["team_id"] is not None) is per_team]
        if not part:
            continue
        statement = dialect.insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=["metric_id", "team_id", "period"]
            if per_team
            else ["metric_id", "period"],
            index_where=table.c.team_id.is_not(None) if per_team else table.c.team_id.is_(None),
            set_={"value": statement.excluded.value},
        )
        connection.execute(statement, part)


def confirm_import(
    initiative: Initiative,
    plan: ImportPlan,
    mapping: ActivityMapping | None = None,
    *,
    actor: User | None = None,
) -> int:
    """Write a clean plan, remember the activity log's mapping, and commit: the import."""
    written = apply_plan(plan)
    if mapping is not None:
        remember_mapping(initiative, mapping)
    if plan.activity is not None and plan.activity.basis:
        for metric_id in {o.metric_id for o in plan.observations}:
            plan.metrics[metric_id].basis = plan.activity.basis  # shown with the values
    audit.record(
        "metrics.imported",
        f"Imported {written:,} metric value{'s' if written != 1 else ''} "
        f"into initiative {initiative.name!r}",
        actor=actor,
        organization=initiative.organization,
        details={"initiative_id": initiative.id, "values": written},
    )
    commit()
    return written
