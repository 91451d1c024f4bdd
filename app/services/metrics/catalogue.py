"""The metric catalogue of an initiative: the defaults, custom metrics and their targets.

The default catalogue is created with the initiative (``ensure_catalogue``,
called by ``organizations.save_initiative``); pages only read it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.services import outlooks
from app.services.errors import ServiceError
from app.services.transaction import commit
from insights.adoption import (
    CATEGORIES,
    DEFAULT_CATALOGUE,
    DEFAULTS_BY_KEY,
    DIRECTIONS,
    default_target_date,
)
from models import Initiative, Metric, db

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")
# Words used in the URLs next to /metrics/<key>; no metric may be called so.
RESERVED_KEYS = frozenset({"import", "custom", "new"})


def catalogue_order(metric: Metric) -> tuple[int, str]:
    keys = list(DEFAULTS_BY_KEY)
    position = keys.index(metric.key) if metric.key in DEFAULTS_BY_KEY else len(keys)
    return position, metric.name.casefold()


def metrics_of(initiative: Initiative) -> list[Metric]:
    """The catalogue in its reading order: the defaults first, then custom metrics by name."""
    metrics = db.session.scalars(select(Metric).where(Metric.initiative_id == initiative.id))
    return sorted(metrics, key=catalogue_order)


def ensure_catalogue(initiative: Initiative) -> list[Metric]:
    """Create the default metrics the initiative lacks (idempotent; the caller commits).

    Called when an initiative is created; an initiative that has them all is
    only read, so nothing is flushed.
    """
    metrics = metrics_of(initiative)
    present = {metric.key for metric in metrics}
    missing = [d for d in DEFAULT_CATALOGUE if d.key not in present]
    if not missing:
        return metrics
    target_date = default_target_date(initiative.start_date, initiative.go_live_date)
    for definition in missing:
        metric = Metric(
            initiative_id=initiative.id,
            key=definition.key,
            name=definition.name,
            unit=definition.unit,
            direction=definition.direction,
            category=definition.category,
            description=definition.description,
            target=definition.target,
            target_date=target_date,
            is_default=True,
        )
        db.session.add(metric)
        metrics.append(metric)
    db.session.flush()
    return sorted(metrics, key=catalogue_order)


def metric_by_key(initiative: Initiative, key: str) -> Metric | None:
    if not KEY_PATTERN.fullmatch(key):  # no such key exists; and a NUL would upset PostgreSQL
        return None
    return db.session.scalar(
        select(Metric).where(Metric.initiative_id == initiative.id, Metric.key == key)
    )


@dataclass(frozen=True)
class MetricFields:
    key: str
    name: str
    unit: str
    direction: str
    category: str
    target: float | None = None
    target_date: date | None = None
    description: str = ""


def _key_problem(initiative: Initiative, key: str) -> str | None:
    if not KEY_PATTERN.fullmatch(key):
        return str(
            _("Use 2–40 lower-case letters, digits and underscores, starting with a letter.")
        )
    if key in RESERVED_KEYS:
        return str(_("%(key)s is reserved; choose another key.", key=repr(key)))
    if metric_by_key(initiative, key) is not None:
        return str(_("The catalogue already has a metric %(key)s.", key=repr(key)))
    return None


def add_metric(initiative: Initiative, fields: MetricFields) -> Metric:
    """Add a custom metric and commit; ServiceError names every field that is wrong."""
    key = fields.key.strip().lower()
    problems = {
        "key": _key_problem(initiative, key),
        "name": None if _clean(fields.name) else _("Enter a name."),
        "direction": None
        if fields.direction in DIRECTIONS
        else _("Choose whether higher or lower is better."),
        "category": None if fields.category in CATEGORIES else _("Choose a category."),
        "target": _target_problem(fields.target),
    }
    found = {field: message for field, message in problems.items() if message}
    if found:
        raise ServiceError(found)
    metric = Metric(
        initiative_id=initiative.id,
        key=key,
        name=_clean(fields.name),
        unit=_clean(fields.unit),
        direction=fields.direction,
        category=fields.category,
        description=_clean(fields.description),
        target=fields.target,
        target_date=fields.target_date,
        is_default=False,
    )
    db.session.add(metric)
    commit()
    return metric


def _clean(text: str) -> str:
    """PostgreSQL refuses NUL characters in text; nobody means to type them."""
    return text.replace("\x00", "").strip()


def _target_problem(target: float | None) -> str | None:
    if target is not None and not math.isfinite(target):
        return str(_("Enter the target as a number."))
    return None


def set_target(metric: Metric, target: float | None, target_date: date | None) -> None:
    """Change the target, refit the series' outlooks against it, and commit."""
    problem = _target_problem(target)
    if problem:
        raise ServiceError(problem, "target")
    metric.target = target
    metric.target_date = target_date
    db.session.flush()
    outlooks.refresh(metric.initiative_id)
    commit()
