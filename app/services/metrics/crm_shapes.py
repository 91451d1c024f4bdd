"""The common CRM exports, recognised by their headers, with the mapping each one needs.

A recognised export is mapped with no change: its date column and format, its
user key, which column and values mean a login, a record change or a failure,
and the column of its user list that joins the log (Salesforce joins on the
user's Id, never the Username). Plain functions, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from insights.adoption import RECORD
from survey.languages import N_

ANY = "any"  # insights.adoption.ACTIVE_ON: logged in or changed a record


def norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


@dataclass(frozen=True)
class CrmShape:
    """One CRM export: the headers that identify it and the mapping it implies."""

    name: str
    needs: tuple[str, ...]  # normalised header names that must all be present
    columns: dict[str, str]  # mapping field → header name as exported
    login_events: tuple[str, ...] = ()  # "" event column: every counted row is a login
    record_events: tuple[str, ...] = ()
    success_words: tuple[str, ...] = ("success",)  # statuses that count, matched by word
    active_on: str = ANY
    users_user: tuple[str, ...] = ()  # the user list's join column, most likely first
    users_team: tuple[str, ...] = ("department", "team", "division", "businessunit")
    notes: tuple[str, ...] = field(default_factory=tuple)

    def matches(self, header: list[str]) -> bool:
        names = {norm(name) for name in header}
        return all(need in names for need in self.needs)


_DYNAMICS_AUDIT = CrmShape(
    name=N_("Dynamics 365 audit history"),
    needs=("changeddate", "changedby", "event"),
    columns={
        "timestamp_column": "Changed Date",
        "user_column": "Changed By",
        "event_column": "Event",
    },
    login_events=("User Access via Web", "User Access via Web Services"),
    record_events=("Create", "Update"),
    active_on=RECORD,
    users_user=("fullname", "name", "user", "username"),
    notes=(
        N_(
            "Creates and updates are record changes; “User Access via Web” is a login; "
            "deletes and other events are left out."
        ),
    ),
)  # fmt: skip

SHAPES = (
    CrmShape(
        name=N_("Salesforce login history (LoginHistory)"),
        needs=("logintime", "userid", "logintype", "status"),
        columns={
            "timestamp_column": "LoginTime",
            "user_column": "UserId",
            "status_column": "Status",
        },
        users_user=("id",),
        notes=(
            N_(
                "Every login type (Application, Remote Access 2.0, SAML…) is a login; "
                "failed logins (Invalid Password…) are left out."
            ),
        ),
    ),  # fmt: skip
    _DYNAMICS_AUDIT,
    # Older Dynamics versions name the event column "Operation".
    replace(
        _DYNAMICS_AUDIT,
        needs=("changeddate", "changedby", "operation"),
        columns={**_DYNAMICS_AUDIT.columns, "event_column": "Operation"},
    ),
    CrmShape(
        name=N_("Dynamics 365 user access report"),
        needs=("user", "date", "accesstype"),
        columns={"timestamp_column": "Date", "user_column": "User"},
        users_user=("fullname", "name", "user", "username", "primaryemail"),
        notes=(N_("Every access (web, mobile, Outlook…) is a login."),),
    ),
    CrmShape(
        name=N_("HubSpot login history"),
        needs=("loginat", "user"),
        columns={"timestamp_column": "Login at", "user_column": "User", "status_column": "Status"},
        users_user=("email", "user", "username"),
        notes=(N_("Every login type (password, Google, SSO…) is a login."),),
    ),  # fmt: skip
)


def recognise(header: list[str]) -> CrmShape | None:
    return next((shape for shape in SHAPES if shape.matches(header)), None)


def _actual(header: list[str], wanted: str) -> str | None:
    """The header's own spelling of ``wanted`` (compared without case or punctuation)."""
    return next((name for name in header if norm(name) == norm(wanted)), None)


def shape_mapping(
    shape: CrmShape,
    header: list[str],
    values: dict[str, list[str]],
    users_header: list[str] | None,
) -> dict[str, Any]:
    """Mapping-form data for a recognised export (lists as comma-separated text)."""
    data: dict[str, Any] = {"event_column": "", "status_column": "", "team_column": ""}
    for field_name, wanted in shape.columns.items():
        data[field_name] = _actual(header, wanted) or ""
    data["login_events"] = ", ".join(shape.login_events) or "Login"
    data["record_events"] = ", ".join(shape.record_events)
    status = data["status_column"]
    if status:
        seen = values.get(status, [])
        counted = [v for v in seen if any(w in v.casefold() for w in shape.success_words)]
        data["counted_statuses"] = ", ".join(counted) or "Success"
    data["active_on"] = shape.active_on
    if users_header is not None:
        by_norm = {norm(name): name for name in users_header}
        user = next((by_norm[n] for n in shape.users_user if n in by_norm), None)
        team = next((by_norm[n] for n in shape.users_team if n in by_norm), None)
        data["users_user_column"] = user or ""
        data["users_team_column"] = team or ""
    return data


# Columns of a user list that say whether an account is active, and the values meaning "no".
ACTIVE_COLUMNS = ("isactive", "active", "enabled", "status", "userstatus", "accountstatus")
INACTIVE_VALUES = frozenset({"false", "0", "no", "n", "inactive", "disabled", "deactivated"})


def active_column(header: list[str]) -> int | None:
    names = [norm(name) for name in header]
    return next((names.index(n) for n in ACTIVE_COLUMNS if n in names), None)


def is_inactive(cell: str) -> bool:
    return cell.strip().casefold() in INACTIVE_VALUES
