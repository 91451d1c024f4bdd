"""Which weekly metrics an activity log can measure with a mapping, and on what basis.

A login-only export cannot measure records per active user: that metric is
never stored from it (not even as 0), so a "replace" cannot wipe real values.
"""

from __future__ import annotations

import re

from insights.adoption import (
    ADOPTION_RATE,
    LOGINS_PER_ACTIVE_USER,
    RECORD,
    RECORDS_PER_ACTIVE_USER,
    STICKINESS,
    ActivityMapping,
)
from survey.languages import N_

MEASURES = {
    ADOPTION_RATE: N_("Adoption rate"),
    STICKINESS: N_("Stickiness"),
    LOGINS_PER_ACTIVE_USER: N_("Logins per active user"),
    RECORDS_PER_ACTIVE_USER: N_("Records created or updated per active user"),
}
# Stored with a metric's values (Metric.basis) in English; pages translate them when shown.
BASIS_RECORDS = N_("record changes")
BASIS_LOGINS = N_("logins")
BASIS_EITHER = N_("logins or record changes")


def counts_logins(mapping: ActivityMapping) -> bool:
    return mapping.event_column is None or bool(mapping.login_events)


def counts_records(mapping: ActivityMapping) -> bool:
    return mapping.event_column is not None and bool(mapping.record_events)


def measurable(mapping: ActivityMapping) -> dict[str, str | None]:
    """Every derived metric → None if the file can measure it, else why not."""
    logins, records = counts_logins(mapping), counts_records(mapping)
    active = records if mapping.active_on == RECORD else (logins or records)
    no_active = N_("nobody can be active with this mapping")
    return {
        ADOPTION_RATE: None if active else no_active,
        STICKINESS: None if active else no_active,
        LOGINS_PER_ACTIVE_USER: None if logins and active else N_("the file counts no logins"),
        RECORDS_PER_ACTIVE_USER: None
        if records and active
        else N_("the file holds no record changes (logins only)"),
    }


def measurable_keys(mapping: ActivityMapping) -> list[str]:
    return [key for key, why in measurable(mapping).items() if why is None]


def basis(mapping: ActivityMapping) -> str:
    """What "active" was counted from: shown with the values of the activity metrics."""
    if mapping.active_on == RECORD:
        return BASIS_RECORDS
    return BASIS_EITHER if counts_records(mapping) else BASIS_LOGINS


def definition(description: str, metric_basis: str) -> str:
    """A metric's definition as its values were computed: an adoption figure counted from
    logins does not claim to count record changes."""
    if not metric_basis or metric_basis == BASIS_RECORDS:
        return description
    kept = [
        sentence
        for sentence in re.split(r"(?<=\.)\s+", description)
        if "not merely logging in" not in sentence and sentence.strip()
    ]
    active = "logging in" if metric_basis == BASIS_LOGINS else "logging in or changing a record"
    return " ".join(
        [*kept, f"Based on {metric_basis}: active means {active} that week (as imported)."]
    )
