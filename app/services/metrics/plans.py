"""What an import would store: the plan shared by every file kind, before anything is written.

A file becomes an :class:`ImportPlan` — every observation it would store and
every bad row with its 1-based line. The :class:`Collector` resolves team
names and metric keys, catches a period twice in one file and, at the end,
periods already stored. Reading the catalogue only: planning never writes, so
the wizard's preview (a GET) is a read.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.services.metrics.catalogue import metrics_of
from app.services.metrics.readings import teams_of
from insights.adoption import ReasonCounter, RowProblem
from insights.translation import ngettext
from models import Initiative, Metric, Observation, Team, db
from survey.languages import N_

REJECT = "reject"
REPLACE = "replace"
ON_CONFLICT = {
    REJECT: N_("Reject the file and list the values already stored"),
    REPLACE: N_("Replace the stored values with the ones in the file"),
}
TIDY = "tidy"
WIDE = "wide"
ACTIVITY_LOG = "activity_log"
KINDS = {
    TIDY: N_("Tidy CSV — one value per row: date, team, metric, value"),
    WIDE: N_("Wide CSV — a date column, a team column and one column per metric"),
    ACTIVITY_LOG: N_("CRM activity log — one row per login or record change, with a user list"),
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
# Shares of people (weekly active ÷ seats or headcount, weekly ÷ monthly): 0–100% only.
SHARES = frozenset({"adoption_rate", "stickiness"})
MAPPING_FILE = "mapping"  # a problem of the mapping, not of a line: the setting is named


@dataclass(frozen=True)
class RowError:
    line: int
    message: str
    file: str = ""  # "" for the main file, USERS_FILE for a user list, MAPPING_FILE (line 0)


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
    inactive: set[str] = field(default_factory=set)  # deactivated in the user list
    inactive_in_log: list[str] = field(default_factory=list)  # … yet active in the log
    basis: str = ""  # what "active" was counted from (measurable.basis)
    stored_keys: list[str] = field(default_factory=list)  # metrics this import stores
    not_measurable: dict[str, str] = field(default_factory=dict)  # metric key → why not


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


class FileProblem(Exception):
    """A file that cannot be read on from ``line``: it ends the reading and becomes a row
    error of the plan (never raised to a view, unlike a ServiceError)."""

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
            raise FileProblem(
                line, _("The file is not UTF-8 text from here on: save it as “CSV UTF-8”.")
            ) from None
        except csv.Error as error:
            raise FileProblem(
                line, _("This line cannot be read as CSV (%(error)s).", error=error)
            ) from None
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


class Collector:
    """Resolves names to ids, catches duplicates within the file, then checks stored periods."""

    def __init__(self, initiative: Initiative, on_conflict: str) -> None:
        if on_conflict not in ON_CONFLICT:
            raise ValueError(f"on_conflict must be one of {sorted(ON_CONFLICT)}")
        self.plan = ImportPlan(on_conflict)
        self.teams = {team.name.casefold(): team for team in teams_of(initiative)}
        metrics = metrics_of(initiative)
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
                _(
                    "Unknown team %(name)s: add it under Teams first, "
                    "or leave the team empty for the whole initiative.",
                    name=repr(name.strip()),
                )
            )
        return team

    def metric(self, key: str) -> Metric:
        if not key.strip():
            raise RowProblem(_("The metric is empty."))
        metric = self.metrics.get(key.strip().casefold())
        if metric is None:
            raise RowProblem(
                _(
                    "Unknown metric %(key)s: use a key of the catalogue "
                    "(such as adoption_rate) or add a custom metric first.",
                    key=repr(key.strip()),
                )
            )
        return metric

    def add(
        self, line: int, period: date, team_id: int | None, metric: Metric, value: float
    ) -> None:
        if metric.key in SHARES and not 0 <= value <= 100:
            team = self.plan.team_names.get(team_id, _("the whole initiative"))
            self.error(
                line,
                _(
                    "%(metric)s of %(value)s%% for %(team)s, week of %(week)s, is "
                    "impossible: a share of people is between 0 and 100%%.",
                    metric=metric.name,
                    value=format(value, "g"),
                    team=team,
                    week=period.isoformat(),
                ),
            )
            return
        planned = Planned(line, period, team_id, metric.id, value)
        first = self.first_line.setdefault(planned.key, line)
        if first != line:
            team = self.plan.team_names.get(team_id, _("the whole initiative"))
            self.error(
                line,
                _(
                    "Duplicate period: %(key)s for %(team)s on %(period)s "
                    "is already on line %(first)s.",
                    key=metric.key,
                    team=team,
                    period=period.isoformat(),
                    first=first,
                ),
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
        plan.errors.sort(key=lambda e: (e.file != MAPPING_FILE, e.file != USERS_FILE, e.line))
        return plan

    def _stored_message(self, o: Planned) -> str:
        team = self.plan.team_names.get(o.team_id, _("the whole initiative"))
        return str(
            _(
                "A value of %(key)s for %(team)s on %(period)s is already stored: choose "
                "“replace” to overwrite it.",
                key=self.plan.metrics[o.metric_id].key,
                team=team,
                period=o.period.isoformat(),
            )
        )

    def _stored_per_line(self, clashes: list[Planned]) -> None:
        by_line = Counter(o.line for o in clashes)
        periods = {o.line: o.period for o in clashes}
        for line, count in sorted(by_line.items()):
            self.error(
                line,
                ngettext(
                    "The week of %(week)s (first row on this line) is already "
                    "stored (%(num)s value): choose “replace” to overwrite it.",
                    "The week of %(week)s (first row on this line) is already "
                    "stored (%(num)s values): choose “replace” to overwrite it.",
                    count,
                    week=periods[line].isoformat(),
                ),
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


def header_names(names: list[str]) -> list[str]:
    return [name.strip().casefold() for name in names]


def read_text(raw: Any, label: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise RowProblem(f"The {label} must be text.")
    return raw


def read_period(raw: Any, date_format: str = ISO_DATE) -> date:
    if not isinstance(raw, str) or not raw.strip():
        raise RowProblem(_("The date is empty.") if not raw else _("The date must be text."))
    try:
        return parse_period(raw, date_format)
    except ValueError:
        raise RowProblem(
            _(
                "%(raw)s is not a date as %(format)s.",
                raw=repr(raw.strip()),
                format=DATE_FORMATS[date_format].split(" — ")[0],
            )
        ) from None


def read_value(raw: Any, key: str | None = None) -> float:
    """A cell's number; ``key`` names the metric of a wide file's column in the problem."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if key is None:
            raise RowProblem(_("The value is empty."))
        raise RowProblem(_("The %(key)s value is empty.", key=key))
    try:
        return parse_value(raw)
    except (ValueError, TypeError, OverflowError):
        shown = repr(raw.strip() if isinstance(raw, str) else raw)
        if key is None:
            raise RowProblem(_("The value %(value)s is not a number.", value=shown)) from None
        raise RowProblem(
            _("The %(key)s value %(value)s is not a number.", key=key, value=shown)
        ) from None


def finish_plan(collector: Collector, *, conflicts_per_line: bool = True) -> ImportPlan:
    plan = collector.finish(conflicts_per_line=conflicts_per_line)
    if not plan.errors and not plan.observations:
        plan.errors.append(RowError(1, _("There are no values to import.")))
    return plan
