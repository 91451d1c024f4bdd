"""CRM adoption: the default metric catalogue, and weekly figures derived from an activity log.

Pure Python (no Flask, no database). The metrics service streams the rows of a
CRM export through :class:`ActivityRowReader` and :class:`WeeklyActivity` and
stores what comes out; nothing here holds more than one row of the file.

Definitions (docs/domain.md, "Measures people in this field expect"):

week
    An ISO week, Monday 00:00 up to the next Monday 00:00 in the *reporting*
    time zone, named by its Monday. A timestamp without a zone of its own is
    first read in the log's *source* zone (many CRMs export UTC), then
    converted: a login at Sunday 23:30 UTC is Monday 00:30 in London in summer,
    so it belongs to the London week that starts that Monday.
active user
    Someone who did real work in the CRM that week: at least one counted record
    created or updated. Logging in alone is not adoption (DOMAIN.md: "active"
    means doing real work, not merely logging in). For exports that hold logins
    only, the mapping may say that any counted event makes a user active
    (``active_on = "any"``).
weekly active users (WAU)
    Distinct active users in the week.
monthly active users (MAU)
    Distinct users active in any of the trailing four weeks: the week itself
    and the three before it.
adoption rate (%)
    WAU ÷ licensed seats × 100 for the whole initiative; a team's WAU ÷ the
    team's headcount × 100 per team. None when the seats or headcount are 0.
stickiness (%)
    WAU ÷ MAU × 100. Only for weeks with three earlier weeks of log: with a
    shorter window MAU is too small and stickiness looks better than it is.
logins per active user (per week)
    Counted logins by the week's active users ÷ WAU. Logins of people who did
    no work are left out: they are what the adoption rate already excludes.
records per active user (per week)
    Counted record changes by the week's active users ÷ WAU.
a user's team
    In a week, the team named on the user's latest event of that week (from the
    log's team column, else from the user list). Users without a team count in
    the whole-initiative figures only.
reported weeks and teams
    Every week from the first to the last event, gaps included (a week nobody
    worked is 0 % adopted, not missing), for the whole initiative and for every
    team that appears on at least one counted event.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# --- the catalogue -----------------------------------------------------------------------

USAGE = "usage"
DATA_QUALITY = "data_quality"
CUSTOMER_OUTCOME = "customer_outcome"
CATEGORIES = {
    USAGE: "Usage",
    DATA_QUALITY: "Data quality",
    CUSTOMER_OUTCOME: "Customer outcomes",
}
DIRECTIONS = {"higher": "Higher is better", "lower": "Lower is better"}

ADOPTION_RATE = "adoption_rate"
STICKINESS = "stickiness"
LOGINS_PER_ACTIVE_USER = "logins_per_active_user"
RECORDS_PER_ACTIVE_USER = "records_per_active_user"
# The metrics an activity log yields, in catalogue order.
DERIVED_KEYS = (ADOPTION_RATE, STICKINESS, LOGINS_PER_ACTIVE_USER, RECORDS_PER_ACTIVE_USER)

# Adoption targets are usually set for six months after go-live.
TARGET_HORIZON = timedelta(weeks=26)


@dataclass(frozen=True)
class MetricDefinition:
    key: str
    name: str
    unit: str
    direction: str
    category: str
    target: float
    description: str


DEFAULT_CATALOGUE: tuple[MetricDefinition, ...] = (
    MetricDefinition(
        ADOPTION_RATE, "Adoption rate", "%", "higher", USAGE, 80.0,
        "Weekly active users ÷ licensed seats (per team: ÷ headcount). Active means "
        "creating or updating a record that week, not merely logging in.",
    ),
    MetricDefinition(
        STICKINESS, "Stickiness", "%", "higher", USAGE, 70.0,
        "Weekly ÷ monthly active users: of the people who worked in the CRM in the "
        "last four weeks, the share who did so this week.",
    ),
    MetricDefinition(
        LOGINS_PER_ACTIVE_USER, "Logins per active user", "logins/week", "higher", USAGE, 5.0,
        "Logins in the week by the people active that week, per active user.",
    ),
    MetricDefinition(
        RECORDS_PER_ACTIVE_USER, "Records created or updated per active user", "records/week",
        "higher", USAGE, 20.0,
        "Records (contacts, cases, opportunities, activities) created or updated in the "
        "week, per active user.",
    ),
    MetricDefinition(
        "data_completeness", "Data completeness", "%", "higher", DATA_QUALITY, 90.0,
        "Share of the required fields that are filled on customer records.",
    ),
    MetricDefinition(
        "pipeline_hygiene", "Pipeline hygiene", "%", "higher", DATA_QUALITY, 80.0,
        "Share of open opportunities updated in the last 30 days.",
    ),
    MetricDefinition(
        "csat", "Customer satisfaction (CSAT)", "%", "higher", CUSTOMER_OUTCOME, 85.0,
        "Share of surveyed customers answering satisfied or very satisfied (top two boxes).",
    ),
    MetricDefinition(
        "retention", "Customer retention", "%", "higher", CUSTOMER_OUTCOME, 90.0,
        "Share of the customers at the start of the period who are still customers at its "
        "end (100 − churn).",
    ),
    MetricDefinition(
        "nps", "Net Promoter Score", "score", "higher", CUSTOMER_OUTCOME, 30.0,
        "Promoters (9–10) minus detractors (0–6), in percent of answers: −100 to 100.",
    ),
    MetricDefinition(
        "first_contact_resolution", "First-contact resolution", "%", "higher",
        CUSTOMER_OUTCOME, 75.0,
        "Share of customer contacts resolved at the first contact, without a follow-up.",
    ),
)  # fmt: skip
DEFAULTS_BY_KEY = {definition.key: definition for definition in DEFAULT_CATALOGUE}


def default_target_date(start: date, go_live: date | None) -> date:
    """Six months after go-live (or after the start when go-live is not set)."""
    return (go_live or start) + TARGET_HORIZON


def meets_target(value: float | None, target: float | None, direction: str) -> bool | None:
    """True when ``value`` is at or beyond ``target`` in the better direction; None if unknown."""
    if value is None or target is None:
        return None
    return value >= target if direction == "higher" else value <= target


# --- timestamps --------------------------------------------------------------------------

ISO = "iso"
EPOCH = "epoch"
EPOCH_MS = "epoch_ms"
# Formats offered in the mapping step, as exported by common CRMs; any strptime pattern works.
TIMESTAMP_FORMATS = {
    ISO: "ISO 8601 — 2026-03-02T14:05:00Z, 2026-03-02 14:05:00",
    "%d/%m/%Y %H:%M": "Day first — 02/03/2026 14:05",
    "%d/%m/%Y %H:%M:%S": "Day first with seconds — 02/03/2026 14:05:09",
    "%m/%d/%Y %I:%M %p": "Month first, 12-hour — 03/02/2026 02:05 PM",
    "%m/%d/%Y %H:%M": "Month first — 03/02/2026 14:05",
    "%d.%m.%Y %H:%M": "Dotted — 02.03.2026 14:05",
    EPOCH: "Unix epoch seconds — 1772460300",
    EPOCH_MS: "Unix epoch milliseconds — 1772460300000",
}


def zone(name: str) -> ZoneInfo:
    """The IANA time zone called ``name``; ValueError if there is none."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone such as UTC or Europe/London.") from None


def parse_timestamp(text: str, fmt: str, source_zone: tzinfo) -> datetime:
    """An aware UTC datetime. Values without a zone are read in ``source_zone``.

    Epoch values are UTC by definition. In the hour a clock is turned back the
    earlier of the two readings is taken (``fold=0``). Raises ValueError.
    """
    text = text.strip()
    try:
        if fmt == ISO:
            value = datetime.fromisoformat(text)
        elif fmt in (EPOCH, EPOCH_MS):
            seconds = float(text) / (1000 if fmt == EPOCH_MS else 1)
            return datetime.fromtimestamp(seconds, UTC)
        else:
            fast = _fast_parser(fmt)
            value = fast(text) if fast else datetime.strptime(text, fmt)  # noqa: DTZ007
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"{text!r} is not a timestamp in the chosen format.") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=source_zone)
    return value.astimezone(UTC)


# strptime costs ~30 µs a row; formats made only of these codes are read by a regular
# expression instead, ten times faster, with the same strictness (datetime() checks days).
_FAST_CODES = {
    "%d": r"(?P<d>\d{1,2})",
    "%m": r"(?P<m>\d{1,2})",
    "%Y": r"(?P<Y>\d{4})",
    "%H": r"(?P<H>\d{1,2})",
    "%I": r"(?P<I>\d{1,2})",
    "%M": r"(?P<M>\d{1,2})",
    "%S": r"(?P<S>\d{1,2})",
    "%p": r"(?P<p>[AaPp][Mm])",
}


@lru_cache(maxsize=32)
def _fast_parser(fmt: str) -> Callable[[str], datetime] | None:
    """A parser for ``fmt`` if it uses only day, month, year, hour, minute, second, AM/PM."""
    parts = re.split(r"(%.)", fmt)
    codes = [part for part in parts if part.startswith("%")]
    if not {"%d", "%m", "%Y"} <= set(codes) <= set(_FAST_CODES) or len(set(codes)) < len(codes):
        return None
    pattern = re.compile(
        "".join(_FAST_CODES[p] if p.startswith("%") else re.escape(p) for p in parts)
    )

    def parse(text: str) -> datetime:
        match = pattern.fullmatch(text)
        if match is None:
            raise ValueError(text)
        found = match.groupdict()
        hour = int(found.get("H") or 0)
        if "I" in found:  # 12-hour clock: 12 AM is midnight, 12 PM noon; no AM/PM means AM
            if not 1 <= int(found["I"]) <= 12:
                raise ValueError(text)
            pm = (found.get("p") or "am").lower() == "pm"
            hour = int(found["I"]) % 12 + (12 if pm else 0)
        minute, second = int(found.get("M") or 0), int(found.get("S") or 0)
        return datetime(int(found["Y"]), int(found["m"]), int(found["d"]), hour, minute, second)

    return parse


def week_start(moment: datetime, week_zone: tzinfo) -> date:
    """The Monday of the ISO week ``moment`` falls in, on the clocks of ``week_zone``."""
    day = moment.astimezone(week_zone).date()
    return day - timedelta(days=day.weekday())


# --- reading an activity log ---------------------------------------------------------------

LOGIN = "login"
RECORD = "record"
ACTIVE_ON = {
    RECORD: "Created or updated a record (recommended)",
    "any": "Logged in or changed a record (for exports that hold logins only)",
}


def user_key(text: str) -> str:
    """Users are matched without regard to case or surrounding spaces (e-mail addresses)."""
    return text.strip().casefold()


def _value_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(value.strip().casefold() for value in values if value.strip())


@dataclass(frozen=True)
class ActivityMapping:
    """Which column of a CRM export is which, and which rows count.

    Column names are header names of the files. Without an event-type column
    every row is a login. A status filter, when given, excludes rows whose
    status is filled and not listed (rows with an empty status still count,
    so a log mixing logins and record changes works). Remembered per
    initiative as plain JSON (``settings``/``from_settings``).
    """

    user_column: str
    timestamp_column: str
    timestamp_format: str = ISO
    source_zone: str = "UTC"
    week_zone: str = "UTC"
    event_column: str | None = None
    login_events: tuple[str, ...] = ("login",)
    record_events: tuple[str, ...] = ()
    status_column: str | None = None
    counted_statuses: tuple[str, ...] = ()
    team_column: str | None = None
    active_on: str = RECORD
    users_user_column: str | None = None
    users_team_column: str | None = None

    def settings(self) -> dict[str, Any]:
        return {key: list(v) if isinstance(v, tuple) else v for key, v in asdict(self).items()}

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ActivityMapping:
        known = cls.__dataclass_fields__
        values = {
            key: tuple(str(v) for v in value) if isinstance(value, list) else value
            for key, value in settings.items()
            if key in known
        }
        return cls(**values)


class RowProblem(ValueError):
    """A row that cannot be read; the message is for a person."""


@dataclass(frozen=True, slots=True)
class ActivityEvent:
    user: str  # as given by user_key()
    at: datetime  # aware
    kind: str  # LOGIN | RECORD
    team: str | None = None  # as written in the log, resolved by the caller


@dataclass(frozen=True, slots=True)
class Skipped:
    """A well-formed row that the mapping does not count, and why."""

    reason: str


class ActivityRowReader:
    """Turns one CSV row of an activity log into an event, a :class:`Skipped` or a RowProblem."""

    def __init__(self, mapping: ActivityMapping, header: Sequence[str]) -> None:
        names = [name.strip().casefold() for name in header]

        def column(name: str | None, label: str) -> int | None:
            if not name:
                return None
            try:
                return names.index(name.strip().casefold())
            except ValueError:
                raise RowProblem(f"The {label} column {name!r} is not in the file.") from None

        self.user = column(mapping.user_column, "user")
        self.timestamp = column(mapping.timestamp_column, "timestamp")
        if self.user is None or self.timestamp is None:
            raise RowProblem("Name the user and the timestamp columns.")
        self.event = column(mapping.event_column, "event type")
        self.status = column(mapping.status_column, "status")
        self.team = column(mapping.team_column, "team")
        used = (self.user, self.timestamp, self.event, self.status, self.team)
        self.width = 1 + max(i for i in used if i is not None)
        self.header = list(header)
        self.fmt = mapping.timestamp_format
        self.source_zone = zone(mapping.source_zone)
        self.logins = _value_set(mapping.login_events)
        self.records = _value_set(mapping.record_events)
        self.statuses = _value_set(mapping.counted_statuses) if self.status is not None else None

    def read(self, row: Sequence[str]) -> ActivityEvent | Skipped:
        if len(row) < self.width:
            raise RowProblem(
                f"The row has {len(row)} columns; the mapping needs "
                f"{self.header[self.width - 1]!r}, column {self.width}."
            )
        user = user_key(row[self.user])  # type: ignore[index]
        if not user:
            raise RowProblem("The user is empty.")
        kind = LOGIN
        if self.event is not None:
            event = row[self.event].strip().casefold()
            if event in self.records:
                kind = RECORD
            elif event not in self.logins:
                return Skipped(f"event type {row[self.event].strip()!r} is not counted")
        if self.statuses:
            status = row[self.status].strip().casefold()  # type: ignore[index]
            if status and status not in self.statuses:
                return Skipped(f"status {row[self.status].strip()!r} is not counted")  # type: ignore[index]
        try:
            at = parse_timestamp(row[self.timestamp], self.fmt, self.source_zone)  # type: ignore[index]
        except ValueError as error:
            raise RowProblem(str(error)) from None
        team = (row[self.team].strip() or None) if self.team is not None else None
        return ActivityEvent(user, at, kind, team)


# --- weekly figures ------------------------------------------------------------------------

MAU_WEEKS = 4


@dataclass(slots=True)
class _UserWeek:
    logins: int = 0
    records: int = 0
    team: str | None = None
    team_at: datetime | None = None


@dataclass(frozen=True)
class WeekFigures:
    """One week of one team (``team`` None: the whole initiative)."""

    week: date
    team: str | None
    active_users: int
    monthly_active_users: int | None
    logins: int
    records: int
    seats: int
    adoption_rate: float | None
    stickiness: float | None
    logins_per_active_user: float | None
    records_per_active_user: float | None

    def values(self) -> dict[str, float]:
        """The derived metrics by catalogue key, without the ones that cannot be computed."""
        values = {
            ADOPTION_RATE: self.adoption_rate,
            STICKINESS: self.stickiness,
            LOGINS_PER_ACTIVE_USER: self.logins_per_active_user,
            RECORDS_PER_ACTIVE_USER: self.records_per_active_user,
        }
        return {key: value for key, value in values.items() if value is not None}


def _ratio(part: float, whole: float, scale: float = 1.0) -> float | None:
    return None if whole <= 0 else round(part / whole * scale, 2)


@dataclass
class _Group:
    active: set[str] = field(default_factory=set)
    logins: int = 0
    records: int = 0


class WeeklyActivity:
    """Accumulates activity events one at a time, then reports the weekly figures.

    Memory grows with users × weeks, never with the number of rows.
    """

    def __init__(self, week_zone: tzinfo, active_on: str = RECORD) -> None:
        self.week_zone = week_zone
        self.active_on = active_on
        self._users: dict[tuple[date, str], _UserWeek] = {}
        self.teams: set[str] = set()
        self.logins = 0
        self.records = 0
        self.first_at: datetime | None = None
        self.last_at: datetime | None = None

    def add(self, event: ActivityEvent) -> date:
        """Count ``event``; returns the week it falls in."""
        week = week_start(event.at, self.week_zone)
        slot = self._users.get((week, event.user))
        if slot is None:
            slot = self._users[(week, event.user)] = _UserWeek()
        if event.kind == RECORD:
            slot.records += 1
            self.records += 1
        else:
            slot.logins += 1
            self.logins += 1
        if event.team is not None:
            self.teams.add(event.team)
            if slot.team_at is None or event.at >= slot.team_at:
                slot.team, slot.team_at = event.team, event.at
        if self.first_at is None or event.at < self.first_at:
            self.first_at = event.at
        if self.last_at is None or event.at > self.last_at:
            self.last_at = event.at
        return week

    def _is_active(self, slot: _UserWeek) -> bool:
        return slot.records > 0 or (self.active_on != RECORD and slot.logins > 0)

    def figures(self, licensed_seats: int, headcounts: Mapping[str, int]) -> list[WeekFigures]:
        """Weekly figures, week by week: the whole initiative first, then teams by name."""
        if not self._users:
            return []
        groups: dict[tuple[date, str | None], _Group] = {}
        for (week, user), slot in self._users.items():
            if not self._is_active(slot):
                continue
            for team in (None, slot.team) if slot.team is not None else (None,):
                group = groups.setdefault((week, team), _Group())
                group.active.add(user)
                group.logins += slot.logins
                group.records += slot.records
        weeks = sorted({week for week, _ in self._users})
        first, count = weeks[0], (weeks[-1] - weeks[0]).days // 7 + 1
        all_weeks = [first + timedelta(weeks=i) for i in range(count)]
        empty = _Group()
        result = []
        for index, week in enumerate(all_weeks):
            for team in [None, *sorted(self.teams, key=str.casefold)]:
                group = groups.get((week, team), empty)
                monthly: int | None = None
                if index >= MAU_WEEKS - 1:
                    window = (groups.get((w, team), empty).active for w in all_weeks[index - 3 :])
                    monthly = len(set().union(*window))
                seats = licensed_seats if team is None else headcounts.get(team, 0)
                wau = len(group.active)
                result.append(
                    WeekFigures(
                        week=week,
                        team=team,
                        active_users=wau,
                        monthly_active_users=monthly,
                        logins=group.logins,
                        records=group.records,
                        seats=seats,
                        adoption_rate=_ratio(wau, seats, 100),
                        stickiness=_ratio(wau, monthly or 0, 100),
                        logins_per_active_user=_ratio(group.logins, wau),
                        records_per_active_user=_ratio(group.records, wau),
                    )
                )
        return result


def weekly_figures(
    events: Iterable[ActivityEvent],
    *,
    week_zone: tzinfo,
    licensed_seats: int,
    headcounts: Mapping[str, int],
    active_on: str = RECORD,
) -> list[WeekFigures]:
    """All the weekly figures of a stream of events (see the module's definitions)."""
    activity = WeeklyActivity(week_zone, active_on)
    for event in events:
        activity.add(event)
    return activity.figures(licensed_seats, headcounts)


def observations(figures: Iterable[WeekFigures]) -> Iterator[tuple[date, str | None, str, float]]:
    """(week, team, metric key, value) for every figure that could be computed."""
    for figure in figures:
        for key, value in figure.values().items():
            if math.isfinite(value):
                yield figure.week, figure.team, key, value


class ReasonCounter(Counter[str]):
    """Counts skipped rows by reason, keeping at most ``limit`` distinct reasons."""

    limit = 20

    def note(self, reason: str) -> None:
        if reason not in self and len(self) >= self.limit:
            reason = "other reasons"
        self[reason] += 1
