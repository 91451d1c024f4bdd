"""CRM adoption: the default metric catalogue, and weekly figures derived from an activity log.

Pure Python (no Flask, no database). The metrics service streams the rows of a
CRM export through :class:`ActivityRowReader` and :class:`WeeklyActivity` and
stores what comes out; nothing here holds more than one row of the file.

By question: :mod:`.catalogue` (the default metrics and targets),
:mod:`.timestamps` (formats, zones, weeks), :mod:`.activity` (reading a row
with a column mapping), :mod:`.weekly` (the weekly figures).

Definitions (docs/domain.md, "Measures people in this field expect"):

week
    An ISO week, Monday 00:00 up to the next Monday 00:00 in the *reporting*
    time zone, named by its Monday. A timestamp without a zone of its own is
    first read in the log's *source* zone (many CRMs export UTC), then
    converted: a login at Sunday 23:30 UTC is Monday 00:30 in London in summer,
    so it belongs to the London week that starts that Monday.
active user
    Someone who did real work in the CRM that week: at least one counted record
    created or updated. Logging in alone is not adoption (DOMAIN.md: "active"
    means doing real work, not merely logging in). For exports that hold logins
    only, the mapping may say that any counted event makes a user active
    (``active_on = "any"``).
weekly active users (WAU)
    Distinct active users in the week.
monthly active users (MAU)
    Distinct users active in any of the trailing four weeks: the week itself
    and the three before it.
adoption rate (%)
    WAU ÷ licensed seats × 100 for the whole initiative; a team's WAU ÷ the
    team's headcount × 100 per team. None when the seats or headcount are 0.
stickiness (%)
    WAU ÷ MAU × 100. Only for weeks with three earlier weeks of log: with a
    shorter window MAU is too small and stickiness looks better than it is.
logins per active user (per week)
    Counted logins by the week's active users ÷ WAU. Logins of people who did
    no work are left out: they are what the adoption rate already excludes.
records per active user (per week)
    Counted record changes by the week's active users ÷ WAU.
a user's team
    In a week, the team named on the user's latest event of that week (from the
    log's team column, else from the user list). Users without a team count in
    the whole-initiative figures only.
reported weeks and teams
    Every week from the first to the last event, gaps included (a week nobody
    worked is 0 % adopted, not missing), for the whole initiative and for every
    team that appears on at least one counted event.
"""

from insights.adoption.activity import (
    ACTIVE_ON,
    LOGIN,
    RECORD,
    ActivityEvent,
    ActivityMapping,
    ActivityRowReader,
    ReasonCounter,
    RowProblem,
    Skipped,
    user_key,
)
from insights.adoption.catalogue import (
    ADOPTION_RATE,
    CATEGORIES,
    CUSTOMER_OUTCOME,
    DATA_QUALITY,
    DEFAULT_CATALOGUE,
    DEFAULTS_BY_KEY,
    DERIVED_KEYS,
    DIRECTIONS,
    LOGINS_PER_ACTIVE_USER,
    RECORDS_PER_ACTIVE_USER,
    STICKINESS,
    TARGET_HORIZON,
    USAGE,
    MetricDefinition,
    default_target_date,
    meets_target,
)
from insights.adoption.timestamps import (
    EPOCH,
    EPOCH_MS,
    ISO,
    TIMESTAMP_FORMATS,
    parse_timestamp,
    week_start,
    zone,
)
from insights.adoption.weekly import (
    MAU_WEEKS,
    WeekFigures,
    WeeklyActivity,
    observations,
    weekly_figures,
)

__all__ = [
    "ACTIVE_ON",
    "ADOPTION_RATE",
    "CATEGORIES",
    "CUSTOMER_OUTCOME",
    "DATA_QUALITY",
    "DEFAULTS_BY_KEY",
    "DEFAULT_CATALOGUE",
    "DERIVED_KEYS",
    "DIRECTIONS",
    "EPOCH",
    "EPOCH_MS",
    "ISO",
    "LOGIN",
    "LOGINS_PER_ACTIVE_USER",
    "MAU_WEEKS",
    "RECORD",
    "RECORDS_PER_ACTIVE_USER",
    "STICKINESS",
    "TARGET_HORIZON",
    "TIMESTAMP_FORMATS",
    "USAGE",
    "ActivityEvent",
    "ActivityMapping",
    "ActivityRowReader",
    "MetricDefinition",
    "ReasonCounter",
    "RowProblem",
    "Skipped",
    "WeekFigures",
    "WeeklyActivity",
    "default_target_date",
    "meets_target",
    "observations",
    "parse_timestamp",
    "user_key",
    "week_start",
    "weekly_figures",
    "zone",
]
