"""Adoption and customer metrics of an initiative: the catalogue, targets and imports.

Every import is all-or-nothing. A file is first turned into an
:class:`ImportPlan` — every observation it would store and every bad row with
its 1-based line — and only a plan without errors is written, in bulk (one
executemany per statement, never a query per row). The same planning serves
the import wizard's preview and confirm steps and the JSON API.

Files are read row by row through the csv module; an activity log is folded
into weekly figures as it streams (insights.adoption), so its size does not
decide the memory used.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from app.services import outlooks
from insights import adoption
from insights.adoption import (
    CATEGORIES,
    DEFAULT_CATALOGUE,
    DEFAULTS_BY_KEY,
    DIRECTIONS,
    ActivityEvent,
    ActivityMapping,
    ActivityRowReader,
    ReasonCounter,
    RowProblem,
    Skipped,
    WeeklyActivity,
)
from models import ImportMapping, Initiative, Metric, Observation, Team, db

REJECT = "reject"
REPLACE = "replace"
ON_CONFLICT = {
    REJECT: "Reject the file and list the values already stored",
    REPLACE: "Replace the stored values with the ones in the file",
}
TIDY = "tidy"
WIDE = "wide"
ACTIVITY_LOG = "activity_log"
KINDS = {
    TIDY: "Tidy CSV — one value per row: date, team, metric, value",
    WIDE: "Wide CSV — a date column, a team column and one column per metric",
    ACTIVITY_LOG: "CRM activity log — one row per login or record change, with a user list",
}
ISO_DATE = "iso"
DATE_FORMATS = {
    ISO_DATE: "YYYY-MM-DD — 2026-03-02",
    "%d/%m/%Y": "DD/MM/YYYY — 02/03/2026",
    "%m/%d/%Y": "MM/DD/YYYY — 03/02/2026",
}
TIDY_COLUMNS = ("date", "team", "metric", "value")
WIDE_DATE_COLUMNS = ("date", "period", "week")
USERS_FILE = "users"
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")
# Words used in the URLs next to /metrics/<key>; no metric may be called so.
RESERVED_KEYS = frozenset({"import", "custom", "new"})
PREVIEW_ROWS = 20
WHOLE_INITIATIVE = "Whole initiative"


class MetricError(ValueError):
    """A change to the catalogue that cannot be made; ``field`` names the form field."""

    def __init__(self, message: str, field: str = "key") -> None:
        super().__init__(message)
        self.field = field


# --- the catalogue -----------------------------------------------------------------------


def _catalogue_order(metric: Metric) -> tuple[int, str]:
    keys = list(DEFAULTS_BY_KEY)
    position = keys.index(metric.key) if metric.key in DEFAULTS_BY_KEY else len(keys)
    return position, metric.name.casefold()


def metrics_of(initiative: Initiative) -> list[Metric]:
    """The catalogue in its reading order: the defaults first, then custom metrics by name."""
    metrics = db.session.scalars(select(Metric).where(Metric.initiative_id == initiative.id))
    return sorted(metrics, key=_catalogue_order)


def ensure_catalogue(initiative: Initiative) -> list[Metric]:
    """The initiative's catalogue, seeding the default metrics that are missing (idempotent)."""
    metrics = metrics_of(initiative)
    present = {metric.key for metric in metrics}
    missing = [d for d in DEFAULT_CATALOGUE if d.key not in present]
    if not missing:
        return metrics
    target_date = adoption.default_target_date(initiative.start_date, initiative.go_live_date)
    for definition in missing:
        metric = Metric(
            initiative_id=initiative.id,
            key=definition.key,
            name=definition.name,
            unit=definition.unit,
            direction=definition.direction,
            category=definition.category,
            description=definition.description,
            target=definition.target,
            target_date=target_date,
            is_default=True,
        )
        db.session.add(metric)
        metrics.append(metric)
    db.session.flush()
    return sorted(metrics, key=_catalogue_order)


def metric_by_key(initiative: Initiative, key: str) -> Metric | None:
    if not KEY_PATTERN.fullmatch(key):  # no such key exists; and a NUL would upset PostgreSQL
        return None
    return db.session.scalar(
        select(Metric).where(Metric.initiative_id == initiative.id, Metric.key == key)
    )


@dataclass(frozen=True)
class MetricFields:
    key: str
    name: str
    unit: str
    direction: str
    category: str
    target: float | None = None
    target_date: date | None = None
    description: str = ""


def add_metric(initiative: Initiative, fields: MetricFields) -> Metric:
    """A custom metric; MetricError names the field that is wrong."""
    key = fields.key.strip().lower()
    if not KEY_PATTERN.fullmatch(key):
        raise MetricError(
            "Use 2–40 lower-case letters, digits and underscores, starting with a letter."
        )
    if key in RESERVED_KEYS:
        raise MetricError(f"{key!r} is reserved; choose another key.")
    if metric_by_key(initiative, key) is not None:
        raise MetricError(f"The catalogue already has a metric {key!r}.")
    if not _clean(fields.name):
        raise MetricError("Enter a name.", "name")
    if fields.direction not in DIRECTIONS:
        raise MetricError("Choose whether higher or lower is better.", "direction")
    if fields.category not in CATEGORIES:
        raise MetricError("Choose a category.", "category")
    _check_target(fields.target)
    metric = Metric(
        initiative_id=initiative.id,
        key=key,
        name=_clean(fields.name),
        unit=_clean(fields.unit),
        direction=fields.direction,
        category=fields.category,
        description=_clean(fields.description),
        target=fields.target,
        target_date=fields.target_date,
        is_default=False,
    )
    db.session.add(metric)
    db.session.flush()
    return metric


def _clean(text: str) -> str:
    """PostgreSQL refuses NUL characters in text; nobody means to type them."""
    return text.replace("\x00", "").strip()


def _check_target(target: float | None) -> None:
    if target is not None and not math.isfinite(target):
        raise MetricError("Enter the target as a number.", "target")


def set_target(metric: Metric, target: float | None, target_date: date | None) -> None:
    _check_target(target)
    metric.target = target
    metric.target_date = target_date
    db.session.flush()
    outlooks.refresh(metric.initiative_id)


# --- reading observations ----------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    period: date
    value: float


def latest_values(initiative: Initiative) -> dict[int, Point]:
    """The latest whole-initiative value of every metric, by metric id, in one query."""
    whole = and_(Observation.team_id.is_(None), Metric.initiative_id == initiative.id)
    latest = (
        select(Observation.metric_id, func.max(Observation.period).label("period"))
        .join(Metric, Metric.id == Observation.metric_id)
        .where(whole)
        .group_by(Observation.metric_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Observation.metric_id, Observation.period, Observation.value).join(
            latest,
            and_(
                Observation.metric_id == latest.c.metric_id,
                Observation.period == latest.c.period,
                Observation.team_id.is_(None),
            ),
        )
    )
    return {metric_id: Point(period, value) for metric_id, period, value in rows}


def observation_count(initiative: Initiative) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Observation)
            .join(Metric, Metric.id == Observation.metric_id)
            .where(Metric.initiative_id == initiative.id)
        )
        or 0
    )


def series(metric: Metric, team_id: int | None = None) -> list[Point]:
    """The metric's values over time for one team, or for the whole initiative."""
    team = Observation.team_id.is_(None) if team_id is None else Observation.team_id == team_id
    rows = db.session.execute(
        select(Observation.period, Observation.value)
        .where(Observation.metric_id == metric.id, team)
        .order_by(Observation.period)
    )
    return [Point(period, value) for period, value in rows]


@dataclass(frozen=True)
class TeamSeries:
    team_id: int | None
    name: str
    points: list[Point]

    @property
    def by_period(self) -> dict[date, float]:
        return {point.period: point.value for point in self.points}

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


def series_by_team(initiative: Initiative, metric: Metric) -> list[TeamSeries]:
    """Every series of the metric: the whole initiative first, then teams by name."""
    rows = db.session.execute(
        select(Observation.team_id, Observation.period, Observation.value)
        .where(Observation.metric_id == metric.id)
        .order_by(Observation.period)
    )
    points: dict[int | None, list[Point]] = {}
    for team_id, period, value in rows:
        points.setdefault(team_id, []).append(Point(period, value))
    names = {team.id: team.name for team in teams_of(initiative, include_archived=True)}
    result = [
        TeamSeries(team_id, names.get(team_id, WHOLE_INITIATIVE), values)  # type: ignore[arg-type]
        for team_id, values in points.items()
    ]
    return sorted(result, key=lambda s: (s.team_id is not None, s.name.casefold()))


def team_of(initiative: Initiative, team_id: int) -> Team | None:
    """The team with that id if it belongs to the initiative's organisation."""
    team = db.session.get(Team, team_id)
    return team if team is not None and team.organization_id == initiative.organization_id else None


def teams_of(initiative: Initiative, *, include_archived: bool = False) -> list[Team]:
    """The organisation's active teams, as ``organizations.teams_of``: imports take no others.

    ``include_archived`` names stored series: an archived team's history stays.
    """
    query = select(Team).where(Team.organization_id == initiative.organization_id)
    if not include_archived:
        query = query.where(Team.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(Team.name)))


# --- import plans ------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    message: str
    file: str = ""  # "" for the main file, USERS_FILE for an activity log's user list


@dataclass(frozen=True)
class Planned:
    """One observation as it will be stored."""

    line: int
    period: date
    team_id: int | None
    metric_id: int
    value: float

    @property
    def key(self) -> tuple[int, int | None, date]:
        return self.metric_id, self.team_id, self.period


@dataclass
class ActivitySummary:
    """What an activity log held, for the preview."""

    rows: int = 0
    logins: int = 0
    records: int = 0
    skipped: ReasonCounter = field(default_factory=ReasonCounter)
    users: int = 0
    users_without_team: int = 0
    examples_without_team: list[str] = field(default_factory=list)
    first_week: date | None = None
    last_week: date | None = None


@dataclass
class ImportPlan:
    on_conflict: str
    observations: list[Planned] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    replacing: set[tuple[int, int | None, date]] = field(default_factory=set)
    team_names: dict[int | None, str] = field(default_factory=dict)
    metrics: dict[int, Metric] = field(default_factory=dict)
    activity: ActivitySummary | None = None
    clashes: int = 0  # planned values whose metric, team and period are already stored

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.observations)


class _FileProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def csv_rows(source: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) for each CSV row; quoted line breaks are respected."""
    reader = csv.reader(source)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise _FileProblem(
                line, "The file is not UTF-8 text from here on: save it as “CSV UTF-8”."
            ) from None
        except csv.Error as error:
            raise _FileProblem(line, f"This line cannot be read as CSV ({error}).") from None
        yield line, row
        line = reader.line_num + 1


def parse_period(text: str, date_format: str = ISO_DATE) -> date:
    text = text.strip()
    if date_format == ISO_DATE:
        return date.fromisoformat(text)
    return datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a calendar date


def parse_value(raw: Any) -> float:
    """A finite number from a cell or a JSON value; a trailing % is allowed. ValueError if not."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError
    text = raw.strip().removesuffix("%").strip() if isinstance(raw, str) else raw
    value = float(text)
    if not math.isfinite(value):
        raise ValueError
    return value


class _Collector:
    """Resolves names to ids, catches duplicates within the file, then checks stored periods."""

    def __init__(self, initiative: Initiative, on_conflict: str) -> None:
        if on_conflict not in ON_CONFLICT:
            raise ValueError(f"on_conflict must be one of {sorted(ON_CONFLICT)}")
        self.plan = ImportPlan(on_conflict)
        self.teams = {team.name.casefold(): team for team in teams_of(initiative)}
        metrics = ensure_catalogue(initiative)
        self.metrics = {metric.key.casefold(): metric for metric in metrics}
        self.plan.metrics = {metric.id: metric for metric in metrics}
        self.plan.team_names = {team.id: team.name for team in self.teams.values()}
        self.first_line: dict[tuple[int, int | None, date], int] = {}

    def error(self, line: int, message: str, file: str = "") -> None:
        self.plan.errors.append(RowError(line, message, file))

    def team(self, name: str) -> Team | None:
        """The team called ``name``; None for an empty name. RowProblem if unknown."""
        if not name.strip():
            return None
        team = self.teams.get(name.strip().casefold())
        if team is None:
            raise RowProblem(
                f"Unknown team {name.strip()!r}: add it under Teams first, "
                "or leave the team empty for the whole initiative."
            )
        return team

    def metric(self, key: str) -> Metric:
        if not key.strip():
            raise RowProblem("The metric is empty.")
        metric = self.metrics.get(key.strip().casefold())
        if metric is None:
            raise RowProblem(
                f"Unknown metric {key.strip()!r}: use a key of the catalogue "
                "(such as adoption_rate) or add a custom metric first."
            )
        return metric

    def add(
        self, line: int, period: date, team_id: int | None, metric: Metric, value: float
    ) -> None:
        planned = Planned(line, period, team_id, metric.id, value)
        first = self.first_line.setdefault(planned.key, line)
        if first != line:
            team = self.plan.team_names.get(team_id, "the whole initiative")
            self.error(
                line,
                f"Duplicate period: {metric.key} for {team} on {period.isoformat()} "
                f"is already on line {first}.",
            )
            return
        self.plan.observations.append(planned)

    def finish(self, *, conflicts_per_line: bool = True) -> ImportPlan:
        """Check the periods already stored, then sort the errors by line."""
        plan = self.plan
        if plan.observations:
            stored = _stored_keys(plan.observations)
            clashes = [o for o in plan.observations if o.key in stored]
            plan.clashes = len(clashes)
            if plan.on_conflict == REPLACE:
                plan.replacing = {o.key for o in clashes}
            elif conflicts_per_line:
                for o in clashes:
                    self.error(o.line, self._stored_message(o))
            else:
                self._stored_per_line(clashes)
        plan.errors.sort(key=lambda e: (e.file != USERS_FILE, e.line))
        return plan

    def _stored_message(self, o: Planned) -> str:
        team = self.plan.team_names.get(o.team_id, "the whole initiative")
        return (
            f"A value of {self.plan.metrics[o.metric_id].key} for {team} on "
            f"{o.period.isoformat()} is already stored: choose “replace” to overwrite it."
        )

    def _stored_per_line(self, clashes: list[Planned]) -> None:
        by_line = Counter(o.line for o in clashes)
        periods = {o.line: o.period for o in clashes}
        for line, count in sorted(by_line.items()):
            self.error(
                line,
                f"The week of {periods[line].isoformat()} (first row on this line) is already "
                f"stored ({count} values): choose “replace” to overwrite it.",
            )


def _stored_keys(planned: list[Planned]) -> set[tuple[int, int | None, date]]:
    """Keys of stored observations among the plan's metrics and period range, in one query."""
    metric_ids = {o.metric_id for o in planned}
    periods = [o.period for o in planned]
    rows = db.session.execute(
        select(Observation.metric_id, Observation.team_id, Observation.period).where(
            Observation.metric_id.in_(metric_ids),
            Observation.period.between(min(periods), max(periods)),
        )
    )
    return {(metric_id, team_id, period) for metric_id, team_id, period in rows}


def _header(names: list[str]) -> list[str]:
    return [name.strip().casefold() for name in names]


def plan_tidy(
    initiative: Initiative,
    source: Iterable[str],
    on_conflict: str = REJECT,
    date_format: str = ISO_DATE,
) -> ImportPlan:
    """A tidy CSV: a header naming date, team, metric and value, then one value per row."""
    collector = _Collector(initiative, on_conflict)
    columns: dict[str, int] = {}
    try:
        for line, row in csv_rows(source):
            if line == 1:
                names = _header(row)
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
    except _FileProblem as problem:
        collector.error(problem.line, problem.message)
    return _finish(collector)


def _header_message(missing: list[str]) -> str:
    return (
        "The first line must name the columns date, team, metric and value; "
        f"missing: {', '.join(missing)}."
    )


def _tidy_row(collector: _Collector, line: int, cells: dict[str, Any], date_format: str) -> None:
    """One row of a tidy CSV or JSON import; every problem of the row is reported."""
    steps = {
        "date": lambda: _period(cells["date"], date_format),
        "team": lambda: collector.team(_text(cells["team"], "team")),
        "metric": lambda: collector.metric(_text(cells["metric"], "metric")),
        "value": lambda: _value(cells["value"]),
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


def _text(raw: Any, label: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise RowProblem(f"The {label} must be text.")
    return raw


def _period(raw: Any, date_format: str = ISO_DATE) -> date:
    if not isinstance(raw, str) or not raw.strip():
        raise RowProblem("The date is empty." if not raw else "The date must be text.")
    try:
        return parse_period(raw, date_format)
    except ValueError:
        raise RowProblem(
            f"{raw.strip()!r} is not a date as {DATE_FORMATS[date_format].split(' — ')[0]}."
        ) from None


def _value(raw: Any, label: str = "The value") -> float:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise RowProblem(f"{label} is empty.")
    try:
        return parse_value(raw)
    except (ValueError, TypeError, OverflowError):
        shown = raw.strip() if isinstance(raw, str) else raw
        raise RowProblem(f"{label} {shown!r} is not a number.") from None


def _finish(collector: _Collector, *, conflicts_per_line: bool = True) -> ImportPlan:
    plan = collector.finish(conflicts_per_line=conflicts_per_line)
    if not plan.errors and not plan.observations:
        plan.errors.append(RowError(1, "There are no values to import."))
    return plan


def plan_wide(
    initiative: Initiative,
    source: Iterable[str],
    on_conflict: str = REJECT,
    date_format: str = ISO_DATE,
) -> ImportPlan:
    """A wide CSV: a date column, an optional team column, one column per metric key.

    Empty cells are no value; an empty team is the whole initiative.
    """
    collector = _Collector(initiative, on_conflict)
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
            if not any(cell.strip() for cell in row):
                continue
            _wide_row(collector, line, row, (date_col, team_col), metric_cols, date_format)
    except _FileProblem as problem:
        collector.error(problem.line, problem.message)
    return _finish(collector)


def _wide_header(
    collector: _Collector, row: list[str]
) -> tuple[int | None, int | None, dict[int, Metric]]:
    names = _header(row)
    date_col = next((names.index(n) for n in WIDE_DATE_COLUMNS if n in names), None)
    team_col = names.index("team") if "team" in names else None
    if date_col is None:
        collector.error(1, "The first line must name a date column (date, period or week).")
        return None, None, {}
    metric_cols: dict[int, Metric] = {}
    for index, name in enumerate(names):
        if index in (date_col, team_col) or not name:
            continue
        try:
            metric_cols[index] = collector.metric(row[index])
        except RowProblem as problem:
            collector.error(1, f"Column {index + 1}: {problem}")
    if not metric_cols and not collector.plan.errors:
        collector.error(1, "Name at least one metric column, by its catalogue key.")
    return date_col, team_col, metric_cols


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _wide_row(
    collector: _Collector,
    line: int,
    row: list[str],
    date_and_team: tuple[int, int | None],
    metric_cols: dict[int, Metric],
    date_format: str,
) -> None:
    try:
        period = _period(_cell(row, date_and_team[0]), date_format)
        team = collector.team(_cell(row, date_and_team[1]))
    except RowProblem as problem:
        collector.error(line, str(problem))
        return
    for index, metric in metric_cols.items():
        if not _cell(row, index).strip():
            continue
        try:
            value = _value(_cell(row, index), f"The {metric.key} value")
        except RowProblem as problem:
            collector.error(line, str(problem))
            continue
        collector.add(line, period, team.id if team else None, metric, value)


def plan_json(initiative: Initiative, payload: Any, on_conflict: str = REJECT) -> ImportPlan:
    """``{"observations": [{date, team, metric, value}, ...]}``.

    A row's "line" is its 1-based index in the array.
    """
    collector = _Collector(initiative, on_conflict)
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
    return _finish(collector)


# --- activity logs -----------------------------------------------------------------------


def remembered_mapping(initiative: Initiative) -> ActivityMapping | None:
    row = db.session.scalar(
        select(ImportMapping).where(
            ImportMapping.initiative_id == initiative.id, ImportMapping.kind == ACTIVITY_LOG
        )
    )
    if row is None:
        return None
    try:
        return ActivityMapping.from_settings(row.settings)
    except TypeError:  # settings written by an older version, without a required column
        return None


def remember_mapping(initiative: Initiative, mapping: ActivityMapping) -> None:
    row = db.session.scalar(
        select(ImportMapping).where(
            ImportMapping.initiative_id == initiative.id, ImportMapping.kind == ACTIVITY_LOG
        )
    )
    if row is None:
        row = ImportMapping(initiative_id=initiative.id, kind=ACTIVITY_LOG, settings={})
        db.session.add(row)
    row.settings = mapping.settings()
    db.session.flush()


def _user_teams(
    collector: _Collector, source: Iterable[str], mapping: ActivityMapping
) -> dict[str, Team | None]:
    """The user list: user → team. Unknown teams and contradictory lines are errors."""
    users: dict[str, Team | None] = {}
    first_line: dict[str, int] = {}
    user_col = team_col = 0
    try:
        for line, row in csv_rows(source):
            if line == 1:
                names = _header(row)
                wanted = (mapping.users_user_column or "", mapping.users_team_column or "")
                if not all(name.strip().casefold() in names for name in wanted):
                    collector.error(
                        1, "Name the user and team columns of the user list.", USERS_FILE
                    )
                    return users
                user_col, team_col = (names.index(n.strip().casefold()) for n in wanted)
                continue
            if not any(cell.strip() for cell in row):
                continue
            user = adoption.user_key(row[user_col]) if user_col < len(row) else ""
            if not user:
                collector.error(line, "The user is empty.", USERS_FILE)
                continue
            try:
                team = collector.team(row[team_col] if team_col < len(row) else "")
            except RowProblem as problem:
                collector.error(line, str(problem), USERS_FILE)
                continue
            if user in users and users[user] is not team:
                collector.error(
                    line, f"{user!r} is on line {first_line[user]} with another team.", USERS_FILE
                )
                continue
            users[user] = team
            first_line.setdefault(user, line)
    except _FileProblem as problem:
        collector.error(problem.line, problem.message, USERS_FILE)
    return users


def plan_activity_log(
    initiative: Initiative,
    log: Iterable[str],
    mapping: ActivityMapping,
    users: Iterable[str] | None = None,
    on_conflict: str = REJECT,
) -> ImportPlan:
    """Weekly adoption figures derived from a CRM activity log (see insights.adoption).

    The log is read one row at a time. A derived value's line is the first row
    of its week, so a week already stored is reported once, on that line.
    """
    collector = _Collector(initiative, on_conflict)
    summary = collector.plan.activity = ActivitySummary()
    try:
        week_zone = adoption.zone(mapping.week_zone)
    except ValueError as problem:
        collector.error(1, str(problem))
        return collector.plan
    user_teams = _user_teams(collector, users, mapping) if users is not None else {}
    activity = WeeklyActivity(week_zone, mapping.active_on)
    week_lines: dict[date, int] = {}
    try:
        _read_log(collector, log, mapping, user_teams, activity, week_lines)
    except _FileProblem as problem:
        collector.error(problem.line, problem.message)
    headcounts = {team.name: team.headcount for team in collector.teams.values()}
    by_name = {team.name: team for team in collector.teams.values()}
    for week, team, key, value in adoption.observations(
        activity.figures(initiative.licensed_seats, headcounts)
    ):
        team_id = by_name[team].id if team else None
        collector.add(week_lines[week], week, team_id, collector.metrics[key], value)
    summary.logins, summary.records = activity.logins, activity.records
    if week_lines:
        summary.first_week, summary.last_week = min(week_lines), max(week_lines)
    if not collector.plan.errors and not collector.plan.observations and summary.rows:
        collector.error(2, "No row counts with this mapping: check the event types and statuses.")
    return _finish(collector, conflicts_per_line=False)


def _read_log(
    collector: _Collector,
    log: Iterable[str],
    mapping: ActivityMapping,
    user_teams: Mapping[str, Team | None],
    activity: WeeklyActivity,
    week_lines: dict[date, int],
) -> None:
    summary = collector.plan.activity
    assert summary is not None
    reader: ActivityRowReader | None = None
    users: set[str] = set()
    without_team: set[str] = set()
    for line, row in csv_rows(log):
        if reader is None:
            try:
                reader = ActivityRowReader(mapping, row)
            except (RowProblem, ValueError) as problem:
                collector.error(1, str(problem))
                return
            continue
        if not any(cell.strip() for cell in row):
            continue
        summary.rows += 1
        try:
            event = reader.read(row)
            if isinstance(event, Skipped):
                summary.skipped.note(event.reason)
                continue
            # The log's own team column first, else the user list.
            team = collector.team(event.team) if event.team else user_teams.get(event.user)
        except RowProblem as problem:
            collector.error(line, str(problem))
            continue
        users.add(event.user)
        if team is None:
            without_team.add(event.user)
        named = ActivityEvent(event.user, event.at, event.kind, team.name if team else None)
        week_lines.setdefault(activity.add(named), line)
    summary.users = len(users)
    summary.users_without_team = len(without_team)
    summary.examples_without_team = sorted(without_team)[:5]


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
    table = Observation.__table__
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


# --- previews ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    line: int
    period: date
    team: str
    metric: Metric
    value: float
    replaces: bool


@dataclass(frozen=True)
class PreviewCount:
    metric: Metric
    team: str
    values: int
    first: date
    last: date


def preview_rows(plan: ImportPlan, limit: int = PREVIEW_ROWS) -> list[PreviewRow]:
    return [
        PreviewRow(
            o.line,
            o.period,
            plan.team_names.get(o.team_id, WHOLE_INITIATIVE),
            plan.metrics[o.metric_id],
            o.value,
            o.key in plan.replacing,
        )
        for o in plan.observations[:limit]
    ]


def preview_counts(plan: ImportPlan) -> list[PreviewCount]:
    """Values per metric and team, with their first and last period."""
    spans: dict[tuple[int, int | None], list[Any]] = {}
    for o in plan.observations:
        span = spans.setdefault((o.metric_id, o.team_id), [0, o.period, o.period])
        span[0] += 1
        span[1], span[2] = min(span[1], o.period), max(span[2], o.period)
    counts = [
        PreviewCount(plan.metrics[metric_id], plan.team_names.get(team_id, WHOLE_INITIATIVE), *span)
        for (metric_id, team_id), span in spans.items()
    ]
    return sorted(
        counts,
        key=lambda c: (_catalogue_order(c.metric), c.team != WHOLE_INITIATIVE, c.team.casefold()),
    )
