"""Findings from the organisation-wide pulse and from the leadership team's 360."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from insights.course import Course
from insights.diagnosis.shapes import MAX_RESISTANCE_FINDINGS, Finding, PulseInput, span
from insights.diagnosis.words import as_of, in_pulse
from insights.evidence import ADKAR, ADKAR_ELEMENTS, adkar_barrier, measured_evidence
from insights.health import FEW_RATERS
from insights.kotter import STEPS_BY_KEY
from insights.translation import _, ngettext, number
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
        element = _(ADKAR_ELEMENTS[barrier])
        name = pulse.names.get(key) or element.capitalize()
        mean = number(pulse.dimensions[key], 1)
        result.append(Finding(
            "barrier", severity,
            _("Staff are stuck at %(element)s: %(reading)s",
              element=element, reading=_(response.reading)),
            _("%(name)s %(mean)s/5, the first ADKAR element at 3 or lower (n=%(n)s, pulse of "
              "%(when)s).", name=name, mean=mean, n=n, when=when),
            _(response.action), response.steps[0], period=pulse.period,
            basis=in_pulse(pulse.period, n),
            plain=_("%(name)s scores %(mean)s of 5, the first of the five stages of change "
                    "(awareness, desire, knowledge, ability, reinforcement) that staff do not "
                    "agree with.", name=name.lower(), mean=mean),
        ))  # fmt: skip
    concerns = [e for e in measured_evidence(pulse.dimensions, pulse.names)
                if e.kind == "resistance"]  # fmt: skip
    for evidence in concerns[:MAX_RESISTANCE_FINDINGS]:
        result.append(Finding(
            "resistance", "medium",
            _("Staff push back: %(reading)s", reading=evidence.reading),
            _("“%(name)s” %(mean)s/5 across everyone (n=%(n)s, pulse of %(when)s); 3 is "
              "neutral, higher means more agree with the worry.",
              name=evidence.name, mean=number(evidence.mean, 1), n=n, when=when),
            evidence.action, evidence.step, period=pulse.period,
            basis=in_pulse(pulse.period, n),
            plain=_("“%(name)s” scores %(mean)s of 5 across everyone, where 3 is neutral: more "
                    "staff agree with the worry than not.",
                    name=evidence.name, mean=number(evidence.mean, 1)),
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
    positions = [str(STEPS_BY_KEY[key].position) for key in steps]
    if len(positions) > 1:
        on_steps = _(
            "the practice bears most on steps %(steps)s and %(last)s",
            steps=", ".join(positions[:-1]),
            last=positions[-1],
        )
    else:
        on_steps = _("the practice bears most on step %(step)s", step=positions[0])
    figures = {"steps": on_steps}
    texts = []
    for score_text in (_("%(score)s/60", score=number(score, 0)),
                       _("%(score)s of 60", score=number(score, 0))):  # fmt: skip
        if basis == "observers":
            text = ngettext(
                "The observers’ average is %(score)s over %(num)s leader; %(steps)s.",
                "The observers’ average is %(score)s over %(num)s leaders; %(steps)s.",
                leaders,
                score=score_text,
                **figures,
            )
        else:
            text = ngettext(
                "The leaders’ own average is %(score)s over %(num)s leader; %(steps)s.",
                "The leaders’ own average is %(score)s over %(num)s leaders; %(steps)s.",
                leaders,
                score=score_text,
                **figures,
            )
            text += " " + _(
                "No leader has enough observers yet, so this rests on self-assessments."
            )
        texts.append(text)
    severity = "medium" if stalled in steps else "low"
    if leaders < FEW_RATERS:
        few = " " + ngettext(
            "Only %(num)s leader: read it with care.",
            "Only %(num)s leaders: read it with care.",
            leaders,
        )
        texts = [text + few for text in texts]
        severity = "low"
    evidence, plain = texts
    return Finding(
        "leadership", severity,
        _("The leadership team’s weakest practice is “%(practice)s”",
          practice=_(practice).lower()),
        evidence,
        _("%(why)s Make it a development goal for each leader, starting with step "
          "%(position)s: %(step)s.",
          why=_(why), position=STEPS_BY_KEY[step].position,
          step=STEPS_BY_KEY[step].shown_name.lower()),
        step,
        basis=as_of(today, ngettext("the latest 360s of %(num)s leader",
                                    "the latest 360s of %(num)s leaders", leaders)),
        plain=plain,
        as_of=today,
    )  # fmt: skip
