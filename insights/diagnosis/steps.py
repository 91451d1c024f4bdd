"""Findings about the steps: where the rollout stalls, steps run ahead, leaders and staff apart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from insights.diagnosis.shapes import LOWER, Finding
from insights.diagnosis.words import as_of
from insights.evidence import STEP_ACTIONS
from insights.health import FEW_RATERS, StageHealth, StageInput, perception_gaps
from insights.kotter import STEPS_BY_KEY
from insights.stages import STATUS_LABELS, WEAK_MEAN, SkippedStepWarning, warning_text
from insights.translation import _, ngettext, number


def _raters(stage: StageInput) -> str:
    """ "leaders 2.1/5 (n=3), staff 2.4/5 (n=40)": who rated the step, and how."""
    leaders, staff = stage.leader_mean, stage.staff_mean
    if leaders is not None and staff is not None:
        return _(
            "leaders %(leaders)s/5 (n=%(leader_n)s), staff %(staff)s/5 (n=%(staff_n)s)",
            leaders=number(leaders, 1),
            leader_n=stage.leader_n,
            staff=number(staff, 1),
            staff_n=stage.staff_n,
        )
    if leaders is not None:
        return _(
            "leaders %(leaders)s/5 (n=%(leader_n)s)",
            leaders=number(leaders, 1),
            leader_n=stage.leader_n,
        )
    if staff is not None:
        return _("staff %(staff)s/5 (n=%(staff_n)s)", staff=number(staff, 1), staff_n=stage.staff_n)
    return ""


def _raters_plain(stage: StageInput) -> str:
    leaders, staff = stage.leader_mean, stage.staff_mean
    if leaders is not None and staff is not None:
        return _(
            "leaders rate it %(leaders)s of 5, staff %(staff)s of 5",
            leaders=number(leaders, 1),
            staff=number(staff, 1),
        )
    if leaders is not None:
        return _("leaders rate it %(leaders)s of 5", leaders=number(leaders, 1))
    if staff is not None:
        return _("staff %(staff)s of 5", staff=number(staff, 1))
    return ""


def _who(leader_n: int, staff_n: int) -> str:
    """ "rated by 2 leaders and 130 staff": the n behind a step's ratings, in words."""
    if leader_n and staff_n:
        return ngettext(
            "rated by %(num)s leader and %(staff)s staff",
            "rated by %(num)s leaders and %(staff)s staff",
            leader_n,
            staff=staff_n,
        )
    if leader_n:
        return ngettext("rated by %(num)s leader", "rated by %(num)s leaders", leader_n)
    if staff_n:
        return ngettext("rated by %(num)s staff", "rated by %(num)s staff", staff_n)
    return _("from the step tracker")


def _few(stage: StageInput) -> str:
    return " " + ngettext(
        "Only %(num)s leader rated it: one view, read it with care.",
        "Only %(num)s leaders rated it: one view, read it with care.",
        stage.leader_n,
    )


def _name(key: str) -> str:
    """A step's name as a finding writes it inside a sentence ("create the guiding coalition")."""
    return STEPS_BY_KEY[key].shown_name.lower()


def _short(key: str) -> str:
    return STEPS_BY_KEY[key].shown_short.lower()


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
        bits = [
            _("health %(health)s of 100", health=number(health.health, 0)),
            _("marked %(status)s", status=_(STATUS_LABELS[stage.status])),
        ]
        if stage.evidence_total:
            bits.append(
                _(
                    "%(done)s of %(total)s evidence items ticked",
                    done=stage.evidence_done,
                    total=stage.evidence_total,
                )
            )
        if _raters(stage):
            bits.append(_("rated by %(raters)s", raters=_raters(stage)))
        evidence = _("%(facts)s, while later steps are already under way.", facts="; ".join(bits))
        plain = bits[:2]
        if stage.evidence_total:
            plain.append(
                ngettext(
                    "%(done)s of %(num)s piece of evidence in place",
                    "%(done)s of %(num)s pieces of evidence in place",
                    stage.evidence_total,
                    done=stage.evidence_done,
                )
            )
        if _raters_plain(stage):
            plain.append(_raters_plain(stage))
        extra = ""
        if health.capped:
            extra += " " + _("The ratings say the step is weak, whatever its status.")
        for warning in skipped:
            if warning.earlier == stalled:
                extra += " " + warning_text(warning)
        severity = "high"
        if stage.few_raters and stage.staff_mean is None:
            severity, extra = LOWER[severity], extra + _few(stage)
        result.append(Finding(
            "stall", severity,
            _("The rollout is stalling at step %(position)s: %(step)s",
              position=step.position, step=_name(stalled)),
            evidence + extra, _(STEP_ACTIONS[stalled]), stalled,
            basis=as_of(today, _who(stage.leader_n, stage.staff_n)),
            plain=_("%(facts)s, while later steps are already under way.",
                    facts="; ".join(plain)) + extra,
            as_of=today,
        ))  # fmt: skip
    gaps = {gap.key: gap for gap in perception_gaps(stages) if gap.large}
    for warning in skipped:
        if warning.earlier == stalled or warning.earlier in gaps:
            continue  # said in the stall or the gap finding of the same step
        earlier = by_key.get(warning.earlier)
        severity = "medium"
        evidence = warning_text(warning)
        if earlier is not None and _rests_on_few_leaders(earlier):
            severity, evidence = "low", evidence + _few(earlier)
        early, late = STEPS_BY_KEY[warning.earlier], STEPS_BY_KEY[warning.stage]
        who = _who(earlier.leader_n, earlier.staff_n) if earlier else ""
        result.append(Finding(
            "skipped", severity,
            _("Step %(late)s is under way while step %(early)s (%(short)s) is weak",
              late=late.position, early=early.position, short=_short(early.key)),
            evidence, _(STEP_ACTIONS[warning.earlier]), warning.earlier,
            basis=as_of(today, who), plain=evidence, as_of=today,
        ))  # fmt: skip
    for gap in gaps.values():
        severity = "high" if abs(gap.gap) >= 1.5 else "medium"
        figures = {
            "step": _short(gap.key),
            "leaders": number(gap.leaders, 1),
            "staff": number(gap.staff, 1),
        }
        evidence = _(
            "Leaders rate %(step)s %(leaders)s/5 (n=%(leader_n)s), staff %(staff)s/5 "
            "(n=%(staff_n)s).",
            leader_n=gap.leader_n,
            staff_n=gap.staff_n,
            **figures,
        )
        in_words = _("leaders rate %(step)s %(leaders)s of 5, staff %(staff)s of 5.", **figures)
        if gap.gap > 0:
            title = _("Leaders rate %(step)s much higher than staff do", step=figures["step"])
        else:
            title = _("Staff rate %(step)s much higher than leaders do", step=figures["step"])
        extra = ""
        for warning in skipped:
            if warning.earlier == gap.key:
                extra += " " + warning_text(warning)
        if gap.leader_n < FEW_RATERS:
            severity, extra = LOWER[severity], extra + _few(by_key[gap.key])
        result.append(Finding(
            "gap", severity,
            title, evidence + extra, _(STEP_ACTIONS[gap.key]), gap.key,
            basis=as_of(today, _who(gap.leader_n, gap.staff_n)), plain=in_words + extra,
            as_of=today,
        ))  # fmt: skip
    return result
