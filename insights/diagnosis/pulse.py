"""Findings from the organisation-wide pulse and from the leadership team's 360."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from insights.course import Course
from insights.diagnosis.shapes import MAX_RESISTANCE_FINDINGS, Finding, PulseInput, span
from insights.diagnosis.words import as_of, in_pulse, plural
from insights.evidence import ADKAR, adkar_barrier, measured_evidence
from insights.health import FEW_RATERS
from insights.kotter import STEPS_BY_KEY
from survey.scoring import ADKAR_BARRIER_AT


def pulse_findings(pulse: PulseInput, whole: Course | None) -> list[Finding]:
    """Where staff are stuck on ADKAR, and reasons to push back that they agree with."""
    result: list[Finding] = []
    n, when = pulse.respondents, span(pulse.period)
    barrier = adkar_barrier(pulse.dimensions)
    if barrier is not None:
        key = f"adkar_{barrier}"
        response = ADKAR[barrier]
        below = pulse.dimensions[key] < ADKAR_BARRIER_AT
        severity = ("high" if whole is not None and whole.behind else "medium") if below else "low"
        result.append(Finding(
            "barrier", severity,
            f"Staff are stuck at {barrier}: {response.reading}",
            f"{pulse.names.get(key, barrier.capitalize())} {pulse.dimensions[key]:.1f}/5, the "
            f"first ADKAR element at 3 or lower (n={n}, pulse of {when}).",
            response.action, response.steps[0], period=pulse.period,
            basis=in_pulse(pulse.period, n),
            plain=f"{pulse.names.get(key, barrier.capitalize()).lower()} scores "
            f"{pulse.dimensions[key]:.1f} of 5, the first of the five stages of change "
            "(awareness, desire, knowledge, ability, reinforcement) that staff do not agree with.",
        ))  # fmt: skip
    concerns = [e for e in measured_evidence(pulse.dimensions, pulse.names)
                if e.kind == "resistance"]  # fmt: skip
    for evidence in concerns[:MAX_RESISTANCE_FINDINGS]:
        result.append(Finding(
            "resistance", "medium",
            f"Staff push back: {evidence.reading}",
            f"“{evidence.name}” {evidence.mean:.1f}/5 across everyone (n={n}, pulse of {when}); "
            "3 is neutral, higher means more agree with the worry.",
            evidence.action, evidence.step, period=pulse.period,
            basis=in_pulse(pulse.period, n),
            plain=f"“{evidence.name}” scores {evidence.mean:.1f} of 5 across everyone, where 3 "
            "is neutral: more staff agree with the worry than not.",
        ))  # fmt: skip
    return result


def leadership_finding(
    practice: str,
    why: str,
    steps: Sequence[str],
    *,
    score: float,
    basis: str,
    leaders: int,
    stalled: str | None,
    today: date | None = None,
) -> Finding:
    """The leadership team's weakest Kouzes-Posner practice as a finding (scores 6-60).

    More severe when the practice bears on the step the rollout is stalling at;
    a basis of fewer than three leaders says so and is never more than low.
    """
    step = stalled if stalled is not None and stalled in steps else steps[0]
    positions = " and ".join(str(STEPS_BY_KEY[key].position) for key in steps)
    who = "observers’ average" if basis == "observers" else "leaders’ own average"
    evidence = (
        f"The {who} is {score:.0f}/60 over {leaders} leader{'s' if leaders != 1 else ''}; "
        f"the practice bears most on step{'s' if len(steps) != 1 else ''} {positions}."
    )
    if basis != "observers":
        evidence += " No leader has enough observers yet, so this rests on self-assessments."
    severity = "medium" if stalled in steps else "low"
    if leaders < FEW_RATERS:
        evidence += f" Only {leaders} leader{'s' if leaders != 1 else ''}: read it with care."
        severity = "low"
    return Finding(
        "leadership", severity,
        f"The leadership team’s weakest practice is “{practice.lower()}”",
        evidence,
        f"{why} Make it a development goal for each leader, starting with step "
        f"{STEPS_BY_KEY[step].position}: {STEPS_BY_KEY[step].name.lower()}.",
        step,
        basis=as_of(today, f"the latest 360s of {plural(leaders, 'leader')}"),
        plain=evidence.replace("/60", " of 60"),
        as_of=today,
    )  # fmt: skip
