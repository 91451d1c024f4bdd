"""``findings``: every finding across the sources, most severe first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from insights.course import Course
from insights.diagnosis.adoption import adoption_finding, fold_team_findings
from insights.diagnosis.pulse import pulse_findings
from insights.diagnosis.shapes import Finding, PulseInput, SeriesInput, TeamInput, finding_order
from insights.diagnosis.steps import step_findings
from insights.diagnosis.words import as_of, in_pulse
from insights.driver_words import driver_evidence, driver_title
from insights.drivers import drivers, strongest_driver
from insights.health import StageInput, stage_health, stall_point
from insights.stages import SkippedStepWarning
from insights.translation import _, ngettext


def findings(
    stages: Sequence[StageInput],
    series: Sequence[SeriesInput],
    teams: Sequence[TeamInput],
    *,
    pulse: PulseInput | None = None,
    skipped: Sequence[SkippedStepWarning] = (),
    overdue_actions: int = 0,
    today: date | None = None,
) -> list[Finding]:
    """All findings, most severe first; the dashboard shows the top three.

    ``today`` is the "as of" date of the findings with no period of their own
    (a step's checklist and ratings, overdue actions).
    """
    healths = [stage_health(s) for s in stages]
    stalled = stall_point(stages, healths)
    result = step_findings(stages, healths, stalled, skipped, today)
    names = pulse.names if pulse else {}
    by_team = {team.name: team for team in teams}
    courses: dict[str | None, Course] = {}
    team_findings: list[tuple[Finding, Course]] = []
    for item in series:
        found = adoption_finding(item, by_team, pulse)
        if found is not None:
            courses[item.team] = found[1]
            if item.team is None:
                result.append(found[0])
            else:
                team_findings.append(found)
    result.extend(fold_team_findings(team_findings))
    if pulse is not None:
        result.extend(pulse_findings(pulse, courses.get(None)))
    strongest = strongest_driver(drivers(teams, names))
    if strongest is not None:
        teams_text = ngettext("%(num)s team", "%(num)s teams", strongest.teams)
        result.append(Finding(
            "driver", "low", driver_title(strongest, names[strongest.dimension]),
            driver_evidence(strongest),
            _("Look at what the teams doing best on this do, and spread it."),
            period=pulse.period if pulse else None,
            basis=in_pulse(pulse.period, pulse.respondents, teams_text) if pulse else "",
            plain=ngettext(
                "Across %(num)s team, those scoring higher on this use the CRM more, too "
                "consistently to be chance; the statistics are in the consultant view.",
                "Across %(num)s teams, those scoring higher on this use the CRM more, too "
                "consistently to be chance; the statistics are in the consultant view.",
                strongest.teams,
            ),
        ))  # fmt: skip
    if overdue_actions:
        result.append(Finding(
            "actions", "medium" if overdue_actions > 1 else "low",
            ngettext("%(num)s action is overdue", "%(num)s actions are overdue", overdue_actions),
            _("Overdue actions stall the steps they belong to."),
            _("Review owners and dates at the next leadership meeting."),
            basis=as_of(today, ngettext("%(num)s action past its due date",
                                        "%(num)s actions past their due date", overdue_actions)),
            as_of=today,
        ))  # fmt: skip
    return sorted(result, key=finding_order)
