"""Findings about adoption: a metric falling or behind its path, with the measured reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from insights.course import Course, course
from insights.diagnosis.shapes import (
    FOLDED_NAMES,
    LOWER,
    MAX_TEAM_FINDINGS,
    NO_REASON_MEASURED,
    NOT_SHOWN_IN_PULSE,
    NOTHING_WRONG_MEASURED,
    SEVERITY_ORDER,
    SIGNIFICANT,
    Finding,
    PulseInput,
    SeriesInput,
    TeamInput,
    day,
    finding_order,
    fmt_value,
    span,
)
from insights.diagnosis.words import over_weeks, people_in_teams, plural, trend_plain
from insights.evidence import Evidence, measured_evidence


def _trend_words(item: SeriesInput) -> str:
    trend = item.trend
    test = f"; Mann–Kendall p = {trend.p:.2g}" if trend.p < SIGNIFICANT else ""
    if trend.label == "declining":
        return (
            f"falling over the last {trend.periods} weeks "
            f"(about {fmt_value(abs(trend.slope), item.unit)} a week{test})"
        )
    if trend.label == "rising":
        return f"still rising over the last {trend.periods} weeks" + (
            f" ({test[2:]})" if test else ""
        )
    if trend.label == "plateau":
        return f"flat over the last {trend.periods} weeks"
    return f"only {trend.periods} weeks of data"


def adoption_finding(
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
    target_words = fmt_value(item.target, unit)
    if item.target_date is not None:
        target_words += f" by {day(item.target_date)}"
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
    now = f"{fmt_value(latest, unit)} in the week of {day(item.periods[-1])}"
    bits = [f"{now}, {_trend_words(item)}"]
    plain = [f"{now}, {trend_plain(item.trend.label, item.trend.periods)}"]
    if state.state == "overdue":
        bits.append(f"the target date has passed without reaching {fmt_value(item.target, unit)}")
    elif state.behind and state.expected is not None:
        bits.append(
            f"the path to {target_words} called for about "
            f"{fmt_value(state.expected, unit)} by now; "
            f"short of it for {plural(state.weeks_behind, 'week')}"
        )
    plain.extend(bits[1:])
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
        plain.append(_reason_plain(top, respondents, pulse))
        plain.extend(f"also {e.name.lower()} {e.mean:.1f} of 5" for e in reasons[1:3])
    elif asked and pulse is not None:
        bits.append(
            f"the pulse of {span(pulse.period)} shows no barrier or resistance here "
            f"(n={respondents})"
        )
        plain.append(
            f"the pulse of {span(pulse.period)} shows no barrier or resistance here "
            f"({plural(respondents, 'answer')})"
        )
        suggestion = NOTHING_WRONG_MEASURED
    elif pulse is not None and item.team is not None:
        bits.append("the pulse cannot show this team on its own, so it cannot say why")
        plain.append(bits[-1])
        suggestion = NOT_SHOWN_IN_PULSE
    evidence = "; ".join(bits) + f". Weekly data from {span(period)}."
    teams_named = (item.team,) if item.team else ()
    finding = Finding(
        kind, severity, title, evidence, suggestion, step, teams_named, period,
        basis=over_weeks(period, people_in_teams(item.people, item.team_count)),
        plain="; ".join(plain) + ".",
    )  # fmt: skip
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
    when = f", pulse of {span(pulse.period)}" if pulse else ""
    if evidence.kind == "adkar":
        lead = f"ADKAR barrier point: {evidence.key.removeprefix('adkar_')}"
    elif evidence.kind == "resistance":
        lead = "likeliest reason measured"
    else:
        lead = "weakest measured"
    return f"{lead}: {evidence.reading} ({evidence.words()}, n={respondents}{when})"


def _reason_plain(evidence: Evidence, respondents: int, pulse: PulseInput | None) -> str:
    """The measured reason without the n= and /5 shorthand."""
    if evidence.kind == "adkar":
        lead = f"staff are stuck at {evidence.key.removeprefix('adkar_')}"
    elif evidence.kind == "resistance":
        lead = "likeliest reason measured"
    else:
        lead = "weakest measured"
    answers = (
        f" in the pulse of {span(pulse.period)}, {plural(respondents, 'answer')}" if pulse else ""
    )
    return f"{lead}: {evidence.reading} (“{evidence.name}” {evidence.mean:.1f} of 5{answers})"


def fold_team_findings(found: Sequence[tuple[Finding, Course]]) -> list[Finding]:
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
    period = (min(p[0] for p in periods), max(p[1] for p in periods)) if periods else None
    severity = min((f.severity for f in rest), key=SEVERITY_ORDER.__getitem__)
    kept.append(
        Finding(
            "adoption",
            LOWER[severity],
            f"Adoption is behind or falling in {len(rest)} more teams",
            f"Beside the {len(kept)} teams above, furthest behind: {listed}. Each team's "
            "figures and reasons are in the adoption table.",
            "Look for what these teams share (a region, a manager, a product line) before "
            "acting team by team.",
            period=period,
            basis=over_weeks(period, plural(len(rest), "team")) if period else "",
        )
    )
    return kept
