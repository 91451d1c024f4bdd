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
    finding_order,
    fmt_value,
    span,
)
from insights.diagnosis.words import n_teams, over_weeks, people_in_teams, trend_plain
from insights.evidence import ADKAR_ELEMENTS, Evidence, measured_evidence
from insights.translation import N_, _, day, ngettext, number


def _trend_words(item: SeriesInput) -> str:
    trend = item.trend
    weeks, p = trend.periods, f"{trend.p:.2g}"
    tested = trend.p < SIGNIFICANT
    if trend.label == "declining":
        slope = fmt_value(abs(trend.slope), item.unit)
        if tested:
            return ngettext(
                "falling over the last %(num)s week (about %(slope)s a week; "
                "Mann–Kendall p = %(p)s)",
                "falling over the last %(num)s weeks (about %(slope)s a week; "
                "Mann–Kendall p = %(p)s)",
                weeks, slope=slope, p=p,
            )  # fmt: skip
        return ngettext(
            "falling over the last %(num)s week (about %(slope)s a week)",
            "falling over the last %(num)s weeks (about %(slope)s a week)",
            weeks, slope=slope,
        )  # fmt: skip
    if trend.label == "rising":
        if tested:
            return ngettext(
                "still rising over the last %(num)s week (Mann–Kendall p = %(p)s)",
                "still rising over the last %(num)s weeks (Mann–Kendall p = %(p)s)",
                weeks, p=p,
            )  # fmt: skip
        return ngettext(
            "still rising over the last %(num)s week",
            "still rising over the last %(num)s weeks",
            weeks,
        )
    if trend.label == "plateau":
        return ngettext(
            "flat over the last %(num)s week", "flat over the last %(num)s weeks", weeks
        )
    return ngettext("only %(num)s week of data", "only %(num)s weeks of data", weeks)


# Each title in two whole sentences, a team's and the whole initiative's, so that a
# language that inflects "the whole initiative" after "in" can say it its own way.
_TITLES = {
    "falling": (
        N_("%(metric)s is falling in %(team)s"),
        N_("%(metric)s is falling in the whole initiative"),
    ),
    "overdue": (
        N_("%(metric)s in %(team)s missed its target of %(target)s"),
        N_("%(metric)s in the whole initiative missed its target of %(target)s"),
    ),
    "plateau": (
        N_("%(metric)s has levelled off in %(team)s, short of %(target)s"),
        N_("%(metric)s has levelled off in the whole initiative, short of %(target)s"),
    ),
    "behind": (
        N_("%(metric)s in %(team)s is behind its path to %(target)s"),
        N_("%(metric)s in the whole initiative is behind its path to %(target)s"),
    ),
}


def _title(item: SeriesInput, state: Course, falling: bool, target: str) -> tuple[str, str]:
    """The finding's title and severity: falling, overdue, levelled off or behind its path."""
    if falling:
        kind, severity = "falling", "high" if state.behind else "medium"
    elif state.state == "overdue":
        kind, severity = "overdue", state.severity or "high"
    elif item.trend.label == "plateau":
        kind, severity = "plateau", state.severity or "low"
    else:
        kind, severity = "behind", state.severity or "low"
    for_team, for_whole = _TITLES[kind]
    values = {"metric": item.metric_name, "target": target}
    if item.team:
        return _(for_team, team=item.team, **values), severity
    return _(for_whole, **values), severity


def adoption_finding(
    item: SeriesInput, teams: Mapping[str, TeamInput], pulse: PulseInput | None
) -> tuple[Finding, Course] | None:
    """A falling metric, or one behind its path to the target, with the measured reason."""
    if item.target is None:
        return None
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
        target_words = _("%(target)s by %(day)s", target=target_words, day=day(item.target_date))
    title, severity = _title(item, state, falling, target_words)
    now = _(
        "%(value)s in the week of %(day)s", value=fmt_value(latest, unit), day=day(item.periods[-1])
    )
    bits = [f"{now}, {_trend_words(item)}"]
    plain = [f"{now}, {trend_plain(item.trend.label, item.trend.periods)}"]
    if state.state == "overdue":
        bits.append(
            _(
                "the target date has passed without reaching %(target)s",
                target=fmt_value(item.target, unit),
            )
        )
    elif state.behind and state.expected is not None:
        bits.append(
            ngettext(
                "the path to %(target)s called for about %(expected)s by now; "
                "short of it for %(num)s week",
                "the path to %(target)s called for about %(expected)s by now; "
                "short of it for %(num)s weeks",
                state.weeks_behind,
                target=target_words,
                expected=fmt_value(state.expected, unit),
            )  # fmt: skip
        )
    plain.extend(bits[1:])
    period = (item.periods[0], item.periods[-1])
    means, respondents, asked = _pulse_of(item.team, teams, pulse)
    reasons = measured_evidence(means, pulse.names) if pulse else []
    kind, step, suggestion = "adoption", None, _(NO_REASON_MEASURED)
    if reasons:
        top = reasons[0]
        kind = "hotspot" if item.team else "adoption"
        step, suggestion = top.step, top.action
        bits.append(_reason_words(top, respondents, pulse))
        bits.extend(_("also %(reason)s", reason=e.words()) for e in reasons[1:3])
        plain.append(_reason_plain(top, respondents, pulse))
        plain.extend(
            _("also %(name)s %(mean)s of 5", name=e.name.lower(), mean=number(e.mean, 1))
            for e in reasons[1:3]
        )
    elif asked and pulse is not None:
        when = span(pulse.period)
        bits.append(
            _(
                "the pulse of %(span)s shows no barrier or resistance here (n=%(n)s)",
                span=when,
                n=respondents,
            )  # fmt: skip
        )
        plain.append(
            ngettext(
                "the pulse of %(span)s shows no barrier or resistance here (%(num)s answer)",
                "the pulse of %(span)s shows no barrier or resistance here (%(num)s answers)",
                respondents,
                span=when,
            )  # fmt: skip
        )
        suggestion = _(NOTHING_WRONG_MEASURED)
    elif pulse is not None and item.team is not None:
        bits.append(_("the pulse cannot show this team on its own, so it cannot say why"))
        plain.append(bits[-1])
        suggestion = _(NOT_SHOWN_IN_PULSE)
    evidence = "; ".join(bits) + ". " + _("Weekly data from %(span)s.", span=span(period))
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


def _element(evidence: Evidence) -> str:
    """The ADKAR element of a barrier, as the finding names it ("knowledge")."""
    element = evidence.key.removeprefix("adkar_")
    return _(ADKAR_ELEMENTS[element]) if element in ADKAR_ELEMENTS else element


def _reason_words(evidence: Evidence, respondents: int, pulse: PulseInput | None) -> str:
    if evidence.kind == "adkar":
        lead = _("ADKAR barrier point: %(element)s", element=_element(evidence))
    elif evidence.kind == "resistance":
        lead = _("likeliest reason measured")
    else:
        lead = _("weakest measured")
    values = {"lead": lead, "reading": evidence.reading, "measure": evidence.words()}
    if pulse:
        return _(
            "%(lead)s: %(reading)s (%(measure)s, n=%(n)s, pulse of %(span)s)",
            n=respondents, span=span(pulse.period), **values,
        )  # fmt: skip
    return _("%(lead)s: %(reading)s (%(measure)s, n=%(n)s)", n=respondents, **values)


def _reason_plain(evidence: Evidence, respondents: int, pulse: PulseInput | None) -> str:
    """The measured reason without the n= and /5 shorthand."""
    if evidence.kind == "adkar":
        lead = _("staff are stuck at %(element)s", element=_element(evidence))
    elif evidence.kind == "resistance":
        lead = _("likeliest reason measured")
    else:
        lead = _("weakest measured")
    values = {
        "lead": lead, "reading": evidence.reading, "name": evidence.name,
        "mean": number(evidence.mean, 1),
    }  # fmt: skip
    if pulse:
        return ngettext(
            "%(lead)s: %(reading)s (“%(name)s” %(mean)s of 5 in the pulse of %(span)s, "
            "%(num)s answer)",
            "%(lead)s: %(reading)s (“%(name)s” %(mean)s of 5 in the pulse of %(span)s, "
            "%(num)s answers)",
            respondents, span=span(pulse.period), **values,
        )  # fmt: skip
    return _("%(lead)s: %(reading)s (“%(name)s” %(mean)s of 5)", **values)


def fold_team_findings(found: Sequence[tuple[Finding, Course]]) -> list[Finding]:
    """Per-team adoption findings: the ``MAX_TEAM_FINDINGS`` that matter most, then one for
    the rest, so that 150 teams behind do not bury the three findings an executive reads."""
    ranked = sorted(found, key=lambda pair: (*finding_order(pair[0]), -pair[1].shortfall))
    kept = [finding for finding, _course in ranked[:MAX_TEAM_FINDINGS]]
    rest = [finding for finding, _course in ranked[MAX_TEAM_FINDINGS:]]
    if not rest:
        return kept
    names = [team for finding in rest for team in finding.teams]
    listed = ", ".join(names[:FOLDED_NAMES])
    if len(names) > FOLDED_NAMES:
        more = len(names) - FOLDED_NAMES
        listed = ngettext(
            "%(names)s and %(num)s more", "%(names)s and %(num)s more", more, names=listed
        )
    periods = [finding.period for finding in rest if finding.period is not None]
    period = (min(p[0] for p in periods), max(p[1] for p in periods)) if periods else None
    severity = min((f.severity for f in rest), key=SEVERITY_ORDER.__getitem__)
    kept.append(
        Finding(
            "adoption",
            LOWER[severity],
            ngettext(
                "Adoption is behind or falling in %(num)s more team",
                "Adoption is behind or falling in %(num)s more teams",
                len(rest),
            ),
            ngettext(
                "Beside the %(num)s team above, furthest behind: %(listed)s. Each team's "
                "figures and reasons are in the adoption table.",
                "Beside the %(num)s teams above, furthest behind: %(listed)s. Each team's "
                "figures and reasons are in the adoption table.",
                len(kept),
                listed=listed,
            ),  # fmt: skip
            _(
                "Look for what these teams share (a region, a manager, a product line) before "
                "acting team by team."
            ),
            period=period,
            basis=over_weeks(period, n_teams(len(rest))) if period else "",
        )
    )
    return kept
