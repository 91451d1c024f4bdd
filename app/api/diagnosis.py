"""The diagnosis as JSON (``GET /api/v1/initiatives/<id>/diagnosis``).

The names in shared/API.md are the contract: ``stall_point``, ``stages``
(key, health), ``gaps`` (key, leaders, staff, gap) and ``findings`` (kind,
severity, title, evidence, suggestion). Everything else is extra. Built
from the same :class:`Diagnosis` as the dashboard and the exports.
"""

from __future__ import annotations

from typing import Any

from app.services.diagnosis import Diagnosis, Outlook
from insights.diagnosis import Finding


def _round(value: float | None, places: int = 2) -> float | None:
    return round(value, places) if value is not None else None


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "kind": finding.kind,
        "severity": finding.severity,
        "title": finding.title,
        "evidence": finding.evidence,
        "suggestion": finding.suggestion,
        "step": finding.step,
        "teams": list(finding.teams),
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
        "slope": _round(outlook.trend.slope, 4),
        "p": _round(outlook.trend.p, 4),
        "projected_target_date": (
            outlook.projected_on.isoformat() if outlook.projected_on else None
        ),
        "projection_method": outlook.projection.method if outlook.projection else None,
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
                "leaders": _round(s.leader_mean),
                "leader_n": s.leader_n,
                "staff": _round(s.staff_mean),
                "staff_n": s.staff_n,
                "stalled": s.stalled,
            }
            for s in diagnosis.steps
        ],
        "gaps": [
            {
                "key": g.key,
                "leaders": _round(g.leaders),
                "staff": _round(g.staff),
                "gap": g.gap,
                "leader_n": g.leader_n,
                "staff_n": g.staff_n,
                "large": g.large,
            }
            for g in diagnosis.gaps
        ],
        "findings": [finding_json(f) for f in diagnosis.findings_for(consultant)],
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
