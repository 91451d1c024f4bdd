"""From measured evidence to the Kotter step and the action it calls for, as data.

A finding may only name evidence that was measured: a dimension the pulse
asked, with its mean and its number of respondents. Each kind of evidence
points at the step whose failure it signals and at an action that answers
it (docs/domain.md, seeds 001 and 003):

- the ADKAR barrier point: awareness → urgency and communicating the vision;
  desire → the vision and short-term wins; knowledge and ability → removing
  obstacles (training, time, help); reinforcement → consolidating and
  anchoring;
- the four reasons staff push back (seed 001), each with its own answer;
- a weak Kotter item from the staff's side → that step;
- weak adoption attitudes (TAM/UTAUT): usefulness → the vision and visible
  wins; ease, support and training → removing obstacles.

Thresholds are on the 1-5 agreement scale after reverse coding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from insights.translation import N_, _, number
from survey.scoring import ADKAR_ORDER
from survey.scoring import adkar_barrier as barrier_of_scores

# The midpoint of the 1-5 agreement scale: neither agree nor disagree.
NEUTRAL = 3.0
# A dimension below this is weak: on average staff do not agree.
WEAK_BELOW = 3.0
# A resistance driver at or above this is a concern: on average staff lean to agreeing.
CONCERN_FROM = 3.4


@dataclass(frozen=True)
class Response:
    """What a kind of evidence calls for: the steps it signals and the first action."""

    steps: tuple[str, ...]
    action: str
    reading: str  # what the evidence means, in a few words


ADKAR: dict[str, Response] = {
    "awareness": Response(
        ("urgency", "communicate"),
        N_(
            "Explain why the change is needed in each team's own customer figures, and repeat it "
            "through every manager until staff can say it back."
        ),
        N_("staff do not yet see why the change is needed"),
    ),
    "desire": Response(
        ("vision", "wins"),
        N_(
            "Show what is in it for staff and customers: one clear picture of the new way of "
            "working, and early wins credited to the people who made them."
        ),
        N_("staff understand the change but do not want it yet"),
    ),
    "knowledge": Response(
        ("empower",),
        N_(
            "Give hands-on training on the tasks people do daily, with quick guides and a named "
            "person to ask."
        ),
        N_("staff want the change but do not know how to work the new way"),
    ),
    "ability": Response(
        ("empower",),
        N_(
            "Give people time and help to practise: protected hours, floor support and coaching "
            "on real work, and fix what makes the tool hard to use."
        ),
        N_("staff know how but cannot yet do it in their daily work"),
    ),
    "reinforcement": Response(
        ("consolidate", "anchor"),
        N_(
            "Keep the change going: recognise using the CRM in reviews and onboarding, and "
            "act on what users report."
        ),
        N_("the change is not being reinforced, so old habits come back"),
    ),
}

RESISTANCE: dict[str, Response] = {
    "resistance_unknown": Response(
        ("communicate",),
        N_(
            "Say what changes for whom and when, in plain words, and answer questions openly in "
            "every team meeting."
        ),
        N_("uncertainty about what the change means for them"),
    ),
    "resistance_devalued": Response(
        ("wins",),
        N_(
            "Show how the CRM supports people's expertise rather than replacing it, and credit "
            "early wins to the people who made them."
        ),
        N_("staff feel the tool devalues their skills"),
    ),
    "resistance_ownership": Response(
        ("empower",),
        N_(
            "Give staff ownership of the new process: let front-line users shape fields, "
            "screens and rules, and act on their suggestions visibly."
        ),
        N_("staff feel they lost ownership of their process"),
    ),
    "resistance_personal_touch": Response(
        ("vision",),
        N_(
            "Make the vision about customer relationships: show how the CRM frees time for "
            "customers and keeps their history at hand."
        ),
        N_("staff fear the tool replaces their relationships with customers"),
    ),
}

ATTITUDES: dict[str, Response] = {
    "adoption_usefulness": Response(
        ("vision", "wins"),
        N_(
            "Show concrete ways the CRM helps people's own work with customers, with examples "
            "from colleagues."
        ),
        N_("staff do not find the CRM useful for their work"),
    ),
    "adoption_ease": Response(
        ("empower",),
        N_(
            "Find and remove what makes the CRM hard to use: the slowest screens, duplicate "
            "entry, missing shortcuts."
        ),
        N_("staff find the CRM hard to use"),
    ),
    "adoption_support": Response(
        ("empower",),
        N_(
            "Ask managers to use the CRM in their own meetings and to back their teams when "
            "they struggle with it."
        ),
        N_("staff do not feel supported by colleagues and managers"),
    ),
    "adoption_training": Response(
        ("empower",),
        N_(
            "Offer training and help when people need it: short sessions, guides and a named "
            "person to ask."
        ),
        N_("staff lack training and help"),
    ),
}

# Kotter items from the staff's side: a weak item points at its own step.
KOTTER_ITEMS: dict[str, str] = {
    "kotter_urgency": "urgency",
    "kotter_coalition": "coalition",
    "kotter_vision": "vision",
    "kotter_communicate": "communicate",
    "kotter_empower": "empower",
    "kotter_wins": "wins",
    "kotter_consolidate": "consolidate",
    "kotter_anchor": "anchor",
}

# The first action for each step when a step itself is weak (a stall, a gap).
STEP_ACTIONS: dict[str, str] = {
    "urgency": N_(
        "Share the customer evidence (churn, complaints, slow answers) with every team, "
        "in their own numbers."
    ),
    "coalition": N_(
        "Bring sales, service, marketing and IT leads into a fortnightly rollout group "
        "with real authority."
    ),
    "vision": N_(
        "Agree one sentence on what customers will notice, and test it on front-line staff."
    ),
    "communicate": N_(
        "Give every manager a short talk track and ask them to use it weekly; "
        "answer staff questions in the open."
    ),
    "empower": N_(
        "Log the obstacles staff raise, remove the most-cited ones first, and say what "
        "was done about each."
    ),
    "wins": N_("Plan two visible wins for the next 90 days and credit the teams by name."),
    "consolidate": N_(
        "Review adoption and data quality monthly and feed user ideas into the backlog."
    ),
    "anchor": N_("Make the CRM part of onboarding and of how performance is discussed."),
}

# The ADKAR elements as a finding names them ("staff are stuck at ability").
ADKAR_ELEMENTS: dict[str, str] = {
    "awareness": N_("awareness"),
    "desire": N_("desire"),
    "knowledge": N_("knowledge"),
    "ability": N_("ability"),
    "reinforcement": N_("reinforcement"),
}


@dataclass(frozen=True)
class Evidence:
    """One measured piece of evidence behind a finding."""

    kind: str  # "adkar" | "resistance" | "attitude" | "kotter"
    key: str  # the dimension key (for ADKAR: "adkar_<element>")
    name: str  # as people read it
    mean: float  # 1-5
    step: str
    action: str
    reading: str

    def words(self) -> str:
        return _("%(name)s %(mean)s/5", name=self.name.lower(), mean=number(self.mean, 1))

    @property
    def strength(self) -> float:
        """How far past the neutral midpoint (3) the evidence lies, in scale points."""
        return self.mean - NEUTRAL if self.kind == "resistance" else NEUTRAL - self.mean


def adkar_barrier(means: Mapping[str, float]) -> str | None:
    """The barrier point of a group's ADKAR means, by Prosci's rule for one person.

    ``means`` maps dimension keys (``adkar_awareness`` ...) to 1-5 means; only
    elements that were asked count. None when none is at or under the line.
    """
    return barrier_of_scores(
        {
            element: means[f"adkar_{element}"]
            for element in ADKAR_ORDER
            if f"adkar_{element}" in means
        }
    )


def measured_evidence(means: Mapping[str, float], names: Mapping[str, str]) -> list[Evidence]:
    """Every piece of evidence in a group's means, strongest first, worded in the
    reader's language (its action and reading).

    The candidates: the ADKAR barrier point (the one place the change is
    stuck), resistance drivers of concern, weak adoption attitudes and weak
    Kotter items. A barrier below the scale's midpoint leads (Prosci: fix
    the first weak element first); the rest follow by strength, the distance
    from the midpoint on the wrong side. Only dimensions present in
    ``means`` can appear: nothing is named that was not measured.
    """
    found: list[Evidence] = []
    barrier = adkar_barrier(means)
    if barrier is not None:
        key = f"adkar_{barrier}"
        response = ADKAR[barrier]
        found.append(
            Evidence(
                "adkar", key, names.get(key, barrier.capitalize()), means[key],
                response.steps[0], _(response.action), _(response.reading),
            )
        )  # fmt: skip
    concerns = sorted(
        (k for k in RESISTANCE if k in means and means[k] >= CONCERN_FROM),
        key=lambda k: -means[k],
    )
    for key in concerns:
        response = RESISTANCE[key]
        found.append(
            Evidence(
                "resistance", key, names.get(key, key), means[key], response.steps[0],
                _(response.action), _(response.reading),
            )
        )  # fmt: skip
    weak: list[Evidence] = []
    for key, response in ATTITUDES.items():
        if key in means and means[key] < WEAK_BELOW:
            weak.append(
                Evidence(
                    "attitude", key, names.get(key, key), means[key], response.steps[0],
                    _(response.action), _(response.reading),
                )
            )  # fmt: skip
    for key, step in KOTTER_ITEMS.items():
        if key in means and means[key] < WEAK_BELOW:
            weak.append(
                Evidence(
                    "kotter", key, names.get(key, key), means[key], step,
                    _(STEP_ACTIONS[step]), _("staff rate %(step)s weak", step=step),
                )
            )  # fmt: skip
    found.extend(weak)
    rank = {"adkar": 0, "resistance": 1, "attitude": 2, "kotter": 3}

    def order(e: Evidence) -> tuple[bool, float, int]:
        # A barrier clearly below the midpoint is where the change is stuck: it leads.
        leads = e.kind == "adkar" and e.strength > 0
        return (not leads, -round(e.strength, 6), rank[e.kind])

    return sorted(found, key=order)
