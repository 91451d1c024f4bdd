"""Where is the rollout stalling, and why? The findings across all sources.

Plain data in (already through the anonymity rules), findings out. Each
finding names only evidence that was measured, with its n and its period,
and suggests the action that evidence calls for (``insights.evidence``).
No Flask, no database, nothing about any particular organisation.

The kinds: ``stall`` (the first weak step while later ones are under way),
``skipped`` (a later step under way while an earlier one is weak), ``gap``
(leaders and staff see a step differently), ``adoption`` and ``hotspot``
(a metric falling, or behind its path to the target, with the measured
reason when the pulse has one), ``barrier`` (where staff are stuck on
ADKAR), ``resistance`` (a reason to push back that staff agree with),
``driver`` (a dimension that moves with adoption across teams) and
``actions`` (overdue actions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from insights.course import Course, course
from insights.drivers import driver_evidence, driver_title, drivers, strongest_driver
from insights.evidence import ADKAR, STEP_ACTIONS, Evidence, adkar_barrier, measured_evidence
from insights.health import (
    FEW_RATERS,
    StageHealth,
    StageInput,
    perception_gaps,
    stage_health,
    stall_point,
)
from insights.kotter import STEPS_BY_KEY
from insights.stages import WEAK_MEAN, SkippedStepWarning
from insights.trends import Trend
from survey.scoring import ADKAR_BARRIER_AT

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
_LOWER = {"high": "medium", "medium": "low", "low": "low"}
# Per-team adoption findings listed one by one; the rest become one finding naming a few.
MAX_TEAM_FINDINGS = 5
FOLDED_NAMES = 8
# How many resistance findings the organisation-wide pulse may add.
MAX_RESISTANCE_FINDINGS = 2
NO_REASON_MEASURED = (
    "Ask why before acting: add ADKAR and resistance questions to the next pulse, or hear "
    "the team out in its next meeting."
)
NOT_SHOWN_IN_PULSE = (
    "Hear the team out in its next meeting: the pulse keeps its answers inside larger groups."
)
NOTHING_WRONG_MEASURED = (
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
    kind: str
    severity: str  # high | medium | low
    title: str
    evidence: str
    suggestion: str
    step: str | None = None
    teams: tuple[str, ...] = field(default_factory=tuple)
    period: tuple[date, date] | None = None


def _fmt(value: float, unit: str) -> str:
    return f"{value:.0f}%" if unit == "%" else f"{value:.1f} {unit}".strip()


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _span(period: tuple[date, date]) -> str:
    return f"{_day(period[0])} to {_day(period[1])}"


def findings(
    stages: Sequence[StageInput],
    series: Sequence[SeriesInput],
    teams: Sequence[TeamInput],
    *,
    pulse: PulseInput | None = None,
    skipped: Sequence[SkippedStepWarning] = (),
    overdue_actions: int = 0,
) -> list[Finding]:
    """All findings, most severe first; the dashboard shows the top three."""
    healths = [stage_health(s) for s in stages]
    stalled = stall_point(stages, healths)
    result = _step_findings(stages, healths, stalled, skipped)
    names = pulse.names if pulse else {}
    by_team = {team.name: team for team in teams}
    courses: dict[str | None, Course] = {}
    team_findings: list[tuple[Finding, Course]] = []
    for item in series:
        found = _adoption_finding(item, by_team, pulse)
        if found is not None:
            courses[item.team] = found[1]
            if item.team is None:
                result.append(found[0])
            else:
                team_findings.append(found)
    result.extend(_fold_team_findings(team_findings))
    if pulse is not None:
        result.extend(_pulse_findings(pulse, courses.get(None)))
    strongest = strongest_driver(drivers(teams, names))
    if strongest is not None:
        result.append(Finding(
            "driver", "low", driver_title(strongest, names[strongest.dimension]),
            driver_evidence(strongest),
            "Look at what the teams doing best on this do, and spread it.",
            period=pulse.period if pulse else None,
        ))  # fmt: skip
    if overdue_actions:
        result.append(Finding(
            "actions", "medium" if overdue_actions > 1 else "low",
            f"{overdue_actions} action{'s are' if overdue_actions != 1 else ' is'} overdue",
            "Overdue actions stall the steps they belong to.",
            "Review owners and dates at the next leadership meeting.",
        ))  # fmt: skip
    return sorted(result, key=finding_order)


def _fold_team_findings(found: Sequence[tuple[Finding, Course]]) -> list[Finding]:
    """Per-team adoption findings: the ``MAX_TEAM_FINDINGS`` that matter most, then one for
    the rest, so that 150 teams behind do not bury the three findings an executive reads."""
    ranked = sorted(found, key=lambda pair: (*finding_order(pair[0]), -pair[1].shortfall))
    kept = [finding for finding, _ in ranked[:MAX_TEAM_FINDINGS]]
    rest = [finding for finding, _ in ranked[MAX_TEAM_FINDINGS:]]
    if not rest:
        return kept
    names = [team for finding in rest for team in finding.teams]
    listed = ", ".join(names[:FOLDED_NAMES])
    if len(names) > FOLDED_NAMES:
        listed += f" and {len(names) - FOLDED_NAMES} more"
    periods = [finding.period for finding in rest if finding.period is not None]
    severity = min((f.severity for f in rest), key=SEVERITY_ORDER.__getitem__)
    kept.append(
        Finding(
            "adoption",
            _LOWER[severity],
            f"Adoption is behind or falling in {len(rest)} more teams",
            f"Beside the {len(kept)} teams above, furthest behind: {listed}. Each team's "
            "figures and reasons are in the adoption table.",
            "Look for what these teams share (a region, a manager, a product line) before "
            "acting team by team.",
            period=(min(p[0] for p in periods), max(p[1] for p in periods)) if periods else None,
        )
    )
    return kept


def finding_order(finding: Finding) -> tuple[int, int]:
    return SEVERITY_ORDER[finding.severity], KIND_ORDER.get(finding.kind, len(KIND_ORDER))


# --- the steps ---------------------------------------------------------------------------


def _raters(stage: StageInput) -> str:
    bits = []
    if stage.leader_mean is not None:
        bits.append(f"leaders {stage.leader_mean:.1f}/5 (n={stage.leader_n})")
    if stage.staff_mean is not None:
        bits.append(f"staff {stage.staff_mean:.1f}/5 (n={stage.staff_n})")
    return ", ".join(bits)


def _few(stage: StageInput) -> str:
    n = stage.leader_n
    return f" Only {n} leader{'s' if n != 1 else ''} rated it: one view, read it with care."


def _rests_on_few_leaders(stage: StageInput) -> bool:
    """Whether a step is called weak on the word of fewer than three leaders alone."""
    staff_weak = stage.staff_mean is not None and stage.staff_mean < WEAK_MEAN
    return stage.status != "not_started" and stage.few_raters and not staff_weak


def _step_findings(
    stages: Sequence[StageInput],
    healths: Sequence[StageHealth],
    stalled: str | None,
    skipped: Sequence[SkippedStepWarning],
) -> list[Finding]:
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
        if health.capped:
            evidence += " The ratings say the step is weak, whatever its status."
        for warning in skipped:
            if warning.earlier == stalled:
                evidence += f" {warning.message}"
        severity = "high"
        if stage.few_raters and stage.staff_mean is None:
            severity, evidence = _LOWER[severity], evidence + _few(stage)
        result.append(Finding(
            "stall", severity,
            f"The rollout is stalling at step {step.position}: {step.name.lower()}",
            evidence, STEP_ACTIONS[stalled], stalled,
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
        result.append(Finding(
            "skipped", severity,
            f"Step {late.position} is under way while step {early.position} "
            f"({early.short.lower()}) is weak",
            evidence, STEP_ACTIONS[warning.earlier], warning.earlier,
        ))  # fmt: skip
    for gap in gaps.values():
        step = STEPS_BY_KEY[gap.key]
        who = "Leaders rate" if gap.gap > 0 else "Staff rate"
        severity = "high" if abs(gap.gap) >= 1.5 else "medium"
        evidence = (
            f"Leaders rate {step.short.lower()} {gap.leaders:.1f}/5 (n={gap.leader_n}), "
            f"staff {gap.staff:.1f}/5 (n={gap.staff_n})."
        )
        for warning in skipped:
            if warning.earlier == gap.key:
                evidence += f" {warning.message}"
        if gap.leader_n < FEW_RATERS:
            severity, evidence = _LOWER[severity], evidence + _few(by_key[gap.key])
        result.append(Finding(
            "gap", severity,
            f"{who} {step.short.lower()} much higher than "
            f"{'staff' if gap.gap > 0 else 'leaders'} do",
            evidence, STEP_ACTIONS[gap.key], gap.key,
        ))  # fmt: skip
    return result


# --- adoption ------------------------------------------------------------------------------


def _trend_words(item: SeriesInput) -> str:
    trend = item.trend
    test = f"; Mann–Kendall p = {trend.p:.2g}" if trend.p < SIGNIFICANT else ""
    if trend.label == "declining":
        return (
            f"falling over the last {trend.periods} weeks "
            f"(about {_fmt(abs(trend.slope), item.unit)} a week{test})"
        )
    if trend.label == "rising":
        return f"still rising over the last {trend.periods} weeks" + (
            f" ({test[2:]})" if test else ""
        )
    if trend.label == "plateau":
        return f"flat over the last {trend.periods} weeks"
    return f"only {trend.periods} weeks of data"


def _adoption_finding(
    item: SeriesInput, teams: Mapping[str, TeamInput], pulse: PulseInput | None
) -> tuple[Finding, Course] | None:
    """A falling metric, or one behind its path to the target, with the measured reason."""
    if item.target is None:
        return None
    where = item.team or "the whole initiative"
    state = course(
        item.periods, item.values, item.target, item.target_date,
        higher_is_better=item.higher_is_better, projected_on=item.projected_on,
        projection_state=item.projection_state,
    )  # fmt: skip
    falling = item.trend.label == "declining" and state.state != "too_early"
    if not falling and not state.behind:
        return None
    latest, unit = item.values[-1], item.unit
    target_words = _fmt(item.target, unit)
    if item.target_date is not None:
        target_words += f" by {_day(item.target_date)}"
    if falling:
        title = f"{item.metric_name} is falling in {where}"
        severity = "high" if state.behind else "medium"
    elif state.state == "overdue":
        title = f"{item.metric_name} in {where} missed its target of {target_words}"
        severity = state.severity or "high"
    elif item.trend.label == "plateau":
        title = f"{item.metric_name} has levelled off in {where}, short of {target_words}"
        severity = state.severity or "low"
    else:
        title = f"{item.metric_name} in {where} is behind its path to {target_words}"
        severity = state.severity or "low"
    bits = [f"{_fmt(latest, unit)} in the week of {_day(item.periods[-1])}, {_trend_words(item)}"]
    if state.state == "overdue":
        bits.append(f"the target date has passed without reaching {_fmt(item.target, unit)}")
    elif state.behind and state.expected is not None:
        bits.append(
            f"the path to {target_words} called for about {_fmt(state.expected, unit)} by now; "
            f"short of it for {state.weeks_behind} week{'s' if state.weeks_behind != 1 else ''}"
        )
    period = (item.periods[0], item.periods[-1])
    means, respondents, asked = _pulse_of(item.team, teams, pulse)
    reasons = measured_evidence(means, pulse.names) if pulse else []
    kind, step, suggestion = "adoption", None, NO_REASON_MEASURED
    if reasons:
        top = reasons[0]
        kind = "hotspot" if item.team else "adoption"
        step, suggestion = top.step, top.action
        bits.append(_reason_words(top, respondents, pulse))
        bits.extend(f"also {e.words()}" for e in reasons[1:3])
    elif asked and pulse is not None:
        bits.append(
            f"the pulse of {_span(pulse.period)} shows no barrier or resistance here "
            f"(n={respondents})"
        )
        suggestion = NOTHING_WRONG_MEASURED
    elif pulse is not None and item.team is not None:
        bits.append("the pulse cannot show this team on its own, so it cannot say why")
        suggestion = NOT_SHOWN_IN_PULSE
    evidence = "; ".join(bits) + f". Weekly data from {_span(period)}."
    teams_named = (item.team,) if item.team else ()
    finding = Finding(kind, severity, title, evidence, suggestion, step, teams_named, period)
    return finding, state


def _pulse_of(
    team: str | None, teams: Mapping[str, TeamInput], pulse: PulseInput | None
) -> tuple[Mapping[str, float], int, bool]:
    """The dimension means that explain a series: its team's, or everyone's for the whole."""
    if pulse is None:
        return {}, 0, False
    if team is None:
        return pulse.dimensions, pulse.respondents, True
    found = teams.get(team)
    if found is None:
        return {}, 0, False
    return found.dimensions, found.respondents, True


def _reason_words(evidence: Evidence, respondents: int, pulse: PulseInput | None) -> str:
    when = f", pulse of {_span(pulse.period)}" if pulse else ""
    if evidence.kind == "adkar":
        lead = f"ADKAR barrier point: {evidence.key.removeprefix('adkar_')}"
    elif evidence.kind == "resistance":
        lead = "likeliest reason measured"
    else:
        lead = "weakest measured"
    return f"{lead}: {evidence.reading} ({evidence.words()}, n={respondents}{when})"


# --- the organisation-wide pulse -------------------------------------------------------------


def _pulse_findings(pulse: PulseInput, whole: Course | None) -> list[Finding]:
    """Where staff are stuck on ADKAR, and reasons to push back that they agree with."""
    result: list[Finding] = []
    n, span = pulse.respondents, _span(pulse.period)
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
            f"first ADKAR element at 3 or lower (n={n}, pulse of {span}).",
            response.action, response.steps[0], period=pulse.period,
        ))  # fmt: skip
    concerns = [e for e in measured_evidence(pulse.dimensions, pulse.names)
                if e.kind == "resistance"]  # fmt: skip
    for evidence in concerns[:MAX_RESISTANCE_FINDINGS]:
        result.append(Finding(
            "resistance", "medium",
            f"Staff push back: {evidence.reading}",
            f"“{evidence.name}” {evidence.mean:.1f}/5 across everyone (n={n}, pulse of {span}); "
            "3 is neutral, higher means more agree with the worry.",
            evidence.action, evidence.step, period=pulse.period,
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
) -> Finding:
    """The leadership team's weakest Kouzes-Posner practice as a finding (scores 6-60).

    More severe when the practice bears on the step the rollout is stalling at;
    a basis of fewer than three leaders says so and is never more than low.
    """
    step = stalled if stalled in steps else steps[0]
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
    )  # fmt: skip
