"""Reading an activity log one row at a time: the column mapping, events and skipped rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from insights.adoption.timestamps import ISO, parse_timestamp, zone
from insights.translation import N_, _

LOGIN = "login"
RECORD = "record"
ACTIVE_ON = {
    RECORD: N_("Created or updated a record (recommended)"),
    "any": N_("Logged in or changed a record (for exports that hold logins only)"),
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
        values: dict[str, Any] = {
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

        def column(name: str | None, missing: str) -> int | None:
            if not name:
                return None
            try:
                return names.index(name.strip().casefold())
            except ValueError:
                raise RowProblem(_(missing, name=repr(name))) from None

        self.user = column(mapping.user_column, N_("The user column %(name)s is not in the file."))
        self.timestamp = column(
            mapping.timestamp_column, N_("The timestamp column %(name)s is not in the file.")
        )
        if self.user is None or self.timestamp is None:
            raise RowProblem(_("Name the user and the timestamp columns."))
        self.event = column(
            mapping.event_column, N_("The event type column %(name)s is not in the file.")
        )
        self.status = column(
            mapping.status_column, N_("The status column %(name)s is not in the file.")
        )
        self.team = column(mapping.team_column, N_("The team column %(name)s is not in the file."))
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
                _(
                    "The row has %(count)s columns; the mapping needs %(name)s, column %(column)s.",
                    count=len(row),
                    name=repr(self.header[self.width - 1]),
                    column=self.width,
                )  # fmt: skip
            )
        user = user_key(row[self.user])  # type: ignore[index]
        if not user:
            raise RowProblem(_("The user is empty."))
        kind = LOGIN
        if self.event is not None:
            event = row[self.event].strip().casefold()
            if event in self.records:
                kind = RECORD
            elif event not in self.logins:
                return Skipped(
                    _("event type %(value)s is not counted", value=repr(row[self.event].strip()))
                )
        if self.statuses:
            status = row[self.status].strip().casefold()  # type: ignore[index]
            if status and status not in self.statuses:
                shown = repr(row[self.status].strip())  # type: ignore[index]
                return Skipped(_("status %(value)s is not counted", value=shown))
        try:
            at = parse_timestamp(row[self.timestamp], self.fmt, self.source_zone)  # type: ignore[index]
        except ValueError as error:
            raise RowProblem(str(error)) from None
        team = (row[self.team].strip() or None) if self.team is not None else None
        return ActivityEvent(user, at, kind, team)


class ReasonCounter(Counter[str]):
    """Counts skipped rows by reason, keeping at most ``limit`` distinct reasons."""

    limit = 20

    def note(self, reason: str) -> None:
        if reason not in self and len(self) >= self.limit:
            reason = _("other reasons")
        self[reason] += 1
