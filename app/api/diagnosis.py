"""The diagnosis as JSON (``GET /api/v1/initiatives/<id>/diagnosis``).

The names in docs/api.md are the contract: ``stall_point``, ``stages``
(key, health), ``gaps`` (key, leaders, staff, gap) and ``findings`` (kind,
severity, title, evidence, suggestion). Everything else is extra. Built
from the same :class:`Diagnosis` as the dashboard and the exports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.services.diagnosis import Diagnosis, Outlook
from insights.diagnosis import Finding
from insights.trends import DATE, Projection
from survey.scoring import rounded


def finding_json(finding: Finding, team_ids: Mapping[str, int]) -> dict[str, Any]:
    period = finding.period
    return {
        "kind": finding.kind,
        "severity": finding.severity,
        "title": finding.title,
        "evidence": finding.evidence,
        "suggestion": finding.suggestion,
        "step": finding.step,
        "teams": [{"id": team_ids.get(name), "name": name} for name in finding.teams],
        "period": {"from": period[0].isoformat(), "to": period[1].isoformat()} if period else None,
    }


def projection_json(projection: Projection | None) -> dict[str, Any] | None:
    """``{state, date, interval, chance}``; None when the metric has no target.

    ``date``: the projected date, or for "reached" the latest period (at target);
    ``interval``: ``[low, high]`` around a projected date, else None.
    """
    if projection is None:
        return None
    interval = projection.interval if projection.state == DATE else None
    return {
        "state": projection.state,
        "date": projection.reached_on.isoformat() if projection.reached_on else None,
        "interval": [day.isoformat() for day in interval] if interval else None,
        "chance": round(projection.chance, 2) if projection.chance is not None else None,
    }


def outlook_json(outlook: Outlook) -> dict[str, Any]:
    return {
        "metric": outlook.metric_key,
        "name": outlook.metric_name,
        "unit": outlook.unit,
        "team_id": outlook.team_id,
        "team": outlook.team,
        "latest": outlook.latest,
        "latest_date": outlook.latest_period.isoformat(),
        "target": outlook.target,
        "target_date": outlook.target_date.isoformat() if outlook.target_date else None,
        "trend": outlook.trend.label,
        "slope": rounded(outlook.trend.slope, 4),
        "p": rounded(outlook.trend.p, 4),
        "projected_target_date": (
            outlook.projected_on.isoformat() if outlook.projected_on else None
        ),
        "projection_method": outlook.projection.method if outlook.projection else None,
        "projection": projection_json(outlook.projection),
    }


def diagnosis_json(diagnosis: Diagnosis, *, consultant: bool) -> dict[str, Any]:
    """The API body; consultants also get the leadership team's 360 finding."""
    adoption = diagnosis.adoption
    return {
        "stall_point": diagnosis.stall_point,
        "as_of": diagnosis.today.isoformat(),
        "min_group_size": diagnosis.min_group_size,
        "stages": [
            {
                "key": s.key,
                "position": s.step.position,
                "health": s.health,
                "status": s.status,
                "leaders": rounded(s.leader_mean),
                "leader_n": s.leader_n,
                "staff": rounded(s.staff_mean),
                "staff_n": s.staff_n,
                "stalled": s.stalled,
            }
            for s in diagnosis.steps
        ],
        "gaps": [
            {
                "key": g.key,
                "leaders": rounded(g.leaders),
                "staff": rounded(g.staff),
                "gap": g.gap,
                "leader_n": g.leader_n,
                "staff_n": g.staff_n,
                "large": g.large,
            }
            for g in diagnosis.gaps
        ],
        "findings": [
            finding_json(f, diagnosis.team_ids) for f in diagnosis.findings_for(consultant)
        ],
        "adoption": outlook_json(adoption) if adoption else None,
        "series": [outlook_json(s) for s in diagnosis.series],
        "overdue_actions": [
            {
                "id": a.id,
                "title": a.title,
                "stage": a.step.key,
                "owner": a.owner,
                "due_date": a.due_date.isoformat(),
            }
            for a in diagnosis.overdue
        ],
    }
