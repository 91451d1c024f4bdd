"""``diagnose``: the one function behind the dashboard, the summary, the exports and the API."""

from __future__ import annotations

from datetime import date

from app.services import practices, stages
from app.services import results as pulse_results
from app.services.diagnosis.pulse_inputs import (
    dimension_names,
    newest_pulse,
    pulse_input,
    staff_means,
    team_inputs,
)
from app.services.diagnosis.shapes import Diagnosis, OverdueAction, StepHealth
from app.services.diagnosis.usage import active_teams, raises_finding, series_input, usage_series
from insights.diagnosis import Finding, findings, leadership_finding
from insights.drivers import drivers, drivers_status
from insights.health import StageInput, perception_gaps, stage_health, stall_point
from insights.kotter import STEPS_BY_KEY
from insights.stages import StepState, skipped_step_warnings
from models import Initiative, db


def diagnose(
    initiative: Initiative, today: date | None = None, *, every_team_series: bool = True
) -> Diagnosis:
    """The diagnosis of ``initiative`` as of ``today``, in a fixed number of queries.

    The findings read the teams' adoption rate and the whole initiative's usage
    metrics; ``every_team_series`` False leaves out the teams' series of the
    other usage metrics, which only the full lists (consultant view, API,
    exports) show: the same findings, less to read at 200 teams.
    """
    today = today or date.today()
    min_size = pulse_results.min_group_size()
    overview = stages.stage_overview(initiative, today)
    pulse = newest_pulse(initiative)
    staff = staff_means(initiative, pulse)
    inputs = [
        StageInput(
            row.step.key, row.stage.status, row.evidence_done, row.evidence_total,
            row.leaders.mean, row.leaders.n, *staff.get(row.step.key, (None, 0)),
        )
        for row in overview.rows
    ]  # fmt: skip
    healths = [stage_health(stage) for stage in inputs]
    stalled = stall_point(inputs, healths)
    steps = tuple(
        StepHealth(
            row.step, row.stage.status, health.health, health.parts, row.evidence_done,
            row.evidence_total, row.leaders.mean, row.leaders.n, row.leaders.spread,
            stage.staff_mean, stage.staff_n, row.open_actions, row.overdue_actions,
            row.step.key == stalled,
        )
        for row, stage, health in zip(overview.rows, inputs, healths, strict=True)
    )  # fmt: skip
    teams = active_teams(initiative)
    series, folded = usage_series(initiative, teams, min_size, every_team_series)
    hidden = {t for teams_in in (folded.folded.values() if folded else []) for t in teams_in}
    per_team = team_inputs(pulse, series, teams)
    overdue = _overdue(initiative, today)
    names = dimension_names(pulse)
    skipped = skipped_step_warnings(
        [StepState(s.key, s.status, s.leader_mean, s.staff_mean) for s in inputs]
    )
    found = findings(
        inputs,
        [series_input(s, teams) for s in series if raises_finding(s)],
        per_team,
        pulse=pulse_input(pulse, names),
        skipped=skipped,
        overdue_actions=len(overdue),
        today=today,
    )
    return Diagnosis(
        initiative_id=initiative.id,
        today=today,
        min_group_size=min_size,
        steps=steps,
        stall_point=stalled,
        gaps=tuple(perception_gaps(inputs)),
        series=tuple(series),
        teams=tuple(per_team),
        drivers=tuple(drivers(per_team, names)),
        drivers_status=drivers_status(per_team, names),
        team_ids={name: team_id for team_id, (name, _) in teams.items()},
        findings=tuple(found),
        leadership=_leadership(initiative, stalled, today),
        overdue=tuple(overdue),
        pulse=pulse,
        hidden_teams=tuple(
            name for team_id, (name, size) in teams.items() if size < min_size or team_id in hidden
        ),
        folded_note=folded.note(min_size) if folded else None,
    )


def _overdue(initiative: Initiative, today: date) -> list[OverdueAction]:
    query = stages.actions_query(initiative, status="overdue", today=today)
    return [
        OverdueAction(
            action.id,
            action.title,
            STEPS_BY_KEY[action.stage_key],
            action.owner.name if action.owner else None,
            action.due_date,
            (today - action.due_date).days,
        )
        for action in db.session.scalars(query)
        if action.due_date is not None and action.stage_key in STEPS_BY_KEY
    ]


def _leadership(initiative: Initiative, stalled: str | None, today: date) -> Finding | None:
    """The leadership team's weakest Kouzes-Posner practice, from the latest 360s."""
    view = practices.team_report(initiative, practices.min_observers()).view
    weakest = view.weakest
    if weakest is None or view.basis is None:
        return None
    score = weakest.observers_mean if view.basis == "observers" else weakest.self_mean
    leaders = weakest.observers_n if view.basis == "observers" else weakest.self_n
    if score is None:
        return None
    return leadership_finding(
        weakest.practice.name,
        weakest.practice.why,
        weakest.practice.kotter_steps,
        score=score,
        basis=view.basis,
        leaders=leaders,
        stalled=stalled,
        today=today,
    )
