"""Kotter's eight steps (Leading Change, 1996), as data.

Keys and order are part of the public API (docs/api.md). The evidence items
are suggestions a consultant adjusts to the client's reality: concrete signs,
for a CRM rollout, that a step is really done.

Names, short names and "done looks like" are marked with ``N_`` for the catalogues
and translated where a page shows them; the evidence items are copied into each
initiative as its own checklist, so they are the consultant's text from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

from insights.translation import _
from survey.languages import N_


@dataclass(frozen=True)
class Step:
    key: str
    position: int
    name: str
    short: str
    done_looks_like: str
    evidence: tuple[str, ...]

    @property
    def shown_name(self) -> str:
        """The name in the reader's language ("Establish a sense of urgency" in English)."""
        return _(self.name)

    @property
    def shown_short(self) -> str:
        """The short name in the reader's language ("Urgency" in English)."""
        return _(self.short)


STEPS: tuple[Step, ...] = (
    Step(
        "urgency",
        1,
        N_("Establish a sense of urgency"),
        N_("Urgency"),
        N_("Staff can say why the old way loses customers (churn, slow answers)."),
        (
            "Churn and complaint figures shared with all customer-facing staff",
            "Leaders tell customer stories of business lost to slow or inconsistent answers",
            "About three in four managers agree that business as usual is not an option",
            "The cost of staying on the old tools is stated in money and customers",
        ),
    ),
    Step(
        "coalition",
        2,
        N_("Create the guiding coalition"),
        N_("Coalition"),
        N_(
            "A cross-functional team with authority (sales, service, marketing, IT)"
            " meets regularly."
        ),
        (
            "Sales, service, marketing and IT leads meet at least fortnightly",
            "The coalition has a named executive sponsor with budget authority",
            "Respected front-line staff sit on the coalition, not only managers",
            "Coalition decisions are written down and shared within a week",
        ),
    ),
    Step(
        "vision",
        3,
        N_("Develop a vision and strategy"),
        N_("Vision"),
        N_("A one-sentence customer-centric vision, not “install software X”."),
        (
            "A one-sentence vision that names the customer benefit, not the software",
            "The strategy says which processes change first and why",
            "Success measures include customer outcomes (retention, satisfaction), not only usage",
            "Every coalition member can state the vision in their own words",
        ),
    ),
    Step(
        "communicate",
        4,
        N_("Communicate the change vision"),
        N_("Communicate"),
        N_("Every manager repeats it; staff hear it often, through many channels."),
        (
            "Every team meeting opens with a rollout update for the first three months",
            "Managers have a talk track and use it with their own teams",
            "Staff questions are collected and answered openly",
            "Leaders visibly use the new CRM themselves",
        ),
    ),
    Step(
        "empower",
        5,
        N_("Empower broad-based action"),
        N_("Empower"),
        N_("Obstacles raised by staff are logged and removed; decisions move to the front line."),
        (
            "An obstacle log is open to all staff and reviewed weekly",
            "Old reports and spreadsheets that duplicate the CRM are switched off",
            "Front-line staff can resolve common customer requests without sign-off",
            "Training and floor support are available in the first weeks after go-live",
            "Incentives and targets reward working in the CRM",
        ),
    ),
    Step(
        "wins",
        6,
        N_("Generate short-term wins"),
        N_("Short-term wins"),
        N_("Visible, early, unambiguous wins, credited to the people who made them."),
        (
            "Two or three wins planned for the first 90 days after go-live",
            "Each win is measured (for example faster quotes, fewer repeat calls)",
            "Wins are credited by name to the teams who made them",
        ),
    ),
    Step(
        "consolidate",
        7,
        N_("Consolidate gains and produce more change"),
        N_("Consolidate"),
        N_("The tool and processes keep improving from feedback; no premature victory."),
        (
            "A backlog of improvements from user feedback is worked every sprint",
            "Adoption and data-quality figures are reviewed monthly by leadership",
            "New processes (for example renewals or campaigns) are moved into the CRM",
        ),
    ),
    Step(
        "anchor",
        8,
        N_("Anchor new approaches in the culture"),
        N_("Anchor"),
        N_("Using the CRM is “how we work here”; new hires learn it as normal."),
        (
            "New-hire onboarding teaches the CRM as the normal way of working",
            "Performance reviews refer to customer data kept in the CRM",
            "Leaders are promoted for customer-centred behaviour",
        ),
    ),
)

STEP_KEYS: tuple[str, ...] = tuple(step.key for step in STEPS)
STEPS_BY_KEY: dict[str, Step] = {step.key: step for step in STEPS}


def step(key: str) -> Step:
    """The step for ``key``; KeyError names the valid keys."""
    try:
        return STEPS_BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown step {key!r}; expected one of {', '.join(STEP_KEYS)}") from None
