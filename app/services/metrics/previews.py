"""What the import wizard's preview shows of a plan: its first rows and a count per series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from app.services.metrics.catalogue import catalogue_order
from app.services.metrics.plans import ImportPlan
from app.services.metrics.readings import WHOLE_INITIATIVE
from models import Metric

PREVIEW_ROWS = 20


@dataclass(frozen=True)
class PreviewRow:
    line: int
    period: date
    team: str
    metric: Metric
    value: float
    replaces: bool


@dataclass(frozen=True)
class PreviewCount:
    metric: Metric
    team: str
    values: int
    first: date
    last: date


def preview_rows(plan: ImportPlan, limit: int = PREVIEW_ROWS) -> list[PreviewRow]:
    return [
        PreviewRow(
            o.line,
            o.period,
            plan.team_names.get(o.team_id) or _(WHOLE_INITIATIVE),
            plan.metrics[o.metric_id],
            o.value,
            o.key in plan.replacing,
        )
        for o in plan.observations[:limit]
    ]


def preview_counts(plan: ImportPlan) -> list[PreviewCount]:
    """Values per metric and team, with their first and last period."""
    spans: dict[tuple[int, int | None], list[Any]] = {}
    for o in plan.observations:
        span = spans.setdefault((o.metric_id, o.team_id), [0, o.period, o.period])
        span[0] += 1
        span[1], span[2] = min(span[1], o.period), max(span[2], o.period)
    whole = _(WHOLE_INITIATIVE)
    counts = [
        PreviewCount(plan.metrics[metric_id], plan.team_names.get(team_id) or whole, *span)
        for (metric_id, team_id), span in spans.items()
    ]
    return sorted(
        counts, key=lambda c: (catalogue_order(c.metric), c.team != whole, c.team.casefold())
    )
