"""Is a metric where it should be by now on the way to its target date?

"Behind" is measured against the path to the target, not the target: in week
4 of a five-month plan nobody is expected to be at 80%. The path runs
straight from the first observed value to the target on the target date.
Adoption follows an S-curve, slow at first, so a series below the straight
path is still on course when its projection reaches the target in time;
and a shortfall has to last a few weeks before it counts.

Severity follows how far behind (as a share of the whole distance to go) and
for how long, and how far into the plan we are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from insights.trends import DATE, noise_level

# Fewer weekly observations than this are too few to call anyone behind.
MIN_WEEKS = 6
# A shortfall under this share of the distance from start to target is noise,
# and so is one under NOISE_SDS times the series' own week-to-week noise (one
# person in a team of twelve is 8 points of adoption).
TOLERANCE = 0.05
NOISE_SDS = 1.0
# Short of the path for fewer consecutive weeks than this is a bad week, not a trend.
MIN_BEHIND_WEEKS = 2
# From this share of the distance, for LONG_WEEKS or more, behind is serious.
SERIOUS = 0.25
LONG_WEEKS = 4
# Before this share of the planned time has passed, nothing is more than medium.
EARLY = 1 / 3


@dataclass(frozen=True)
class Course:
    state: str  # "too_early" | "reached" | "on_course" | "behind" | "overdue"
    expected: float | None  # where the path says the metric should be by the latest week
    shortfall: float  # how far short of the path, in the metric's unit (0 when not behind)
    weeks_behind: int  # consecutive latest weeks short of the path beyond the tolerance
    elapsed: float  # share of the planned time gone by the latest week (0-1, more when late)
    severity: str | None  # "high" | "medium" | "low" when behind or overdue

    @property
    def behind(self) -> bool:
        return self.state in {"behind", "overdue"}


def _expected(start: float, target: float, share: float) -> float:
    return start + (target - start) * min(max(share, 0.0), 1.0)


def course(
    periods: Sequence[date],
    values: Sequence[float],
    target: float,
    target_date: date | None,
    *,
    higher_is_better: bool = True,
    projected_on: date | None = None,
    projection_state: str | None = None,
) -> Course:
    """Where ``values`` stands against the straight path to ``target`` by ``target_date``.

    ``projected_on`` is the date the series is projected to reach the target
    and ``projection_state`` the projection's verdict
    (``insights.trends.PROJECTION_STATES``): a date by the target date puts
    the series on course even below the straight path.
    """
    if len(values) < MIN_WEEKS or target_date is None:
        return Course("too_early", None, 0.0, 0, 0.0, None)
    sign = 1.0 if higher_is_better else -1.0
    latest = values[-1]
    if sign * (latest - target) >= 0:
        return Course("reached", target, 0.0, 0, 1.0, None)
    start, first = values[0], periods[0]
    planned = max((target_date - first).days, 1)
    distance = abs(target - start) or max(abs(target), 1.0)
    tolerance = max(TOLERANCE * distance, NOISE_SDS * noise_level(values))

    def short_at(index: int) -> float:
        share = (periods[index] - first).days / planned
        return sign * (_expected(start, target, share) - values[index])

    elapsed = (periods[-1] - first).days / planned
    expected = _expected(start, target, elapsed)
    weeks = 0
    for index in range(len(values) - 1, -1, -1):
        if short_at(index) <= tolerance:
            break
        weeks += 1
    shortfall = max(short_at(len(values) - 1), 0.0)
    if periods[-1] >= target_date:
        return Course("overdue", target, abs(target - latest), weeks, elapsed, "high")
    in_time = (
        projection_state in (None, DATE)
        and projected_on is not None
        and projected_on <= target_date
    )
    if in_time:
        return Course("on_course", expected, 0.0, 0, elapsed, None)
    if weeks < MIN_BEHIND_WEEKS:
        return Course("on_course", expected, 0.0, 0, elapsed, None)
    share = shortfall / distance
    if elapsed < EARLY:
        severity = "medium" if share >= SERIOUS and weeks >= LONG_WEEKS else "low"
    elif share >= SERIOUS and weeks >= LONG_WEEKS:
        severity = "high"
    else:
        severity = "medium" if weeks >= 2 else "low"
    return Course("behind", expected, shortfall, weeks, elapsed, severity)
