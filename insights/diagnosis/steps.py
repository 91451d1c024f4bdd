"""Findings about the steps: where the rollout stalls, steps run ahead, leaders and staff apart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from insights.diagnosis.shapes import LOWER, Finding
from insights.diagnosis.words import as_of, plural
from insights.evidence import STEP_ACTIONS
from insights.health import FEW_RATERS, StageHealth, StageInput, perception_gaps
from insights.kotter import STEPS_BY_KEY
from insights.stages import WEAK_MEAN, SkippedStepWarning


def _raters(stage: StageInput) -> str:
    bits = []
    if stage.leader_mean is not None:
        bits.append(f"leaders {stage.leader_mean:.1f}/5 (n={stage.leader_n})")
    if stage.staff_mean is not None:
        bits.append(f"staff {stage.staff_mean:.1f}/5 (n={stage.staff_n})")
    return ", ".join(bits)


def _raters_plain(stage: StageInput) -> str:
    bits = []
    if stage.leader_mean is not None:
        bits.append(f"leaders rate it {stage.leader_mean:.1f} of 5")
    if stage.staff_mean is not None:
        bits.append(f"staff {stage.staff_mean:.1f} of 5")
    return ", ".join(bits)


def _who(leader_n: int, staff_n: int) -> str:
    """ "rated by 2 leaders and 130 staff": the n behind a step's ratings, in words."""
    who = [plural(n, noun) for n, noun in ((leader_n, "leader"), (staff_n, "staff member"))
           if n]  # fmt: skip
    if staff_n:
        who[-1] = f"{staff_n} staff"
    return "rated by " + " and ".join(who) if who else "from the step tracker"


def _few(stage: StageInput) -> str:
    n = stage.leader_n
    return f" Only {n} leader{'s' if n != 1 else ''} rated it: one view, read it with care."


def _rests_on_few_leaders(stage: StageInput) -> bool:
    """Whether a step is called weak on the word of fewer than three leaders alone."""
    staff_weak = stage.staff_mean is not None and stage.staff_mean < WEAK_MEAN
    return stage.status != "not_started" and stage.few_raters and not staff_weak


def step_findings(
    stages: Sequence[StageInput],
    healths: Sequence[StageHealth],
    stalled: str | None,
    skipped: Sequence[SkippedStepWarning],
    today: date | None = None,
) -> list[Finding]:
    """Stall, skipped-step and gap findings; none has a period, so each is "as of" ``today``."""
    by_key = {s.key: s for s in stages}
    result: list[Finding] = []
    if stalled:
        step, stage = STEPS_BY_KEY[stalled], by_key[stalled]
        health = next(h for h in healths if h.key == stalled)
        bits = [f"health {health.health:.0f} of 100", f"marked {stage.status.replace('_', ' ')}"]
        if stage.evidence_total:
            bits.append(f"{stage.evidence_done} of {stage.evidence_total} evidence items ticked")
        if _raters(stage):
            bits.append(f"rated by {_raters(stage)}")
        evidence = "; ".join(bits) + ", while later steps are already under way."
        plain = [f"health {health.health:.0f} of 100", f"marked {stage.status.replace('_', ' ')}"]
        if stage.evidence_total:
            plain.append(
                f"{stage.evidence_done} of {plural(stage.evidence_total, 'piece')} of evidence "
                "in place"
            )
        if _raters_plain(stage):
            plain.append(_raters_plain(stage))
        extra = ""
        if health.capped:
            extra += " The ratings say the step is weak, whatever its status."
        for warning in skipped:
            if warning.earlier == stalled:
                extra += f" {warning.message}"
        severity = "high"
        if stage.few_raters and stage.staff_mean is None:
            severity, extra = LOWER[severity], extra + _few(stage)
        result.append(Finding(
            "stall", severity,
            f"The rollout is stalling at step {step.position}: {step.name.lower()}",
            evidence + extra, STEP_ACTIONS[stalled], stalled,
            basis=as_of(today, _who(stage.leader_n, stage.staff_n)),
            plain="; ".join(plain) + ", while later steps are already under way." + extra,
            as_of=today,
        ))  # fmt: skip
    gaps = {gap.key: gap for gap in perception_gaps(stages) if gap.large}
    for warning in skipped:
        if warning.earlier == stalled or warning.earlier in gaps:
            continue  # said in the stall or the gap finding of the same step
        earlier = by_key.get(warning.earlier)
        severity = "medium"
        evidence = warning.message
        if earlier is not None and _rests_on_few_leaders(earlier):
            severity, evidence = "low", evidence + _few(earlier)
        early, late = STEPS_BY_KEY[warning.earlier], STEPS_BY_KEY[warning.stage]
        who = _who(earlier.leader_n, earlier.staff_n) if earlier else ""
        result.append(Finding(
            "skipped", severity,
            f"Step {late.position} is under way while step {early.position} "
            f"({early.short.lower()}) is weak",
            evidence, STEP_ACTIONS[warning.earlier], warning.earlier,
            basis=as_of(today, who), plain=evidence, as_of=today,
        ))  # fmt: skip
    for gap in gaps.values():
        step = STEPS_BY_KEY[gap.key]
        who = "Leaders rate" if gap.gap > 0 else "Staff rate"
        severity = "high" if abs(gap.gap) >= 1.5 else "medium"
        evidence = (
            f"Leaders rate {step.short.lower()} {gap.leaders:.1f}/5 (n={gap.leader_n}), "
            f"staff {gap.staff:.1f}/5 (n={gap.staff_n})."
        )
        in_words = (
            f"leaders rate {step.short.lower()} {gap.leaders:.1f} of 5, staff {gap.staff:.1f} of 5."
        )
        extra = ""
        for warning in skipped:
            if warning.earlier == gap.key:
                extra += f" {warning.message}"
        if gap.leader_n < FEW_RATERS:
            severity, extra = LOWER[severity], extra + _few(by_key[gap.key])
        result.append(Finding(
            "gap", severity,
            f"{who} {step.short.lower()} much higher than "
            f"{'staff' if gap.gap > 0 else 'leaders'} do",
            evidence + extra, STEP_ACTIONS[gap.key], gap.key,
            basis=as_of(today, _who(gap.leader_n, gap.staff_n)), plain=in_words + extra,
            as_of=today,
        ))  # fmt: skip
    return result
