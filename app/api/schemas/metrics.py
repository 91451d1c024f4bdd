"""Adoption and customer metrics: the catalogue, imports, a series and its projection."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from app.api.schemas.base import ApiModel
from app.services.metrics import Point, RowError
from app.services.metrics.measurable import definition
from insights.trends import DATE
from insights.trends import Projection as ProjectionResult
from models import Metric as MetricRow

TrendLabel = Literal["rising", "plateau", "declining"]
ProjectionMethod = Literal["already reached", "s-curve", "linear", "not on the current trend"]


class Metric(ApiModel):
    key: str = Field(description="e.g. adoption_rate, csat")
    name: str
    unit: str = Field(description="%, score, logins/week, ...")
    direction: Literal["higher", "lower"]
    target: float | None
    target_date: dt.date | None
    category: Literal["usage", "data_quality", "customer_outcome"]
    description: str = Field(description="the definition, as the stored values were computed")
    basis: str = Field(
        description='what an imported activity metric was counted from ("logins", '
        '"record changes", "logins or record changes"); empty when imported as values'
    )
    custom: bool = Field(description="added by a consultant")

    @classmethod
    def of(cls, metric: MetricRow) -> Metric:
        return cls(
            key=metric.key,
            name=metric.name,
            unit=metric.unit,
            direction=metric.direction,
            target=metric.target,
            target_date=metric.target_date,
            category=metric.category,
            description=definition(metric.description, metric.basis),
            basis=metric.basis,
            custom=not metric.is_default,
        )


class ObservationIn(ApiModel):
    """One value of a JSON import (the request body, never an answer)."""

    date: dt.date = Field(description="start of the period")
    team: str | None = Field(description="team name; empty or null for the whole initiative")
    metric: str = Field(description="a metric key of the catalogue")
    value: float | str


class ObservationsIn(ApiModel):
    observations: list[ObservationIn]


class Imported(ApiModel):
    imported: int = Field(description="values written")


class RowProblem(ApiModel):
    line: int = Field(
        description="1-based line of the CSV (the header is line 1), "
        "or 1-based index in the observations array"
    )
    message: str


class ImportRejected(ApiModel):
    """Nothing was imported: every bad row with its line."""

    error: str
    rows: list[RowProblem]

    @classmethod
    def of(cls, errors: list[RowError]) -> ImportRejected:
        return cls(
            error="Nothing was imported: fix the rows listed.",
            rows=[RowProblem(line=error.line, message=error.message) for error in errors],
        )


class Projection(ApiModel):
    """When the target is reached on the current course, and how sure that is."""

    state: Literal["reached", "date", "too_few_weeks", "levelling_below_target",
                   "flat_or_falling"] = Field(
        description="too_few_weeks: under six weeks of values, or the weeks so far fit curves "
        "that reach the target and curves that level off short of it alike; "
        "levelling_below_target: rose, now heading for a level short of the target; "
        "flat_or_falling: no significant move towards the target (for a lower-is-better "
        "metric: flat or rising)"
    )  # fmt: skip
    date: dt.date | None = Field(
        description="the projected date (state date), or the latest period (state reached)"
    )
    interval: list[dt.date] | None = Field(
        min_length=2,
        max_length=2,
        description="[low, high] around the projected date: the central 80 % of the dates the "
        "fitting curves reach the target; null unless state is date",
    )
    chance: float | None = Field(
        ge=0,
        le=1,
        description="the weight of the fitting curves that reach the target within five "
        "years; null when nothing was fitted",
    )

    @classmethod
    def of(cls, projection: ProjectionResult | None) -> Projection | None:
        """None when the metric has no target."""
        if projection is None:
            return None
        interval = projection.interval if projection.state == DATE else None
        chance = projection.chance
        return cls(
            state=projection.state,
            date=projection.reached_on,
            interval=list(interval) if interval else None,
            chance=round(chance, 2) if chance is not None else None,
        )


class SeriesPoint(ApiModel):
    date: dt.date = Field(description="start of the period")
    value: float

    @classmethod
    def of(cls, point: Point) -> SeriesPoint:
        return cls(date=point.period, value=point.value)


class MetricSeries(ApiModel):
    """One metric for the whole initiative or one team: its values, trend and projection."""

    metric: Metric
    team_id: int | None
    suppressed: bool = Field(
        description="true for a team folded into a larger figure (under the reporting "
        "threshold, or hidden so that such a team cannot be worked out): its series is empty "
        "and it has no trend or projection"
    )
    series: list[SeriesPoint]
    trend: TrendLabel | None
    projected_target_date: dt.date | None
    projection_method: ProjectionMethod | None = Field(
        description="how the date was projected; null without a target"
    )
    projection: Projection | None = Field(
        description="when the target is reached on the current course; null without a "
        "target. Series that rise towards it are S-curves weighed by how well they fit "
        "(docs/diagnosis-statistics.md)"
    )
