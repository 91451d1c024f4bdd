"""The findings' inputs and their one output shape, with the order findings are read in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from insights import translation
from insights.translation import N_, _
from insights.trends import Trend

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
# A test result is quoted only when it supports the words around it.
SIGNIFICANT = 0.05
# Within a severity: the step holding everything up first, then what explains it.
KIND_ORDER = {
    kind: rank
    for rank, kind in enumerate(
        ("stall", "gap", "hotspot", "adoption", "barrier", "resistance", "skipped", "driver",
         "leadership", "actions")
    )
}  # fmt: skip
LOWER = {"high": "medium", "medium": "low", "low": "low"}
# Per-team adoption findings listed one by one; the rest become one finding naming a few.
MAX_TEAM_FINDINGS = 5
FOLDED_NAMES = 8
# How many resistance findings the organisation-wide pulse may add.
MAX_RESISTANCE_FINDINGS = 2
# Suggestions marked here for the catalogues; translated with ``_`` where a finding uses them.
NO_REASON_MEASURED = N_(
    "Ask why before acting: add ADKAR and resistance questions to the next pulse, or hear "
    "the team out in its next meeting."
)
NOT_SHOWN_IN_PULSE = N_(
    "Hear the team out in its next meeting: the pulse keeps its answers inside larger groups."
)
NOTHING_WRONG_MEASURED = N_(
    "The pulse shows no barrier here: look at workload, data and tools with the team's manager."
)


@dataclass(frozen=True)
class SeriesInput:
    """One metric for one team (or the whole initiative, team None) over weekly periods."""

    metric_key: str
    metric_name: str
    unit: str
    team: str | None
    periods: Sequence[date]
    values: Sequence[float]
    target: float | None
    higher_is_better: bool
    trend: Trend
    target_date: date | None = None
    projected_on: date | None = None  # when the projection reaches the target, if it does
    projection_state: str | None = None  # insights.trends.PROJECTION_STATES
    people: int | None = None  # the headcount the series covers, when known
    team_count: int = 1  # teams it covers (the whole initiative: every active team)


@dataclass(frozen=True)
class TeamInput:
    """A team above the anonymity threshold: its adoption and its pulse dimension means."""

    name: str
    respondents: int
    adoption: float | None
    adoption_target: float | None
    dimensions: Mapping[str, float]
    adoption_trend: Trend | None = None


@dataclass(frozen=True)
class PulseInput:
    """The organisation-wide figures of the newest published pulse."""

    dimensions: Mapping[str, float]
    respondents: int
    period: tuple[date, date]
    names: Mapping[str, str]  # every library dimension asked, by key


@dataclass(frozen=True)
class Finding:
    """What the evidence says and what to do.

    ``evidence`` keeps the exact figures and tests (consultants, the API);
    ``plain`` says the same without statistics jargon (executives). ``basis``
    is the period and the n in plain words ("Over the 26 weeks to 16 Nov 2026,
    12 people"; "In the pulse of 17 to 23 Nov 2026, 130 answers"); a finding
    with no natural period has ``as_of`` instead ("As of 29 Nov 2026, ...").
    """

    kind: str
    severity: str  # high | medium | low
    title: str
    evidence: str
    suggestion: str
    step: str | None = None
    teams: tuple[str, ...] = field(default_factory=tuple)
    period: tuple[date, date] | None = None
    basis: str = ""
    plain: str = ""
    as_of: date | None = None

    @property
    def executive(self) -> str:
        """The executive's evidence: the plain words, led by the period and the n."""
        text = self.plain or self.evidence
        return f"{self.basis}: {text}" if self.basis else text


def fmt_value(value: float, unit: str) -> str:
    """A metric's value in the reader's notation: "85%", "3.2 logins" in English."""
    if unit == "%":
        return _("%(value)s%%", value=translation.number(value, 0))
    return f"{translation.number(value, 1)} {unit}".strip()


def day(value: date) -> str:
    """A day as the reader writes it ("3 Nov 2026" in English)."""
    return translation.day(value)


def span(period: tuple[date, date]) -> str:
    return _("%(first)s to %(last)s", first=day(period[0]), last=day(period[1]))


def finding_order(finding: Finding) -> tuple[int, int]:
    return SEVERITY_ORDER[finding.severity], KIND_ORDER.get(finding.kind, len(KIND_ORDER))
