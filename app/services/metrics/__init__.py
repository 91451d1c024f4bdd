"""Adoption and customer metrics of an initiative, by question.

- :mod:`.catalogue` — which metrics an initiative tracks, and their targets;
- :mod:`.readings` — the stored series and latest values;
- :mod:`.plans` — what an import would store, row errors included (never writes);
- :mod:`.imports` — tidy, wide and JSON files, and writing a clean plan;
- :mod:`.activity` — CRM activity logs and their remembered column mapping;
- :mod:`.previews` — what the import wizard shows of a plan.

Callers import from here (``from app.services import metrics``).
"""

from app.services.metrics.activity import plan_activity_log, remember_mapping, remembered_mapping
from app.services.metrics.catalogue import (
    KEY_PATTERN,
    RESERVED_KEYS,
    MetricFields,
    add_metric,
    catalogue_order,
    ensure_catalogue,
    metric_by_key,
    metrics_of,
    set_target,
)
from app.services.metrics.imports import (
    apply_plan,
    confirm_import,
    plan_json,
    plan_tidy,
    plan_wide,
)
from app.services.metrics.plans import (
    ACTIVITY_LOG,
    DATE_FORMATS,
    ISO_DATE,
    KINDS,
    ON_CONFLICT,
    REJECT,
    REPLACE,
    TIDY,
    TIDY_COLUMNS,
    USERS_FILE,
    WIDE,
    WIDE_DATE_COLUMNS,
    ActivitySummary,
    ImportPlan,
    Planned,
    RowError,
    csv_rows,
    parse_period,
    parse_value,
)
from app.services.metrics.previews import (
    PREVIEW_ROWS,
    PreviewCount,
    PreviewRow,
    preview_counts,
    preview_rows,
)
from app.services.metrics.readings import (
    WHOLE_INITIATIVE,
    Point,
    TeamSeries,
    latest_values,
    observation_count,
    series,
    series_by_team,
    team_of,
    teams_of,
)

__all__ = [
    "ACTIVITY_LOG",
    "DATE_FORMATS",
    "ISO_DATE",
    "KEY_PATTERN",
    "KINDS",
    "ON_CONFLICT",
    "PREVIEW_ROWS",
    "REJECT",
    "REPLACE",
    "RESERVED_KEYS",
    "TIDY",
    "TIDY_COLUMNS",
    "USERS_FILE",
    "WHOLE_INITIATIVE",
    "WIDE",
    "WIDE_DATE_COLUMNS",
    "ActivitySummary",
    "ImportPlan",
    "MetricFields",
    "Planned",
    "Point",
    "PreviewCount",
    "PreviewRow",
    "RowError",
    "TeamSeries",
    "add_metric",
    "apply_plan",
    "catalogue_order",
    "confirm_import",
    "csv_rows",
    "ensure_catalogue",
    "latest_values",
    "metric_by_key",
    "metrics_of",
    "observation_count",
    "parse_period",
    "parse_value",
    "plan_activity_log",
    "plan_json",
    "plan_tidy",
    "plan_wide",
    "preview_counts",
    "preview_rows",
    "remember_mapping",
    "remembered_mapping",
    "series",
    "series_by_team",
    "set_target",
    "team_of",
    "teams_of",
]
