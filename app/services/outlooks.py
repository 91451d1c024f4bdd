"""Each usage series' trend and projection, computed once when its data change and stored.

A series' outlook depends on nothing but its periods, values, target,
direction and ceiling. Every write of observations or targets calls
:func:`refresh` in its own transaction, which refits only the series whose
fingerprint changed. Readers (:func:`stored_outlooks` with :func:`outlook_of`)
use a stored row only when its fingerprint is that of the series they read,
so a row can never be stale: a series written some other way (an older
database, a bulk load) is computed on the spot, and kept per worker.
"""

from __future__ import annotations

import hashlib
import math
from array import array
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import String, delete, insert, or_, select, true, type_coerce

from insights.trends import Projection, Trend, classify_trend, project_target_date
from models import Metric, Observation, SeriesOutlook, db

USAGE = "usage"
PERCENT = "%"
# Outlooks kept per worker for series with no stored row: 200 teams x a few metrics, twice.
OUTLOOK_CACHE = 4096

SeriesKey = tuple[int, int | None]  # (metric id, team id or None for the whole initiative)


def _inputs(
    metric: Metric, periods: Sequence[date], values: Sequence[float]
) -> tuple[tuple[date, ...], tuple[float, ...], float | None, bool, float | None]:
    return (
        tuple(periods),
        tuple(float(v) for v in values),
        metric.target,
        metric.direction == "higher",
        100.0 if metric.unit == PERCENT else None,
    )


def fingerprint(metric: Metric, periods: Sequence[date], values: Sequence[float]) -> str:
    """A hash of exactly what the outlook of this series depends on (read on every page)."""
    digest = hashlib.sha256(
        repr((metric.target, metric.direction, metric.unit, len(periods))).encode()
    )
    digest.update(array("l", [p.toordinal() for p in periods]).tobytes())
    digest.update(array("d", values).tobytes())
    return digest.hexdigest()[:32]


def usage_points(
    metric_ids: Sequence[int], per_team: Sequence[int] | None = None
) -> dict[SeriesKey, tuple[list[date], list[float]]]:
    """Every series of these metrics, oldest period first: one query, read without the ORM.

    ``per_team`` names the metrics whose teams' series are wanted (default: all).
    """
    points: dict[SeriesKey, tuple[list[date], list[float]]] = {}
    if not metric_ids:
        return points
    connection = db.session.connection()
    # SQLite keeps dates as ISO text: parsing it here is several times faster than
    # SQLAlchemy's own date processing, which was a third of a dashboard at 200 teams.
    as_text = connection.dialect.name == "sqlite"
    period = type_coerce(Observation.period, String) if as_text else Observation.period
    for metric_id, team_id, day, value in connection.execute(
        select(Observation.metric_id, Observation.team_id, period, Observation.value)
        .where(
            Observation.metric_id.in_(list(metric_ids)),
            true()
            if per_team is None
            else or_(Observation.team_id.is_(None), Observation.metric_id.in_(list(per_team))),
        )
        .order_by(Observation.period)
    ).all():
        periods, values = points.setdefault((metric_id, team_id), ([], []))
        periods.append(date.fromisoformat(cast(str, day)) if as_text else cast(date, day))
        values.append(value)
    return points


def outlook_of(
    metric: Metric, periods: Sequence[date], values: Sequence[float]
) -> tuple[Trend, Projection | None]:
    """The recent trend and, with a target, the projection: the same rule everywhere.

    The projection (:func:`insights.trends.project`, through its default-seed
    entry point) carries its ``state`` (reached, date, too_few_weeks,
    levelling_below_target, flat_or_falling; no values yet: too_few_weeks), the
    projected date (``reached_on``) and its ``interval``; ``method`` keeps the
    older wording. None without a target. Percentages cannot pass 100, so the
    S-curve fitted to them is capped there.
    """
    return _computed(*_inputs(metric, periods, values))


@lru_cache(maxsize=OUTLOOK_CACHE)
def _computed(
    periods: tuple[date, ...],
    values: tuple[float, ...],
    target: float | None,
    higher_is_better: bool,
    ceiling: float | None,
) -> tuple[Trend, Projection | None]:
    trend = classify_trend(values)
    if target is None:
        return trend, None
    projection = project_target_date(
        periods, values, target, higher_is_better=higher_is_better, ceiling=ceiling
    )
    return trend, projection


# --- stored rows -------------------------------------------------------------------------


def _trend_row(trend: Trend) -> list[Any]:
    return [trend.label, trend.slope, trend.p, trend.periods]


def _projection_row(projection: Projection | None) -> list[Any] | None:
    if projection is None:
        return None
    interval = projection.interval
    return [
        projection.reached_on.isoformat() if projection.reached_on else None,
        projection.method,
        projection.state,
        [interval[0].isoformat(), interval[1].isoformat()] if interval else None,
        projection.chance,
        projection.level,
    ]


def _storable(trend: Trend, projection: Projection | None) -> bool:
    """JSON in PostgreSQL has no NaN or infinity."""
    numbers = [trend.slope, trend.p]
    if projection is not None:
        numbers += [n for n in (projection.chance, projection.level) if n is not None]
    return all(math.isfinite(n) for n in numbers)


def _from_rows(trend: list[Any], projection: list[Any] | None) -> tuple[Trend, Projection | None]:
    label, slope, p, periods = trend
    if projection is None:
        return Trend(label, slope, p, periods), None
    reached_on, method, state, interval, chance, level = projection
    return Trend(label, slope, p, periods), Projection(
        date.fromisoformat(reached_on) if reached_on else None,
        method,
        state,
        (date.fromisoformat(interval[0]), date.fromisoformat(interval[1])) if interval else None,
        chance,
        level,
    )


def stored_outlooks(
    metric_ids: Sequence[int],
) -> dict[SeriesKey, tuple[str, tuple[Trend, Projection | None]]]:
    """Every stored outlook of these metrics: (metric, team) -> (fingerprint, outlook)."""
    if not metric_ids:
        return {}
    return {
        (metric_id, team_id): (fingerprint_, _from_rows(trend, projection))
        for metric_id, team_id, fingerprint_, trend, projection in db.session.execute(
            select(
                SeriesOutlook.metric_id,
                SeriesOutlook.team_id,
                SeriesOutlook.fingerprint,
                SeriesOutlook.trend,
                SeriesOutlook.projection,
            ).where(SeriesOutlook.metric_id.in_(list(metric_ids)))
        )
    }


def outlook_for(
    stored: dict[SeriesKey, tuple[str, tuple[Trend, Projection | None]]],
    metric: Metric,
    team_id: int | None,
    periods: Sequence[date],
    values: Sequence[float],
) -> tuple[Trend, Projection | None]:
    """The stored outlook when it is of exactly this series, else the computed one."""
    found = stored.get((metric.id, team_id))
    if found is not None and found[0] == fingerprint(metric, periods, values):
        return found[1]
    return outlook_of(metric, periods, values)


def refresh(initiative_id: int) -> int:
    """Store the outlook of every usage series of the initiative whose data changed.

    Part of the caller's transaction (an import, a target change); returns how
    many series were refitted. Series that no longer exist lose their row.
    """
    usage = {
        metric.id: metric
        for metric in db.session.scalars(
            select(Metric).where(Metric.initiative_id == initiative_id, Metric.category == USAGE)
        )
    }
    if not usage:
        return 0
    points = usage_points(list(usage))
    stored = {
        (metric_id, team_id): (row_id, fingerprint_)
        for row_id, metric_id, team_id, fingerprint_ in db.session.execute(
            select(
                SeriesOutlook.id,
                SeriesOutlook.metric_id,
                SeriesOutlook.team_id,
                SeriesOutlook.fingerprint,
            ).where(SeriesOutlook.metric_id.in_(list(usage)))
        )
    }
    rows, stale = [], [row_id for key, (row_id, _) in stored.items() if key not in points]
    for (metric_id, team_id), (periods, values) in points.items():
        metric = usage[metric_id]
        current = fingerprint(metric, periods, values)
        before = stored.get((metric_id, team_id))
        if before is not None and before[1] == current:
            continue
        if before is not None:
            stale.append(before[0])
        trend, projection = outlook_of(metric, periods, values)
        if not _storable(trend, projection):
            continue  # left to be computed when read
        rows.append({
            "metric_id": metric_id, "team_id": team_id, "fingerprint": current,
            "trend": _trend_row(trend), "projection": _projection_row(projection),
        })  # fmt: skip
    if stale:
        db.session.execute(delete(SeriesOutlook).where(SeriesOutlook.id.in_(stale)))
    if rows:
        db.session.execute(insert(SeriesOutlook), rows)
    return len(rows)
