"""The default metric catalogue: what a CRM rollout measures, and the targets usually set."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from survey.languages import N_

USAGE = "usage"
DATA_QUALITY = "data_quality"
CUSTOMER_OUTCOME = "customer_outcome"
CATEGORIES = {
    USAGE: N_("Usage"),
    DATA_QUALITY: N_("Data quality"),
    CUSTOMER_OUTCOME: N_("Customer outcomes"),
}
DIRECTIONS = {"higher": N_("Higher is better"), "lower": N_("Lower is better")}

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
