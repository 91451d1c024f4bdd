"""The mapping step's first guess: a recognised CRM export's own mapping, the remembered
one, or columns, formats and values guessed from the header and the first rows."""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from app.metrics.forms import MappingForm, _words
from app.metrics.uploads import Sample
from app.services.metrics import crm_shapes
from app.services.metrics.measurable import MEASURES, measurable_keys
from insights.adoption import (
    RECORD,
    TIMESTAMP_FORMATS,
    ActivityMapping,
    parse_timestamp,
)

# Header names that usually mean a column, most telling first (compared without case,
# spaces or punctuation): exact matches are tried before partial ones.
GUESSES = {
    "user_column": ("username", "user", "email", "useremail", "login", "owner"),
    "timestamp_column": ("timestamp", "logintime", "datetime", "time", "date", "when"),
    "event_column": ("eventtype", "event", "action", "activity", "type"),
    "status_column": ("status", "result", "outcome"),
    "team_column": ("team", "department", "group"),
}
USER_GUESSES = {
    "users_user_column": GUESSES["user_column"],
    "users_team_column": GUESSES["team_column"],
}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def guess_format(values: list[str]) -> str | None:
    """The first offered timestamp format that reads all of ``values``."""
    for fmt in TIMESTAMP_FORMATS:
        try:
            for value in values:
                parse_timestamp(value, fmt, UTC)
        except ValueError:
            continue
        if values:
            return fmt
    return None


def guess_columns(header: list[str], guesses: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """A first guess at which column is which, from the header's names."""
    names = {_norm(name): name for name in header}
    found: dict[str, str] = {}
    for partial in (False, True):
        for field, words in guesses.items():
            if field in found:
                continue
            for word in words:
                match = next(
                    (
                        name
                        for norm, name in names.items()
                        if (word in norm if partial else word == norm)
                        and name not in found.values()
                    ),
                    None,
                )
                if match:
                    found[field] = match
                    break
    return found


def initial_mapping(
    mapping: ActivityMapping | None, log: Sample, users: Sample | None
) -> dict[str, Any]:
    """What the mapping step shows first: the given mapping if the file has its columns,
    else columns and a timestamp format guessed from the header and the first rows."""
    header = {name.casefold() for name in log.header}
    if (
        mapping is not None
        and {
            mapping.user_column.casefold(),
            mapping.timestamp_column.casefold(),
        }
        <= header
    ):
        return MappingForm.initial(mapping) | {"metrics": measurable_keys(mapping)}
    shape = crm_shapes.recognise(log.header)
    guessed: dict[str, Any]
    if shape is not None:  # a known CRM export: its own mapping, no guessing
        guessed = crm_shapes.shape_mapping(
            shape, log.header, log.values, users.header if users else None
        )
    else:
        guessed = dict(guess_columns(log.header, GUESSES))
        if users is not None:
            guessed |= guess_columns(users.header, USER_GUESSES)
        guessed |= _guess_values(guessed, log)
    guessed["metrics"] = _initially_measurable(guessed)
    if guessed.get("timestamp_column"):
        column = log.header.index(guessed["timestamp_column"])
        fmt = guess_format([row[column] for row in log.rows if column < len(row)])
        if fmt:
            guessed["timestamp_format"] = fmt
    return guessed


def _initially_measurable(data: dict[str, Any]) -> list[str]:
    """The metrics ticked first: the ones the first-shown mapping can measure."""
    try:
        return measurable_keys(
            ActivityMapping(
                user_column="",
                timestamp_column="",
                event_column=data.get("event_column") or None,
                login_events=_words(data.get("login_events", "Login")),
                record_events=_words(data.get("record_events")),
                active_on=data.get("active_on") or RECORD,
            )
        )
    except (TypeError, ValueError):
        return list(MEASURES)


# Words in event types and statuses that usually mean a login, a record change, a success.
LOGIN_WORDS = ("login", "log in", "logon", "sign in", "signin")
RECORD_WORDS = ("create", "update", "edit", "insert", "modif", "save")
SUCCESS_WORDS = ("success", "succeeded")


def _guess_values(guessed: dict[str, str], log: Sample) -> dict[str, str]:
    """Event types and statuses picked from the values seen in the guessed columns."""
    found: dict[str, str] = {}

    def matching(column: str | None, words: tuple[str, ...]) -> str:
        values = log.values.get(column or "", [])
        return ", ".join(v for v in values if any(word in v.casefold() for word in words))

    if logins := matching(guessed.get("event_column"), LOGIN_WORDS):
        found["login_events"] = logins
    if records := matching(guessed.get("event_column"), RECORD_WORDS):
        found["record_events"] = records
    if statuses := matching(guessed.get("status_column"), SUCCESS_WORDS):
        found["counted_statuses"] = statuses
    return found
